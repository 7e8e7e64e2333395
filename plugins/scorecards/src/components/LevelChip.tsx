import Chip from '@material-ui/core/Chip';

const colors: Record<string, string> = {
  Gold: '#c9a227',
  Silver: '#8e9aa6',
  Bronze: '#a0652d',
};

/**
 * A scorecard level as a coloured chip; "No level" below the first.
 *
 * @public
 */
export const LevelChip = ({
  level,
  size = 'small',
}: {
  level: string | null;
  size?: 'small' | 'medium';
}) => (
  <Chip
    size={size}
    label={level ?? 'No level'}
    style={{
      backgroundColor: level ? colors[level] ?? '#5c6bc0' : '#bdbdbd',
      color: '#fff',
      fontWeight: 600,
    }}
  />
);

/** 0.75 as "75%". */
export const percent = (score: number) => `${Math.round(score * 100)}%`;
