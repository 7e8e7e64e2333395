import { Route, Routes } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { campaignsRouteRef } from '../routes';
import { CampaignsRouter } from '../components/CampaignsPage/CampaignsRouter';
import { permissionApi } from './campaigns';

/**
 * The campaigns pages (list, campaign page) at `path` over `api`, with
 * `permissions` (scorecards.campaign.manage denied by default) and any
 * `extraApis`.
 */
export const renderCampaigns = (
  api: ScorecardsApi,
  options: {
    permissions?: ReturnType<typeof permissionApi>;
    path: string;
    extraApis?: Array<readonly [any, any]>;
  },
) =>
  renderInTestApp(
    <TestApiProvider
      apis={
        [
          [scorecardsApiRef, api],
          [permissionApiRef, options.permissions ?? permissionApi(false)],
          ...(options.extraApis ?? []),
        ] as any
      }
    >
      <Routes>
        <Route path="/campaigns/*" element={<CampaignsRouter />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [options.path],
      mountedRoutes: {
        '/campaigns': campaignsRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
