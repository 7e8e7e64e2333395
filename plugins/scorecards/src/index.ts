/**
 * Ownership scorecards frontend. The new frontend system entry point is
 * `@convergence/backstage-plugin-scorecards/alpha`; what other plugins share
 * (the API ref, hooks, the level chip) is in
 * `@convergence/backstage-plugin-scorecards-react`.
 *
 * @packageDocumentation
 */
import {
  scorecardsApiRef as reactScorecardsApiRef,
  ScorecardLevelChip,
} from '@convergence/backstage-plugin-scorecards-react';

export {
  scorecardsPlugin,
  OwnershipScorecardsPage,
  ScorecardCampaignsPage,
  EntityScorecardCard,
  EntityGroupScorecardCard,
} from './plugin';

/**
 * The scorecards API in the frontend.
 *
 * @public
 * @deprecated Import `scorecardsApiRef` from `@convergence/backstage-plugin-scorecards-react`.
 */
export const scorecardsApiRef = reactScorecardsApiRef;

/**
 * A scorecard level as a coloured chip.
 *
 * @public
 * @deprecated Use `ScorecardLevelChip` from `@convergence/backstage-plugin-scorecards-react`.
 */
export const ScorecardLevelBadge = ScorecardLevelChip;
