/**
 * Ownership scorecards frontend. The new frontend system entry point is
 * `@convergence/backstage-plugin-scorecards/alpha`.
 *
 * @packageDocumentation
 */
export {
  scorecardsPlugin,
  OwnershipScorecardsPage,
  EntityScorecardCard,
  EntityGroupScorecardCard,
} from './plugin';
export { scorecardsApiRef } from './api';
export { LevelChip as ScorecardLevelBadge } from './components/LevelChip';
