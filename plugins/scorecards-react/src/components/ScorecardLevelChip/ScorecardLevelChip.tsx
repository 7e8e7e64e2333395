import Chip from '@material-ui/core/Chip';
import { ScorecardLevel } from '@convergence/backstage-plugin-scorecards-common';

/**
 * Colours by a level's position in its scorecard, lowest first: bronze,
 * silver, gold, platinum blue, then purple for the fifth and any higher level.
 */
const POSITION_COLORS = ['#a0652d', '#8e9aa6', '#c9a227', '#4f7ea8', '#6a4c93'];
/** A level the given levels do not name (or none were given). */
const UNRANKED_COLOR = '#5c6bc0';
/** Below the first level. */
const NO_LEVEL_COLOR = '#bdbdbd';

/**
 * The colour of a level: from its position in the scorecard's levels (lowest
 * first), never from its name.
 */
function levelColor(
  level: string | null,
  levels: ReadonlyArray<string | ScorecardLevel> = [],
): string {
  if (level === null) return NO_LEVEL_COLOR;
  const position = levels.findIndex(
    l => (typeof l === 'string' ? l : l.name) === level,
  );
  if (position < 0) return UNRANKED_COLOR;
  return POSITION_COLORS[Math.min(position, POSITION_COLORS.length - 1)];
}

/**
 * Props of {@link ScorecardLevelChip}.
 *
 * @public
 */
export interface ScorecardLevelChipProps {
  /** The level reached, or null below the first level. */
  level: string | null;
  /**
   * The scorecard's levels, lowest first, as `/definitions` returns them (a
   * `ScorecardDefinition`'s `levels`, or their names). The chip's colour
   * comes from the level's position in them: the first bronze, the second
   * silver, the third gold, the fourth blue, the fifth and higher purple. A
   * level they do not name (or when they are not given) is indigo.
   */
  levels?: ReadonlyArray<string | ScorecardLevel>;
  size?: 'small' | 'medium';
}

/**
 * A scorecard level as a coloured chip; "No level" below the first level.
 *
 * @public
 */
export const ScorecardLevelChip = ({
  level,
  levels,
  size = 'small',
}: ScorecardLevelChipProps) => (
  <Chip
    size={size}
    label={level ?? 'No level'}
    style={{
      backgroundColor: levelColor(level, levels),
      color: '#fff',
      fontWeight: 600,
    }}
  />
);

/**
 * A score (0..1) as a whole percentage: 0.75 as "75%".
 *
 * @public
 */
export const formatScorePercent = (score: number) =>
  `${Math.round(score * 100)}%`;
