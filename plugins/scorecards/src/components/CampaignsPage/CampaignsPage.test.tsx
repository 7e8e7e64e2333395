import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CampaignSummary,
  ScorecardsApi,
  scorecardsCampaignManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import { failsWith, mockApi } from '../../__testUtils__/fixtures';
import {
  campaignDetails,
  closedCampaign,
  openCampaign,
  permissionApi,
  upcomingCampaign,
} from '../../__testUtils__/campaigns';
import { serverError } from '../../__testUtils__/errors';
import { renderCampaigns } from '../../__testUtils__/render';

jest.mock('@backstage/plugin-permission-react', () =>
  require('../../__testUtils__/campaigns').uncachedPermissionReact(),
);

const all = [openCampaign(), upcomingCampaign, closedCampaign];

/** listCampaigns as the backend answers it: by state, `all` by default. */
const listing = (items: CampaignSummary[]) =>
  jest.fn(async ({ state = 'all' }: { state?: string } = {}) => ({
    items: items.filter(c => state === 'all' || c.state === state),
  }));

const catalogApi = {
  getEntities: jest.fn(async () => ({
    items: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: 'ml-platform',
          namespace: 'default',
          title: 'ML Platform',
        },
      },
    ],
  })),
};

const render = (
  api: ScorecardsApi,
  permissions = permissionApi(false),
  path = '/campaigns',
) =>
  renderCampaigns(api, {
    permissions,
    path,
    extraApis: [[catalogApiRef, catalogApi]],
  });

const badRequest = (message: string) =>
  serverError(400, 'Bad Request', '/campaigns', {
    name: 'InputError',
    message,
  });

// Filling the dialog is many renders; the machine is shared and busy.
jest.setTimeout(30_000);

describe('CampaignsPage', () => {
  it('lists the open campaigns with owner, target, progress and days left', async () => {
    const listCampaigns = listing(all);
    await render(mockApi({ listCampaigns }));

    const link = await screen.findByRole('link', {
      name: 'Production models reach "Silver" — ünïcode ✓',
    });
    expect(link).toHaveAttribute('href', '/campaigns/silver-models');
    expect(listCampaigns).toHaveBeenCalledWith({ state: 'open' });
    expect(screen.getByRole('link', { name: 'ml-platform' })).toHaveAttribute(
      'href',
      '/catalog/default/group/ml-platform',
    );
    expect(screen.getByText('Reach Silver')).toBeInTheDocument();
    const progress = screen.getByTestId('campaign-progress-silver-models');
    expect(
      within(progress).getByTestId('campaign-progress-silver-models-text'),
    ).toHaveTextContent(/^3 of 5$/);
    expect(progress).toHaveTextContent('3 of 5 done (60%), 1 not graded yet');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '60',
    );
    expect(screen.getByTestId('campaign-time-silver-models')).toHaveTextContent(
      '13 days left',
    );
    // Only open campaigns by default.
    expect(screen.queryByText('Describe everything')).not.toBeInTheDocument();
  });

  it("shows why a campaign's progress could not be computed instead of a 0-of-0 bar", async () => {
    const message =
      "The catalog refused the filter: unknown field 'spec.ünïcode'";
    await render(
      mockApi({
        listCampaigns: listing([
          openCampaign({
            progress: { done: 0, total: 0, ungraded: 0 },
            error: message,
          }),
        ]),
      }),
    );
    const progress = await screen.findByTestId(
      'campaign-progress-silver-models',
    );
    expect(
      within(progress).getByTestId('campaign-progress-silver-models-error'),
    ).toHaveTextContent(`Progress unavailable: ${message}`);
    expect(within(progress).queryByRole('progressbar')).toBeNull();
    expect(progress).not.toHaveTextContent('0 of 0');
  });

  it('says a campaign covers no entity instead of a 0-of-0 bar', async () => {
    await render(
      mockApi({
        listCampaigns: listing([
          openCampaign({ progress: { done: 0, total: 0, ungraded: 0 } }),
        ]),
      }),
    );
    const progress = await screen.findByTestId(
      'campaign-progress-silver-models',
    );
    expect(progress).toHaveTextContent(
      "No entity covered: none matches the campaign's filter and scorecard",
    );
    expect(within(progress).queryByRole('progressbar')).toBeNull();
    expect(progress).not.toHaveTextContent('0 of 0');
  });

  it('shows upcoming and closed campaigns when asked for all', async () => {
    const listCampaigns = listing(all);
    await render(mockApi({ listCampaigns }));
    await screen.findByText('13 days left');

    fireEvent.change(screen.getByLabelText('State'), {
      target: { value: 'all' },
    });

    expect(await screen.findByText('Describe everything')).toBeInTheDocument();
    expect(listCampaigns).toHaveBeenLastCalledWith({ state: 'all' });
    expect(
      screen.getByTestId('campaign-time-describe-everything'),
    ).toHaveTextContent('starts in 3 days');
    expect(screen.getByText('Pass 2 checks')).toBeInTheDocument();
    expect(screen.getByTestId('campaign-time-bronze-2026')).toHaveTextContent(
      'ended 2026-03-31',
    );
    expect(
      screen.getByTestId('campaign-progress-bronze-2026-text'),
    ).toHaveTextContent('5 of 5');
  });

  it('explains campaigns and how to create one when there are none', async () => {
    await render(mockApi({ listCampaigns: listing([]) }));
    expect(await screen.findByText('No open campaigns')).toBeInTheDocument();
    expect(screen.getByText(/a goal with a deadline/)).toBeInTheDocument();
    expect(screen.getByText('app-config.yaml')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('State'), {
      target: { value: 'all' },
    });
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
  });

  it('shows why the campaigns could not be loaded', async () => {
    await render(
      mockApi({
        listCampaigns: failsWith(new Error('backend down')),
      }),
    );
    expect(
      await screen.findByText(/Could not load campaigns/),
    ).toBeInTheDocument();
    expect(screen.getByText('backend down')).toBeInTheDocument();
  });

  it('offers no New campaign button without scorecards.campaign.manage', async () => {
    const permissions = permissionApi(false);
    await render(mockApi({ listCampaigns: listing(all) }), permissions);
    await screen.findByText('13 days left');
    await waitFor(() =>
      expect(permissions.authorize).toHaveBeenCalledWith({
        permission: scorecardsCampaignManagePermission,
      }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'New campaign' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('creates a campaign from the dialog and opens its page', async () => {
    const createCampaign = jest.fn(async () => ({
      ...upcomingCampaign,
      id: 'pii-retention-1a2b3c',
      title: 'PII retention',
    }));
    const getCampaign = jest.fn(async (id: string) =>
      campaignDetails({ id, title: 'PII retention' }),
    );
    await render(
      mockApi({ listCampaigns: listing(all), createCampaign, getCampaign }),
      permissionApi(true),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'New campaign' }),
    );
    const dialog = await screen.findByRole('dialog');
    // The scorecards load, then the form shows.
    const title = await within(dialog).findByLabelText(/Title/);
    fireEvent.change(title, { target: { value: '  PII retention  ' } });
    fireEvent.change(within(dialog).getByLabelText(/Description/), {
      target: { value: 'Datasets with personal data say how long' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Target/), {
      target: { value: 'checks' },
    });
    fireEvent.click(
      within(dialog).getByLabelText('Model card complete (Silver)'),
    );
    fireEvent.change(within(dialog).getByLabelText(/Entities/), {
      target: {
        value: '{"kind":"Model","spec.owner":"group:default/ml-platform"}',
      },
    });
    fireEvent.change(within(dialog).getByLabelText(/Starts/), {
      target: { value: '2026-12-01' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Deadline/), {
      target: { value: '2027-03-31' },
    });
    // The catalog's groups are offered as owners.
    await waitFor(() =>
      expect(
        document.querySelector(
          '#campaign-owner-groups option[value="group:default/ml-platform"]',
        ),
      ).toHaveTextContent('ML Platform'),
    );
    fireEvent.change(within(dialog).getByLabelText(/Owner/), {
      target: { value: 'ml-platform' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));

    await waitFor(() =>
      expect(createCampaign).toHaveBeenCalledWith({
        title: 'PII retention',
        description: 'Datasets with personal data say how long',
        scorecardId: 'ml-production-readiness',
        target: { checks: ['model-card-complete'] },
        filter: { kind: 'Model', 'spec.owner': 'group:default/ml-platform' },
        startsAt: '2026-12-01',
        deadline: '2027-03-31',
        owner: 'group:default/ml-platform',
      }),
    );
    // The new campaign's page.
    expect(
      await screen.findByRole('heading', { name: 'PII retention' }),
    ).toBeInTheDocument();
    expect(getCampaign).toHaveBeenCalledWith('pii-retention-1a2b3c');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it("shows the server's 400 message in the dialog and a JSON error inline", async () => {
    const createCampaign = jest.fn(async () => {
      throw await badRequest('deadline: must be in the future');
    });
    await render(
      mockApi({ listCampaigns: listing(all), createCampaign }),
      permissionApi(true),
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'New campaign' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(await within(dialog).findByLabelText(/Title/), {
      target: { value: 'Silver by spring' },
    });
    // The default filter covers every Model.
    const filter = within(dialog).getByLabelText(/Entities/);
    expect(filter).toHaveValue('{"kind":"Model"}');
    fireEvent.change(filter, { target: { value: '{"kind":' } });
    expect(within(dialog).getByText(/^Not JSON/)).toBeInTheDocument();
    fireEvent.change(filter, { target: { value: '["Model"]' } });
    expect(
      within(dialog).getByText(/Must be a JSON object/),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    // Nothing is sent while a field is wrong.
    expect(createCampaign).not.toHaveBeenCalled();
    expect(within(dialog).getAllByText('Required')).toHaveLength(2); // deadline, owner

    fireEvent.change(filter, { target: { value: '{"kind":"Model"}' } });
    fireEvent.change(within(dialog).getByLabelText(/Deadline/), {
      target: { value: '2020-01-01' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Owner/), {
      target: { value: 'group:default/ml-platform' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Level/), {
      target: { value: 'Silver' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'deadline: must be in the future',
    );
    expect(createCampaign).toHaveBeenCalledWith({
      title: 'Silver by spring',
      scorecardId: 'ml-production-readiness',
      target: { level: 'Silver' },
      filter: { kind: 'Model' },
      deadline: '2020-01-01',
      owner: 'group:default/ml-platform',
    });
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
