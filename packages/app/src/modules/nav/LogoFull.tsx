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
      <path
        className={classes.mark}
        d="M4 8 L28 30 L4 52 L12 52 L36 30 L12 8 Z"
      />
      <path
        className={classes.mark}
        d="M56 8 L32 30 L56 52 L48 52 L24 30 L48 8 Z"
        opacity={0.6}
      />
      <text className={classes.text} x="68" y="45">
        Convergence
      </text>
    </svg>
  );
};
