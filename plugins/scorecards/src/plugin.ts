import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ScorecardsClient } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { campaignRouteRef, campaignsRouteRef } from './routes';

const rootRouteRef = createRouteRef({ id: 'scorecards' });

/**
 * Ownership scorecards for apps on the legacy frontend system.
 *
 * @public
 */
export const scorecardsPlugin = createPlugin({
  id: 'scorecards',
  routes: {
    root: rootRouteRef,
    campaigns: campaignsRouteRef,
    campaign: campaignRouteRef,
  },
  apis: [
    createApiFactory({
      api: scorecardsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ScorecardsClient(deps),
    }),
  ],
});

/**
 * The ownership scorecards page.
 * @public
 */
export const OwnershipScorecardsPage = scorecardsPlugin.provide(
  createRoutableExtension({
    name: 'OwnershipScorecardsPage',
    component: () =>
      import('./components/OwnershipPage/OwnershipScorecardsPage').then(
        m => m.OwnershipScorecardsPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Scorecard campaigns: the list, and each campaign's page below it (mount it
 * at e.g. `/campaigns`).
 * @public
 */
export const ScorecardCampaignsPage = scorecardsPlugin.provide(
  createRoutableExtension({
    name: 'ScorecardCampaignsPage',
    component: () =>
      import('./components/CampaignsPage/CampaignsRouter').then(
        m => m.ScorecardCampaignsPage,
      ),
    mountPoint: campaignsRouteRef,
  }),
);

/**
 * An entity's scorecards with every check.
 * @public
 */
export const EntityScorecardCard = scorecardsPlugin.provide(
  createComponentExtension({
    name: 'EntityScorecardCard',
    component: {
      lazy: () =>
        import('./components/EntityScorecardCard/EntityScorecardCard').then(
          m => m.EntityScorecardCard,
        ),
    },
  }),
);

/**
 * A team's scorecards, sub-teams included.
 * @public
 */
export const EntityGroupScorecardCard = scorecardsPlugin.provide(
  createComponentExtension({
    name: 'EntityGroupScorecardCard',
    component: {
      lazy: () =>
        import('./components/GroupScorecardCard/GroupScorecardCard').then(
          m => m.GroupScorecardCard,
        ),
    },
  }),
);
