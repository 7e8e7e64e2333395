import { Route, Routes } from 'react-router-dom';
import { Header, Page } from '@backstage/core-components';
import { campaignRouteRef } from '../../routes';
import { CampaignPage } from '../CampaignPage/CampaignPage';
import { CampaignsPage } from './CampaignsPage';

/** The campaigns list and, below it, each campaign's page. */
export const CampaignsRouter = () => (
  <Routes>
    <Route path="/" element={<CampaignsPage />} />
    <Route path={campaignRouteRef.path} element={<CampaignPage />} />
  </Routes>
);

/** The campaigns pages with their header, for the legacy frontend system. */
export const ScorecardCampaignsPage = () => (
  <Page themeId="tool">
    <Header
      title="Scorecard campaigns"
      subtitle="Goals with deadlines, and each team's progress towards them"
    />
    <CampaignsRouter />
  </Page>
);
