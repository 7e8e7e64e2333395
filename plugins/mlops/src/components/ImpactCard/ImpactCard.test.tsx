import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  LineageEntity,
  LineageNotice,
  LineageResponse,
} from '@convergence/backstage-plugin-mlops-common';
import { renderWithEntity } from '../../__testUtils__/render';
import { cardTransactions, clickstream } from '../../__testUtils__/fixtures';
import { MlopsApi, mlopsApiRef } from '../../api';
import { ImpactCard, ROWS_PER_KIND } from './ImpactCard';

const ROOT = 'dataset:default/card-transactions';

const entity = (
  ref: string,
  kind: string,
  rest: Partial<LineageEntity> = {},
): LineageEntity => {
  const [, namespace, name] = ref.match(/^[^:]+:([^/]+)\/(.+)$/)!;
  return {
    entityRef: ref,
    kind,
    namespace,
    name,
    depth: 1,
    path: [{ relation: 'trainingDataOf', entityRef: ref }],
    ...rest,
  };
};

const fraudDetector = entity('model:default/fraud-detector', 'Model', {
  owner: 'group:default/fraud-ml',
  lifecycle: 'production',
  type: 'classification',
});
const churn = entity('model:default/churn.v2 "ü"', 'Model', {
  owner: 'group:default/growth',
  lifecycle: 'deprecated',
});
const scoring = entity('component:default/fraud-scoring-service', 'Component', {
  owner: 'group:default/fraud-ml',
  lifecycle: 'experimental',
  type: 'service',
  depth: 2,
  path: [
    { relation: 'trainingDataOf', entityRef: 'model:default/fraud-detector' },
    {
      relation: 'dependencyOf',
      entityRef: 'component:default/fraud-scoring-service',
    },
  ],
});
const training = entity('pipeline:default/fraud-training', 'Pipeline', {
  owner: 'group:default/fraud-ml',
  lifecycle: 'production',
  path: [
    { relation: 'consumedBy', entityRef: 'pipeline:default/fraud-training' },
  ],
});

const lineage = (
  entities: LineageEntity[],
  rest: Partial<LineageResponse> & { hidden?: number; owners?: number } = {},
): LineageResponse => ({
  root: {
    entityRef: ROOT,
    kind: 'Dataset',
    namespace: 'default',
    name: 'card-transactions',
  },
  direction: 'downstream',
  depth: 6,
  entities,
  totals: {
    entities: entities.length,
    hidden: rest.hidden ?? 0,
    byKind: {},
    byOwner: {},
    owners: rest.owners ?? new Set(entities.map(e => e.owner)).size,
  },
  truncated: false,
  ...rest,
});

const notice = (rest: Partial<LineageNotice> = {}): LineageNotice => ({
  id: 'n1',
  entityRef: ROOT,
  type: 'deprecation',
  effectiveDate: '2027-03-01',
  sentBy: 'user:default/ana',
  sentAt: '2026-11-30T06:00:00.000Z',
  recipients: ['group:default/fraud-ml', 'group:default/growth'],
  ...rest,
});

async function responseError(status: number, name: string, message: string) {
  const body = JSON.stringify({
    error: { name, message },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    status,
    statusText: status === 403 ? 'Forbidden' : 'Error',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  } as unknown as Response);
}

function fakeApi(overrides: Partial<MlopsApi> = {}) {
  return {
    getLineage: jest.fn(async () =>
      lineage([fraudDetector, churn, scoring, training]),
    ),
    listNotices: jest.fn(async () => ({ items: [] as LineageNotice[] })),
    sendNotice: jest.fn(async () => notice()),
    ...overrides,
  } satisfies MlopsApi;
}

/** Allows exactly the notify permission on the card's entity. */
const ownerPermissions = mockApis.permission({
  authorize: request =>
    request.permission.name === 'mlops.lineage.notify' &&
    (request as { resourceRef?: string }).resourceRef === ROOT
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
});

const render = (
  api: MlopsApi,
  permissionApi = ownerPermissions,
  pageEntity = cardTransactions,
) =>
  renderWithEntity(
    <ImpactCard />,
    pageEntity,
    [],
    [
      [mlopsApiRef, api],
      [permissionApiRef, permissionApi],
    ],
  );

/** Renders the card on `api` and opens its notice dialog once it may. */
async function openNoticeDialog(api: MlopsApi) {
  await render(api);
  const button = await screen.findByRole('button', {
    name: 'Notify downstream owners',
  });
  await waitFor(() => expect(button).toBeEnabled());
  fireEvent.click(button);
  return screen.findByRole('dialog');
}

describe('ImpactCard', () => {
  it('lists downstream entities grouped by kind with owner, lifecycle and depth', async () => {
    const api = fakeApi();
    await render(api);
    expect(api.getLineage).toHaveBeenCalledWith(ROOT, {
      direction: 'downstream',
    });
    expect(
      await screen.findByText('4 downstream entities, owned by 2 teams'),
    ).toBeInTheDocument();

    const groups = screen
      .getAllByRole('region')
      .map(r => r.getAttribute('aria-label'));
    expect(groups).toEqual(['Model', 'Pipeline', 'Component']);

    const models = screen.getByRole('region', { name: 'Model' });
    expect(within(models).getByText('Model (2)')).toBeInTheDocument();
    const rows = within(models).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getAllByRole('link')[0]).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector',
    );
    expect(within(rows[0]).getAllByRole('link')[1]).toHaveAttribute(
      'href',
      '/catalog/default/group/fraud-ml',
    );
    expect(within(rows[0]).getByText('production')).toBeInTheDocument();
    expect(within(rows[1]).getAllByRole('link')[0]).toHaveAttribute(
      'href',
      `/catalog/default/model/${encodeURIComponent('churn.v2 "ü"')}`,
    );
    expect(within(rows[1]).getByText('deprecated')).toBeInTheDocument();

    const components = screen.getByRole('region', { name: 'Component' });
    const service = within(components).getAllByRole('row')[1];
    expect(within(service).getByText('service')).toBeInTheDocument();
    expect(within(service).getByText('experimental')).toBeInTheDocument();
    expect(within(service).getByText('2')).toBeInTheDocument();
  });

  it('shows the path to an entity on expand', async () => {
    await render(fakeApi());
    const expand = await screen.findByRole('button', {
      name: 'Show the path to component:default/fraud-scoring-service',
    });
    expect(
      screen.queryByLabelText(
        'Path to component:default/fraud-scoring-service',
      ),
    ).not.toBeInTheDocument();
    fireEvent.click(expand);
    const path = screen.getByLabelText(
      'Path to component:default/fraud-scoring-service',
    );
    expect(path.textContent).toBe(
      'trainingDataOf→model:default/fraud-detector→dependencyOf→component:default/fraud-scoring-service',
    );
    expect(
      within(path).getByRole('link', { name: 'model:default/fraud-detector' }),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
  });

  it('counts hidden entities, marks hidden steps and says when the walk was cut', async () => {
    const behindHidden = entity('model:default/retrained', 'Model', {
      owner: 'group:default/fraud-ml',
      depth: 3,
      path: [
        { relation: 'trainingDataOf', hidden: true },
        { relation: 'derivesTo', hidden: true },
        { relation: 'trainingDataOf', entityRef: 'model:default/retrained' },
      ],
    });
    await render(
      fakeApi({
        getLineage: jest.fn(async () =>
          lineage([behindHidden], { hidden: 2, truncated: true }),
        ),
      }),
    );
    expect(
      await screen.findByText(
        '1 downstream entity, owned by 1 team · 2 hidden · more beyond depth 6',
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Show the path to model:default/retrained',
      }),
    );
    expect(
      screen.getByLabelText('Path to model:default/retrained').textContent,
    ).toBe(
      'trainingDataOf→(hidden)→derivesTo→(hidden)→trainingDataOf→model:default/retrained',
    );
  });

  it('says when nothing is downstream and offers no notice', async () => {
    await render(fakeApi({ getLineage: jest.fn(async () => lineage([])) }));
    expect(
      await screen.findByText('Nothing downstream of this dataset.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Notify downstream owners' }),
    ).not.toBeInTheDocument();
  });

  it("shows the server's message when the lineage cannot be read", async () => {
    await render(
      fakeApi({
        getLineage: jest.fn(async () => {
          throw await responseError(
            404,
            'NotFoundError',
            'No entity dataset:default/card-transactions',
          );
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Error: Could not load what is downstream: No entity dataset:default/card-transactions',
      ),
    ).toBeInTheDocument();
  });

  it('disables the notify button for someone who is not an owner', async () => {
    // Another entity than the other tests': usePermission caches per resource.
    await render(
      fakeApi(),
      mockApis.permission({ authorize: AuthorizeResult.DENY }),
      clickstream,
    );
    await screen.findByText('4 downstream entities, owned by 2 teams');
    const button = screen.getByRole('button', {
      name: 'Notify downstream owners',
    });
    fireEvent.mouseOver(button.parentElement!);
    expect(
      await screen.findByText(
        'Only the owners of this entity can send notices',
      ),
    ).toBeInTheDocument();
    expect(button).toBeDisabled();
  });

  it('sends a deprecation notice, says how many teams got it and lists it', async () => {
    const today = new Date().toISOString().slice(0, 10); // UTC, as the backend
    const sent = notice({ effectiveDate: '2099-03-01' });
    const api = fakeApi({
      listNotices: jest
        .fn()
        .mockResolvedValueOnce({ items: [] })
        .mockResolvedValue({ items: [sent] }),
      sendNotice: jest.fn(async () => sent),
    });
    await render(api);
    const button = await screen.findByRole('button', {
      name: 'Notify downstream owners',
    });
    await waitFor(() => expect(button).toBeEnabled());
    expect(screen.queryByText('Notices sent')).not.toBeInTheDocument();
    fireEvent.click(button);

    const dialog = await screen.findByRole('dialog');
    const send = within(dialog).getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled(); // a deprecation needs its date
    // No date before today (UTC) is offered: the backend refuses one.
    const date = within(dialog).getByLabelText(/Deprecated from/);
    expect([today, new Date().toISOString().slice(0, 10)]).toContain(
      date.getAttribute('min'),
    );
    fireEvent.change(date, { target: { value: '2099-03-01' } });
    fireEvent.change(within(dialog).getByLabelText('Message'), {
      target: { value: 'Use card-transactions-v2 "ü" instead.' },
    });
    fireEvent.click(send);

    expect(await screen.findByText('Sent to 2 teams')).toBeInTheDocument();
    expect(api.sendNotice).toHaveBeenCalledWith(ROOT, {
      type: 'deprecation',
      effectiveDate: '2099-03-01',
      message: 'Use card-transactions-v2 "ü" instead.',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const list = await screen.findByRole('region', { name: 'Notices sent' });
    expect(
      within(list).getByText(/Deprecated from 2099-03-01/),
    ).toBeInTheDocument();
    expect(within(list).getByText(/to 2 teams/)).toBeInTheDocument();
    expect(within(list).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/user/ana',
    );
    expect(api.listNotices).toHaveBeenCalledTimes(2);
  });

  it('refuses a deprecation from a date before today', async () => {
    // Yesterday in UTC, as the backend counts, whenever this runs.
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000)
      .toISOString()
      .slice(0, 10);
    const dialog = await openNoticeDialog(fakeApi());
    const date = within(dialog).getByLabelText(/Deprecated from/);
    const send = within(dialog).getByRole('button', { name: 'Send' });
    for (const past of ['2020-01-01', yesterday]) {
      fireEvent.change(date, { target: { value: past } });
      expect([past, date.getAttribute('aria-invalid')]).toEqual([past, 'true']);
      expect(
        within(dialog).getByText(
          /^A deprecation applies from today \(\d{4}-\d{2}-\d{2} UTC\) or later$/,
        ),
      ).toBeInTheDocument();
      expect(send).toBeDisabled();
    }
    fireEvent.change(date, { target: { value: '2099-03-01' } });
    expect(date).toHaveAttribute('aria-invalid', 'false');
    expect(send).toBeEnabled();
  });

  it('sends an incident dated when it started, in the past', async () => {
    const api = fakeApi();
    const dialog = await openNoticeDialog(api);
    fireEvent.change(within(dialog).getByLabelText('Notice'), {
      target: { value: 'incident' },
    });
    const date = within(dialog).getByLabelText(
      'Date (when it started or applies)',
    );
    expect(date).not.toHaveAttribute('min'); // any date is offered
    fireEvent.change(date, { target: { value: '2020-01-01' } });
    expect(date).toHaveAttribute('aria-invalid', 'false');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await screen.findByText('Sent to 2 teams');
    expect(api.sendNotice).toHaveBeenCalledWith(ROOT, {
      type: 'incident',
      effectiveDate: '2020-01-01',
    });
  });

  it('says the notice is sending while it is', async () => {
    let answer: (n: LineageNotice) => void = () => {};
    const api = fakeApi({
      sendNotice: jest.fn(
        () => new Promise<LineageNotice>(resolve => (answer = resolve)),
      ),
    });
    const dialog = await openNoticeDialog(api);
    fireEvent.change(within(dialog).getByLabelText(/Deprecated from/), {
      target: { value: '2099-03-01' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(
      await within(dialog).findByRole('button', { name: 'Sending…' }),
    ).toBeDisabled();
    answer(notice());
    expect(await screen.findByText('Sent to 2 teams')).toBeInTheDocument();
  });

  it('needs a message for another notice', async () => {
    const api = fakeApi();
    const dialog = await openNoticeDialog(api);
    fireEvent.change(within(dialog).getByLabelText('Notice'), {
      target: { value: 'other' },
    });
    const send = within(dialog).getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Message/), {
      target: { value: 'The schema changes on Monday' },
    });
    expect(send).toBeEnabled();
    fireEvent.click(send);
    await screen.findByText('Sent to 2 teams');
    expect(api.sendNotice).toHaveBeenCalledWith(ROOT, {
      type: 'other',
      message: 'The schema changes on Monday',
    });
  });

  it.each([
    {
      refusal:
        'tells a non-owner refused by the server that only owners can send notices',
      answer: () =>
        responseError(
          403,
          'NotAllowedError',
          'You may not mlops.lineage.notify',
        ),
      field: 'Notice',
      value: 'incident',
      sent: { type: 'incident' },
      alert: 'Only the owners of this entity can send notices',
    },
    {
      refusal: "shows the server's message for a refused notice",
      answer: () =>
        responseError(
          400,
          'InputError',
          'effectiveDate: must be a date (YYYY-MM-DD)',
        ),
      field: /Deprecated from/,
      value: '2099-03-01',
      sent: { type: 'deprecation', effectiveDate: '2099-03-01' },
      alert: 'effectiveDate: must be a date (YYYY-MM-DD)',
    },
    {
      refusal: "shows only the status line of a proxy's error page",
      answer: () =>
        ResponseError.fromResponse(
          new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
            status: 502,
            statusText: 'Bad Gateway',
            headers: { 'Content-Type': 'text/html' },
          }),
        ),
      field: 'Notice',
      value: 'incident',
      sent: { type: 'incident' },
      alert: /^Request failed with 502 Bad Gateway$/,
    },
  ])('$refusal', async ({ answer, field, value, sent, alert }) => {
    const api = fakeApi({
      sendNotice: jest.fn(async () => {
        throw await answer();
      }),
    });
    const dialog = await openNoticeDialog(api);
    fireEvent.change(within(dialog).getByLabelText(field), {
      target: { value },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(alert);
    expect(api.sendNotice).toHaveBeenCalledWith(ROOT, sent);
  });

  it('shows the first rows of a kind with more than ROWS_PER_KIND downstream, and all on request', async () => {
    const models = Array.from({ length: 60 }, (_, i) =>
      entity(`model:default/m-${String(i).padStart(4, '0')}`, 'Model', {
        owner: `group:default/team-${i % 40}`,
      }),
    );
    await render(fakeApi({ getLineage: jest.fn(async () => lineage(models)) }));
    const group = await screen.findByRole('region', { name: 'Model' });
    expect(within(group).getByText('Model (60)')).toBeInTheDocument();
    // The header row and the first ROWS_PER_KIND.
    expect(group.querySelectorAll('tr')).toHaveLength(ROWS_PER_KIND + 1);
    const hrefs = () =>
      [...group.querySelectorAll('a')].map(a => a.getAttribute('href'));
    expect(hrefs()).toContain('/catalog/default/model/m-0000');
    expect(hrefs()).not.toContain('/catalog/default/model/m-0059');
    fireEvent.click(within(group).getByRole('button', { name: 'Show all 60' }));
    await waitFor(() =>
      expect(hrefs()).toContain('/catalog/default/model/m-0059'),
    );
    fireEvent.click(
      within(group).getByRole('button', {
        name: `Show the first ${ROWS_PER_KIND}`,
      }),
    );
    expect(group.querySelectorAll('tr')).toHaveLength(ROWS_PER_KIND + 1);
  });
});
