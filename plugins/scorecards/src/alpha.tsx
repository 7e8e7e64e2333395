import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import AssessmentIcon from '@material-ui/icons/Assessment';
import FlagIcon from '@material-ui/icons/Flag';
import { ScorecardsClient } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { campaignRouteRef, campaignsRouteRef } from './routes';

const rootRouteRef = createRouteRef();

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: scorecardsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ScorecardsClient(deps),
    }),
});

const entityCard = EntityCardBlueprint.make({
  name: 'entity',
  params: {
    filter: { kind: { $in: ['model', 'dataset', 'pipeline', 'component'] } },
    loader: () =>
      import('./components/EntityScorecardCard/EntityScorecardCard').then(m => (
        <m.EntityScorecardCard />
      )),
  },
});

const groupCard = EntityCardBlueprint.make({
  name: 'group',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/GroupScorecardCard/GroupScorecardCard').then(m => (
        <m.GroupScorecardCard />
      )),
  },
});

const page = PageBlueprint.make({
  params: {
    path: '/scorecards',
    title: 'Ownership scorecards',
    icon: <AssessmentIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/OwnershipPage/OwnershipScorecards').then(m => (
        <m.OwnershipScorecards />
      )),
  },
});

const campaignsPage = PageBlueprint.make({
  name: 'campaigns',
  params: {
    path: '/campaigns',
    title: 'Scorecard campaigns',
    icon: <FlagIcon fontSize="inherit" />,
    routeRef: campaignsRouteRef,
    loader: () =>
      import('./components/CampaignsPage/CampaignsRouter').then(m => (
        <m.CampaignsRouter />
      )),
  },
});

/**
 * Ownership scorecards for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'scorecards',
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    campaigns: campaignsRouteRef,
    campaign: campaignRouteRef,
  },
  extensions: [api, entityCard, groupCard, page, campaignsPage],
});
