import { createApiRef } from '@backstage/core-plugin-api';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';

/**
 * The scorecards API in the frontend. The scorecards plugin registers a
 * `ScorecardsClient` for it; other plugins read it from here.
 *
 * @public
 */
export const scorecardsApiRef = createApiRef<ScorecardsApi>({
  id: 'plugin.scorecards.api',
});
