/**
 * Ownership scorecards for any frontend plugin: the API ref, hooks that read
 * the scorecards backend, the level chip, and the dialog and drop-down the
 * scorecards and mlops frontends share.
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
export { ActionDialog } from './components/ActionDialog';
export type { ActionDialogProps } from './components/ActionDialog';
export { SelectField } from './components/SelectField';
export type { SelectFieldProps } from './components/SelectField';
export { errorMessage, isNotAllowed } from './errors';
