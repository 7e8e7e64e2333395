import { createApiRef } from '@backstage/core-plugin-api';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';

/**
 * The scorecards API in the frontend.
 *
 * @public
 */
export const scorecardsApiRef = createApiRef<ScorecardsApi>({
  id: 'plugin.scorecards.api',
});
