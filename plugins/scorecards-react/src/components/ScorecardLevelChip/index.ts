export { ScorecardLevelChip, formatScorePercent } from './ScorecardLevelChip';
export type { ScorecardLevelChipProps } from './ScorecardLevelChip';
