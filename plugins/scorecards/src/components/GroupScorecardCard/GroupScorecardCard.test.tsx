import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import { failsWith, mockApi } from '../../__testUtils__/fixtures';
import { openCampaign } from '../../__testUtils__/campaigns';
import { campaignsRouteRef } from '../../routes';
import { GroupScorecardCard } from './GroupScorecardCard';

const group = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'ml-platform', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const render = (api: ScorecardsApi, mountCampaigns = true) =>
  renderInTestApp(
    <TestApiProvider apis={[[scorecardsApiRef, api]]}>
      <EntityProvider entity={group}>
        <GroupScorecardCard />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        ...(mountCampaigns ? { '/campaigns': campaignsRouteRef } : {}),
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );

describe('GroupScorecardCard', () => {
  it("lists the team's open campaigns with its progress and days left", async () => {
    const listCampaigns = jest.fn(async () => ({
      items: [openCampaign({ progress: { done: 1, total: 4, ungraded: 0 } })],
    }));
    await render(mockApi({ listCampaigns }));

    const section = await screen.findByTestId('group-campaigns');
    expect(listCampaigns).toHaveBeenCalledWith({
      owner: 'group:default/ml-platform',
      state: 'open',
    });
    expect(within(section).getByText('Open campaigns')).toBeInTheDocument();
    expect(
      within(section).getByRole('link', {
        name: 'Production models reach "Silver" — ünïcode ✓',
      }),
    ).toHaveAttribute('href', '/campaigns/silver-models');
    expect(within(section).getByText('(13 days left)')).toBeInTheDocument();
    expect(
      within(section).getByTestId('group-campaign-silver-models-text'),
    ).toHaveTextContent(/^1 of 4$/);
    expect(within(section).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '25',
    );
    // The scorecards above it are still there.
    expect(
      screen.getByText(/ML production readiness: 60%/),
    ).toBeInTheDocument();
  });

  it("shows why a campaign's progress could not be computed instead of a 0-of-0 bar", async () => {
    await render(
      mockApi({
        listCampaigns: async () => ({
          items: [
            openCampaign({
              progress: { done: 0, total: 0, ungraded: 0 },
              error: 'The catalog refused the filter "spec.a.b"',
            }),
          ],
        }),
      }),
    );
    const section = await screen.findByTestId('group-campaigns');
    expect(
      within(section).getByTestId('group-campaign-silver-models-error'),
    ).toHaveTextContent(
      'Progress unavailable: The catalog refused the filter "spec.a.b"',
    );
    expect(within(section).queryByRole('progressbar')).toBeNull();
    expect(section).not.toHaveTextContent('0 of 0');
  });

  it('counts covered entities not graded yet, not "no entity covered"', async () => {
    await render(
      mockApi({
        listCampaigns: jest.fn(async () => ({
          items: [
            openCampaign({ progress: { done: 0, total: 0, ungraded: 2 } }),
          ],
        })),
      }),
    );
    const section = await screen.findByTestId('group-campaigns');
    expect(section).toHaveTextContent('2 not graded yet');
    expect(section).not.toHaveTextContent('No entity covered');
  });

  it('shows no campaigns section when the team is in none', async () => {
    const listCampaigns = jest.fn(async () => ({ items: [] }));
    await render(mockApi({ listCampaigns }));
    await screen.findByText(/ML production readiness: 60%/);
    await waitFor(() => expect(listCampaigns).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.queryByText('Open campaigns')).not.toBeInTheDocument(),
    );
    expect(screen.queryByTestId('group-campaigns-error')).toBeNull();
  });

  it('says in a line when the campaigns cannot be loaded, and keeps the card', async () => {
    await render(
      mockApi({
        listCampaigns: failsWith(new Error('backend down')),
      }),
    );
    expect(
      await screen.findByText('Campaigns could not be loaded.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/ML production readiness: 60%/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/backend down/)).not.toBeInTheDocument();
  });

  it('names the campaign without a link when the app has no campaigns page', async () => {
    await render(
      mockApi({ listCampaigns: async () => ({ items: [openCampaign()] }) }),
      false,
    );
    const section = await screen.findByTestId('group-campaigns');
    expect(
      within(section).getByText(/Production models reach "Silver"/),
    ).toBeInTheDocument();
    expect(within(section).queryByRole('link')).toBeNull();
  });
});
