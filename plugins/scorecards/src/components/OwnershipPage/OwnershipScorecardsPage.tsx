import { Header, Page } from '@backstage/core-components';
import { OwnershipScorecards } from './OwnershipScorecards';

/** The ownership scorecards page with its header, for the legacy frontend system. */
export const OwnershipScorecardsPage = () => (
  <Page themeId="tool">
    <Header
      title="Ownership scorecards"
      subtitle="How production-ready each team's ML assets are"
    />
    <OwnershipScorecards />
  </Page>
);
