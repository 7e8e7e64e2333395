import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';
import { mockApi } from '../../__testUtils__/fixtures';
import { campaignDetails, permissionApi } from '../../__testUtils__/campaigns';
import { serverError } from '../../__testUtils__/errors';
import { renderCampaigns } from '../../__testUtils__/render';

jest.mock('@backstage/plugin-permission-react', () =>
  require('../../__testUtils__/campaigns').uncachedPermissionReact(),
);

const render = (
  api: ScorecardsApi,
  permissions = permissionApi(false),
  path = '/campaigns/silver-models',
) => renderCampaigns(api, { permissions, path });

const notFound = (id: string) =>
  serverError(404, 'Not Found', `/campaigns/${id}`, {
    name: 'NotFoundError',
    message: `No campaign ${id}`,
  });

// Tables and the chart render slowly on the shared, busy machine.
jest.setTimeout(30_000);

describe('CampaignPage', () => {
  it('shows the target, time left, progress, teams ranked and what each failing entity must fix', async () => {
    const getCampaign = jest.fn(async () => campaignDetails());
    await render(mockApi({ getCampaign }), permissionApi(true));

    expect(
      await screen.findByRole('heading', {
        name: 'Production models reach "Silver" — ünïcode ✓',
      }),
    ).toBeInTheDocument();
    expect(getCampaign).toHaveBeenCalledWith('silver-models');
    // The description is markdown.
    expect(screen.getByText('production').tagName).toBe('STRONG');
    expect(screen.getByTestId('campaign-target')).toHaveTextContent(
      'ML production readiness: reach Silver',
    );
    expect(screen.getByTestId('campaign-time-left')).toHaveTextContent(
      '13 days left',
    );
    expect(screen.getByText(/Defined in app-config\.yaml/)).toBeInTheDocument();
    // A config campaign cannot be archived here, even by a manager.
    expect(
      screen.queryByRole('button', { name: 'Archive' }),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('campaign-progress-text')).toHaveTextContent(
      /^3 of 5$/,
    );
    expect(screen.getByTestId('campaign-progress')).toHaveTextContent(
      '3 of 5 done (60%), 1 not graded yet',
    );
    expect(screen.getByTestId('campaign-burnup')).toBeInTheDocument();

    // Teams in the backend's order, ranked.
    const teams = screen
      .getAllByTestId(/^campaign-team-/)
      .filter(e => e.dataset.testid!.endsWith('-text'))
      .map(e => {
        const row = e.closest('tr')!;
        return [
          within(row).getByRole('link').textContent,
          e.textContent,
          row.querySelector('td')!.textContent,
        ];
      });
    expect(teams).toEqual([
      ['fraud-ml', '2 of 2', '1'],
      ['ml-platform', '3 of 5', '2'],
      ['product-ml', '1 of 3', '3'],
    ]);

    // Only the entities not done, with each failing check's title and fix.
    expect(screen.getByText('Entities still failing (2)')).toBeInTheDocument();
    const merchant = screen.getByTestId(
      'campaign-failing-model:default/merchant-risk-scorer',
    );
    expect(
      within(merchant).getByText('Model card complete'),
    ).toBeInTheDocument();
    expect(
      within(merchant).getByText('How to fix: Fill spec.card.'),
    ).toBeInTheDocument();
    const merchantRow = merchant.closest('tr')!;
    expect(
      within(merchantRow).getByRole('link', { name: 'merchant-risk-scorer' }),
    ).toHaveAttribute('href', '/catalog/default/model/merchant-risk-scorer');
    expect(within(merchantRow).getByText('Bronze')).toBeInTheDocument();
    expect(
      within(merchantRow).getByRole('link', { name: 'product-ml' }),
    ).toBeInTheDocument();
    const churn = screen.getByTestId('campaign-failing-model:default/churn.v2');
    expect(within(churn).getByText('Described')).toBeInTheDocument();
    expect(
      within(churn).getByText('How to fix: Add metadata.description.'),
    ).toBeInTheDocument();
    expect(
      within(churn.closest('tr')!).getByText('No level'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'fraud-detector' }),
    ).not.toBeInTheDocument();
  });

  it('names the checks of a checks target', async () => {
    await render(
      mockApi({
        getCampaign: async () =>
          campaignDetails({
            target: { checks: ['has-description', 'model-card-complete'] },
          }),
      }),
    );
    expect(await screen.findByTestId('campaign-target')).toHaveTextContent(
      'ML production readiness: pass Described, Model card complete',
    );
  });

  it('counts the failing entities from the progress when the list is capped', async () => {
    // 1200 covered, 700 done: 500 failing, but the backend sent only its
    // capped list (here the two of the fixture).
    await render(
      mockApi({
        getCampaign: async () =>
          campaignDetails({
            progress: { done: 700, total: 1200, ungraded: 3 },
          }),
      }),
    );
    expect(
      await screen.findByText(
        'Entities still failing (500, showing the first 2)',
      ),
    ).toBeInTheDocument();
  });

  it('lets a manager archive a campaign created in the portal, after confirming; "Archiving…" meanwhile', async () => {
    let archived = () => {};
    const archiveCampaign = jest.fn(
      () =>
        new Promise<void>(resolve => {
          archived = resolve;
        }),
    );
    await render(
      mockApi({
        getCampaign: async () =>
          campaignDetails({
            source: 'database',
            createdBy: 'user:default/guest',
            createdAt: '2026-11-30T10:00:00.000Z',
          }),
        archiveCampaign,
      }),
      permissionApi(true),
    );
    expect(
      await screen.findByText(
        'Created in the portal by user:default/guest on 2026-11-30.',
      ),
    ).toBeInTheDocument();
    fireEvent.click(await screen.findByRole('button', { name: 'Archive' }));
    const dialog = await screen.findByRole('dialog');
    expect(archiveCampaign).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Archive' }));
    expect(
      await within(dialog).findByRole('button', { name: 'Archiving…' }),
    ).toBeDisabled();
    expect(archiveCampaign).toHaveBeenCalledWith('silver-models');
    archived();
    // Back on the list.
    expect(
      await screen.findByRole('heading', { name: 'Campaigns' }),
    ).toBeInTheDocument();
  });

  it('offers no Archive button without scorecards.campaign.manage', async () => {
    const permissions = permissionApi(false);
    await render(
      mockApi({
        getCampaign: async () => campaignDetails({ source: 'database' }),
      }),
      permissions,
    );
    await screen.findByText(/Created in the portal/);
    await waitFor(() => expect(permissions.authorize).toHaveBeenCalled());
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Archive' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('says there is no such campaign on a 404', async () => {
    await render(
      mockApi({
        getCampaign: async id => {
          throw await notFound(id);
        },
      }),
      undefined,
      '/campaigns/no-such-campaign',
    );
    expect(
      await screen.findByText('No campaign "no-such-campaign"'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All campaigns' })).toHaveAttribute(
      'href',
      '/campaigns',
    );
  });
});
