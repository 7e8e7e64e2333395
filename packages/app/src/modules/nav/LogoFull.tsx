import { LogoMark } from './LogoMark';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 30 },
  mark: { fill: '#7df3e1' },
  text: { fill: '#ffffff', font: '600 40px sans-serif' },
});

/** The Convergence word mark: two converging arcs and the name. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 340 60"
    >
      <LogoMark className={classes.mark} />
      <text className={classes.text} x="68" y="45">
        Convergence
      </text>
    </svg>
  );
};
