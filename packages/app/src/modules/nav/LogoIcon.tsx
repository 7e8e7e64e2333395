import { LogoMark } from './LogoMark';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
  mark: { fill: '#7df3e1' },
});

/** The Convergence mark, for the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 60 60"
    >
      <LogoMark className={classes.mark} />
    </svg>
  );
};
