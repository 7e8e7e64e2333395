/**
 * Ownership scorecards for any frontend plugin: the API ref, hooks that read
 * the scorecards backend, and the level chip.
 *
 * @packageDocumentation
 */
export { scorecardsApiRef } from './api';
export {
  useScorecardDefinitions,
  useEntityScorecard,
  useScorecardSummary,
  useScorecardSummaries,
  useScorecardResults,
  useScorecardResultsByRefs,
} from './hooks';
export type { ScorecardDefinitions } from './hooks';
export {
  ScorecardLevelChip,
  formatScorePercent,
} from './components/ScorecardLevelChip';
export type { ScorecardLevelChipProps } from './components/ScorecardLevelChip';
export { errorMessage, isNotAllowed } from './errors';
