import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

const colors: Record<string, string> = {
  public: '#2e7d32',
  internal: '#1565c0',
  confidential: '#ef6c00',
  restricted: '#c62828',
};

const useStyles = makeStyles({ chip: { color: '#fff', margin: 0 } });

/** A dataset classification as a coloured chip; "unclassified" when absent. */
export const Classification = ({ value }: { value?: string }) => {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      className={classes.chip}
      style={{
        backgroundColor: value ? colors[value] ?? '#616161' : '#9e9e9e',
      }}
      label={value ?? 'unclassified'}
    />
  );
};
