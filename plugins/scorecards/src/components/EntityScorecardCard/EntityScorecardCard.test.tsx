import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';
import {
  alertApiRef,
  configApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  CheckChange,
  CheckResult,
  CheckStatus,
  EntityScorecardResult,
  Exemption,
  ExemptionAuditEntry,
  ExemptionRequest,
  ScorecardsApi,
} from '@convergence/backstage-plugin-scorecards-common';
import { NotAllowedError } from '@backstage/errors';
import { failsWith, mockApi, result } from '../../__testUtils__/fixtures';
import { serverError } from '../../__testUtils__/errors';
import { EntityScorecardCard } from './EntityScorecardCard';

// usePermission keeps answers per (permission, resourceRef) across renders
// (SWR), so each test shows an entity of its own name.
let testIndex = 0;
const entityOfTest = () => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name: `merchant-risk-scorer-${testIndex}`, namespace: 'default' },
  spec: {},
});
let entity = entityOfTest();
beforeEach(() => {
  testIndex += 1;
  entity = entityOfTest();
});
/** The entity of the running test, as a ref. */
const shownRef = () => `model:default/${entity.metadata.name}`;

const alertApi = { post: jest.fn(), alert$: jest.fn() };

type Decision = 'ALLOW' | 'DENY';
/** The permission requests the card made, and the answer it gets. */
const permissionRequests: unknown[] = [];
const permissionApi = (decision: Decision) =>
  mockApis.permission({
    authorize: request => {
      permissionRequests.push(request);
      // AuthorizeResult's values (plugin-permission-common is not a dependency here).
      return decision as never;
    },
  });

/** The signed-in user unless a test says otherwise. */
const GUEST = 'user:default/guest';

const render = (
  api = mockApi(),
  options: {
    permission?: Decision;
    maxDays?: number;
    selfApproval?: boolean;
    user?: string;
  } = {},
) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [scorecardsApiRef, api],
        [alertApiRef, alertApi],
        [permissionApiRef, permissionApi(options.permission ?? 'DENY')],
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: options.user ?? GUEST }),
        ],
        [
          configApiRef,
          mockApis.config({
            data: {
              scorecards: {
                exemptions: {
                  maxDays: options.maxDays,
                  selfApproval: options.selfApproval,
                },
              },
            },
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityScorecardCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

const entityRef = 'model:default/merchant-risk-scorer';

/** Expects a pending request to offer neither Approve nor Reject. */
const expectNoDecisionButtons = (pending: HTMLElement) => {
  for (const name of ['Approve', 'Reject'])
    expect(within(pending).queryByRole('button', { name })).toBeNull();
};
const DAY = 24 * 60 * 60 * 1000;
/** The UTC day `days` from now, `YYYY-MM-DD`. */
const dayFromNow = (days: number) =>
  new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** Asserts which test ids `scope` (the screen unless given) shows and which not. */
const expectTestIds = (
  { shown = [], absent = [] }: { shown?: string[]; absent?: string[] },
  scope: { queryByTestId(id: string): HTMLElement | null } = screen,
) => {
  for (const id of shown) expect(scope.queryByTestId(id)).toBeInTheDocument();
  for (const id of absent) {
    expect(scope.queryByTestId(id)).not.toBeInTheDocument();
  }
};

/** A change of a check of ml-production-readiness to `status`, `ago` milliseconds ago. */
const changeOf = (
  checkId: string,
  status: CheckStatus,
  ago: number,
  more: Partial<CheckChange> = {},
): CheckChange => ({
  scorecardId: 'ml-production-readiness',
  checkId,
  status,
  since: new Date(Date.now() - ago).toISOString(),
  ...more,
});

/** A copy of `exemption`, with id `id`, of has-description and expired on 2026-11-01. */
const expiredOnDescription = (exemption: Exemption, id: string): Exemption => ({
  ...exemption,
  id,
  checkId: 'has-description',
  expiresAt: '2026-11-01T00:00:00.000Z',
});

/** The API answering `changes` as the entity's check history. */
const withChanges = (...changes: CheckChange[]) =>
  mockApi({ getCheckChanges: async ref => ({ entityRef: ref, changes }) });

/** An exemption of model-card-complete created directly (no request), until 12 days from now. */
const directExemption = (
  exemption: Pick<Exemption, 'id' | 'reason' | 'author'>,
): Exemption => ({
  entityRef,
  checkId: 'model-card-complete',
  expiresAt: `${dayFromNow(12)}T00:00:00.000Z`,
  createdAt: '2026-11-29T10:00:00.000Z',
  ...exemption,
});

/** The answers about an entity graded `results` with `exemptions` (and no audit trail). */
const exempted = (
  results: EntityScorecardResult[],
  exemptions: Exemption[],
) => ({
  getEntityResults: async () => ({ results, exemptions }),
  getExemptions: async () => ({ exemptions, audit: [] }),
});

/** The answers about an entity graded as `result` but with `checks`, without exemptions. */
const gradedWith = (checks: CheckResult[]) =>
  mockApi({
    getEntityResults: async () => ({
      results: [{ ...result, checks }],
      exemptions: [],
    }),
  });

const pendingRequest: ExemptionRequest = {
  id: '6c1f1b9e-0d7e-4c2a-9d55-0b7f0a9d1c11',
  entityRef,
  checkId: 'model-card-complete',
  reason: 'Vendor "card" template lands in Q1 \\ ünïcode',
  requestedBy: 'user:default/mei',
  requestedAt: '2026-11-28T09:00:00.000Z',
  expiresAt: `${dayFromNow(20)}T00:00:00.000Z`,
  status: 'pending',
  owner: 'group:default/fraud-ml',
};

/**
 * Renders the card with {@link pendingRequest} pending and the API answering
 * `more`; the request's box.
 */
const renderPending = async (
  more: Partial<ScorecardsApi>,
  options: Parameters<typeof render>[1],
) => {
  await render(
    mockApi({
      getExemptionRequests: async () => ({ requests: [pendingRequest] }),
      ...more,
    }),
    options,
  );
  return screen.findByTestId('exemption-request-model-card-complete');
};

/**
 * Expects a pending request to offer those who may decide `buttons` (Reject
 * always), and, where Approve is missing, the line saying why.
 */
const expectDecisionButtons = async (
  pending: HTMLElement,
  buttons: readonly string[],
  line: string | undefined,
) => {
  expect(
    await within(pending).findByRole('button', { name: 'Reject' }),
  ).toBeEnabled();
  expect(
    within(pending)
      .getAllByRole('button')
      .map(b => b.textContent),
  ).toEqual(buttons);
  expect(
    within(pending).queryByTestId('unapprovable-model-card-complete')
      ?.textContent,
  ).toBe(line);
};

/** Expects a pending request to offer its requester Withdraw alone. */
const expectWithdrawOnly = async (pending: HTMLElement) => {
  expect(
    await within(pending).findByRole('button', { name: 'Withdraw' }),
  ).toBeEnabled();
  expectNoDecisionButtons(pending);
};

/** {@link pendingRequest} as guest decided it, with `comment`. */
const decidedRequest = (
  status: 'approved' | 'rejected',
  comment: string,
  more: Partial<ExemptionRequest> = {},
): ExemptionRequest => ({
  ...pendingRequest,
  status,
  decidedBy: 'user:default/guest',
  decidedAt: '2026-11-30T10:00:00.000Z',
  comment,
  ...more,
});

/** The results once model-card-complete is exempt. */
const exemptResult: EntityScorecardResult = {
  ...result,
  level: 'Silver',
  score: 1,
  checks: [
    { checkId: 'has-description', status: 'pass' },
    { checkId: 'model-card-complete', status: 'exempt' },
  ],
};

const approvedExemption: Exemption = {
  id: '0b0c5f0e-8a51-4d0e-9a4c-3a2b1c0d9e8f',
  entityRef,
  checkId: 'model-card-complete',
  reason: pendingRequest.reason,
  author: 'user:default/mei',
  expiresAt: pendingRequest.expiresAt,
  createdAt: '2026-11-30T10:00:00.000Z',
  requestId: pendingRequest.id,
  approvedBy: 'user:default/guest',
};

describe('EntityScorecardCard', () => {
  it('shows the level and each check, with why and how to fix for failures', async () => {
    await render();
    expect(
      await screen.findByText('ML production readiness'),
    ).toBeInTheDocument();
    expect(screen.getByText('Bronze')).toBeInTheDocument();
    expect(screen.getByText('75% of checks pass')).toBeInTheDocument();
    const failing = screen.getByTestId('check-model-card-complete');
    expect(
      within(failing).getByText(
        'Model card complete — missing spec.card.intendedUse',
      ),
    ).toBeInTheDocument();
    expect(
      within(failing).getByText('How to fix: Fill spec.card.'),
    ).toBeInTheDocument();
    expect(within(failing).getByTitle('fail')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('check-has-description')).getByTitle('pass'),
    ).toBeInTheDocument();
    // Every check applies: no count of those that don't.
    expect(screen.queryByText(/don't apply|doesn't apply/)).toBeNull();
  });

  it('links the entities that cause a failure after the message', async () => {
    await render(
      gradedWith([
        {
          checkId: 'upstream-not-deprecated',
          status: 'fail',
          message:
            'dataset:default/card-transactions-2019 is deprecated (trainedOn dataset:default/card-transactions-2019)',
          causes: [
            'dataset:default/card-transactions-2019',
            'pipeline:default/fraud.labeling',
          ],
        },
      ]),
    );
    const causes = await screen.findByTestId('causes-upstream-not-deprecated');
    expect(
      within(causes).getByRole('link', { name: /card-transactions-2019/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataset/card-transactions-2019',
    );
    expect(
      within(causes).getByRole('link', { name: /fraud\.labeling/ }),
    ).toHaveAttribute('href', '/catalog/default/pipeline/fraud.labeling');
    expect(
      within(screen.getByTestId('check-upstream-not-deprecated')).getByText(
        /is deprecated \(trainedOn dataset:default\/card-transactions-2019\)$/,
      ),
    ).toBeInTheDocument();
  });

  it("collapses the checks that don't apply behind their count", async () => {
    const na = Array.from({ length: 12 }, (_, i) => ({
      checkId: `dataset-check-${i}`,
      status: 'na' as const,
    }));
    await render(gradedWith([...na, ...result.checks]));
    const toggle = await screen.findByRole('button', {
      name: "12 checks don't apply",
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByTestId('check-dataset-check-0'),
    ).not.toBeInTheDocument();
    // The checks that apply are listed as before.
    expect(screen.getByTestId('check-model-card-complete')).toBeInTheDocument();
    expect(screen.getByTestId('check-has-description')).toBeInTheDocument();

    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const shown = screen.getByTestId('check-dataset-check-11');
    expect(within(shown).getByTitle('not applicable')).toBeInTheDocument();
    expect(screen.getAllByTestId(/^check-dataset-check-/)).toHaveLength(12);
  });

  it('says "1 check doesn\'t apply" for a single one', async () => {
    await render(
      gradedWith([
        ...result.checks,
        { checkId: 'dataset-classified', status: 'na' },
      ]),
    );
    expect(
      await screen.findByRole('button', { name: "1 check doesn't apply" }),
    ).toBeInTheDocument();
  });

  it('shows a check whose facts were unavailable as unknown, not as a failure', async () => {
    await render(
      gradedWith([
        ...result.checks,
        {
          checkId: 'model-production-alias',
          status: 'unknown',
          message: 'facts from mlflow were unavailable: MLflow down',
        },
      ]),
    );
    const unknown = await screen.findByTestId('check-model-production-alias');
    expect(within(unknown).getByTitle('unknown')).toBeInTheDocument();
    expect(within(unknown).getByText('Unknown')).toBeInTheDocument();
    expect(
      within(unknown).getByText(
        /facts from mlflow were unavailable: MLflow down/,
      ),
    ).toBeInTheDocument();
    expect(within(unknown).queryByTitle('fail')).not.toBeInTheDocument();
    expect(within(unknown).queryByText(/How to fix/)).not.toBeInTheDocument();
  });

  it('says when an entity is not graded yet', async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({ results: [], exemptions: [] }),
      }),
    );
    expect(await screen.findByText('Not graded yet')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await render(
      mockApi({
        getEntityResults: failsWith(new Error('backend down')),
      }),
    );
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
    expect(screen.getByText(/Could not load scorecards/)).toBeInTheDocument();
  });

  it("colours the level by its position in the scorecard's levels, whatever its name", async () => {
    await render(
      mockApi({
        getEntityResults: async () => ({
          results: [
            { ...result, scorecardId: 'service "readiness" \\ 2', level: 'L2' },
          ],
          exemptions: [],
        }),
      }),
    );
    expect(await screen.findByText('ML service readiness')).toBeInTheDocument();
    // L2 is the second level: silver.
    expect(screen.getByText('L2').closest('.MuiChip-root')).toHaveStyle({
      backgroundColor: 'rgb(142, 154, 166)',
    });
  });

  it.each([
    ['a NotAllowedError', async () => new NotAllowedError('You may not')],
    [
      "a ResponseError from the server's NotAllowedError",
      () =>
        serverError(403, 'Forbidden', '/entities/model/default/x/refresh', {
          name: 'NotAllowedError',
          message: 'You may not',
        }),
    ],
  ])(
    'says the person may not re-evaluate when the backend refuses with %s',
    async (_, error) => {
      alertApi.post.mockClear();
      const refused = await error();
      await render(
        mockApi({
          refreshEntity: failsWith(refused),
        }),
      );
      fireEvent.click(
        await screen.findByRole('button', { name: 'Re-evaluate' }),
      );
      await waitFor(() =>
        expect(alertApi.post).toHaveBeenCalledWith(
          expect.objectContaining({
            message:
              'Could not re-evaluate: you are not allowed to re-evaluate this entity',
            severity: 'error',
          }),
        ),
      );
    },
  );
  describe('exemption workflow', () => {
    it('requests an exemption for a failing check: the body posted, the reason and the maximum expiry enforced', async () => {
      const requestExemption = jest.fn(
        async (
          ref: string,
          body: { checkId: string; reason: string; expiresAt: string },
        ): Promise<ExemptionRequest> => ({
          ...pendingRequest,
          entityRef: ref,
          ...body,
          requestedBy: 'user:default/guest',
          requestedAt: new Date().toISOString(),
        }),
      );
      await render(mockApi({ requestExemption }), { maxDays: 10 });
      const row = await screen.findByTestId('check-model-card-complete');
      // Only failing checks offer it.
      expect(
        screen.queryByTestId('request-exemption-has-description'),
      ).not.toBeInTheDocument();
      fireEvent.click(
        within(row).getByRole('button', { name: 'Request exemption' }),
      );
      const dialog = await screen.findByRole('dialog');
      const expires = within(dialog).getByLabelText(/Expires on/);
      // maxDays (10) is below the 30 days proposed: the maximum is proposed.
      expect(expires).toHaveValue(dayFromNow(10));
      expect(expires).toHaveAttribute('min', dayFromNow(1));
      expect(expires).toHaveAttribute('max', dayFromNow(10));
      const submit = within(dialog).getByRole('button', { name: 'Submit' });

      // A reason is required, of 3 characters at least.
      fireEvent.change(within(dialog).getByLabelText(/Reason/), {
        target: { value: ' ab ' },
      });
      fireEvent.click(submit);
      expect(
        await within(dialog).findByText('Say why, in at least 3 characters'),
      ).toBeInTheDocument();
      fireEvent.change(within(dialog).getByLabelText(/Reason/), {
        target: { value: `  ${pendingRequest.reason} ` },
      });

      // A day beyond today + maxDays is refused before anything is sent.
      fireEvent.change(expires, { target: { value: dayFromNow(11) } });
      expect(
        within(dialog).getByText(
          `Pick a day from ${dayFromNow(1)} to ${dayFromNow(10)}`,
        ),
      ).toBeInTheDocument();
      expect(submit).toBeDisabled();
      fireEvent.change(expires, { target: { value: dayFromNow(0) } });
      expect(submit).toBeDisabled();

      fireEvent.change(expires, { target: { value: dayFromNow(7) } });
      expect(submit).toBeEnabled();
      fireEvent.click(submit);
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(requestExemption).toHaveBeenCalledTimes(1);
      expect(requestExemption).toHaveBeenCalledWith(shownRef(), {
        checkId: 'model-card-complete',
        reason: pendingRequest.reason,
        expiresAt: `${dayFromNow(7)}T00:00:00.000Z`,
      });
      const pending = await within(
        screen.getByTestId('check-model-card-complete'),
      ).findByTestId('exemption-request-model-card-complete');
      expect(
        within(pending).getByText('Exemption requested · pending'),
      ).toBeInTheDocument();
      expect(pending).toHaveTextContent(
        `by guest on ${dayFromNow(0)}, until ${dayFromNow(7)}`,
      );
      // One pending request at a time: no second button.
      expect(
        screen.queryByTestId('request-exemption-model-card-complete'),
      ).not.toBeInTheDocument();
    });

    it('proposes 30 days and allows 90 when the config does not say', async () => {
      await render();
      fireEvent.click(
        await screen.findByTestId('request-exemption-model-card-complete'),
      );
      const expires = within(await screen.findByRole('dialog')).getByLabelText(
        /Expires on/,
      );
      expect(expires).toHaveValue(dayFromNow(30));
      expect(expires).toHaveAttribute('max', dayFromNow(90));
    });

    it("shows the server's refusal (409) in the dialog and keeps it open", async () => {
      const conflict = await serverError(
        409,
        'Conflict',
        '/entities/model/default/merchant-risk-scorer/exemption-requests',
        {
          name: 'ConflictError',
          message:
            'A request to exempt model:default/merchant-risk-scorer from model-card-complete is already pending',
        },
      );
      await render(
        mockApi({
          requestExemption: failsWith(conflict),
        }),
      );
      fireEvent.click(
        await screen.findByTestId('request-exemption-model-card-complete'),
      );
      const dialog = await screen.findByRole('dialog');
      fireEvent.change(within(dialog).getByLabelText(/Reason/), {
        target: { value: 'Waiting on the vendor' },
      });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Submit' }));
      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'A request to exempt model:default/merchant-risk-scorer from model-card-complete is already pending',
      );
      expect(screen.getByRole('dialog')).toBeInTheDocument();
    });

    it('hides Approve and Reject from those who may not manage the entity’s exemptions', async () => {
      permissionRequests.length = 0;
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
        }),
        { permission: 'DENY' },
      );
      const pending = await screen.findByTestId(
        'exemption-request-model-card-complete',
      );
      expect(pending).toHaveTextContent('Exemption requested · pending');
      expect(pending).toHaveTextContent(
        `by mei on 2026-11-28, until ${dayFromNow(20)}`,
      );
      expectNoDecisionButtons(pending);
      expect(permissionRequests).toContainEqual(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'scorecards.exemption.manage',
          }),
          resourceRef: shownRef(),
        }),
      );
    });

    it('approves a pending request: the answered results show the check exempt, approved by whom', async () => {
      const approveExemptionRequest = jest.fn(async () => ({
        request: decidedRequest('approved', 'ok until the template lands', {
          exemptionId: approvedExemption.id,
        }),
        exemption: approvedExemption,
        results: [exemptResult],
      }));
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
          approveExemptionRequest,
        }),
        { permission: 'ALLOW' },
      );
      const pending = await screen.findByTestId(
        'exemption-request-model-card-complete',
      );
      fireEvent.change(within(pending).getByLabelText('Comment (optional)'), {
        target: { value: ' ok until the template lands ' },
      });
      fireEvent.click(
        await within(pending).findByRole('button', { name: 'Approve' }),
      );
      const exempt = await screen.findByTestId('exemption-model-card-complete');
      expect(approveExemptionRequest).toHaveBeenCalledWith(pendingRequest.id, {
        comment: 'ok until the template lands',
      });
      expect(exempt).toHaveTextContent(
        `exempt until ${dayFromNow(20)} · approved by guest`,
      );
      const row = screen.getByTestId('check-model-card-complete');
      expect(within(row).getByTitle('exempt')).toBeInTheDocument();
      expect(within(row).queryByTitle('fail')).not.toBeInTheDocument();
      // The level and score come from the answer, not the stale load.
      expect(screen.getByText('Silver')).toBeInTheDocument();
      expect(screen.getByText('100% of checks pass')).toBeInTheDocument();
      expectTestIds({
        absent: [
          'exemption-request-model-card-complete',
          'request-exemption-model-card-complete',
        ],
      });
    });

    it('rejects a pending request: the check says who rejected it and may be requested again', async () => {
      const rejectExemptionRequest = jest.fn(async () => ({
        request: decidedRequest('rejected', 'fix it instead'),
      }));
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
          rejectExemptionRequest,
        }),
        { permission: 'ALLOW' },
      );
      fireEvent.click(
        await within(
          await screen.findByTestId('exemption-request-model-card-complete'),
        ).findByRole('button', { name: 'Reject' }),
      );
      const rejected = await screen.findByTestId(
        'exemption-rejected-model-card-complete',
      );
      expect(rejectExemptionRequest).toHaveBeenCalledWith(
        pendingRequest.id,
        {},
      );
      expect(rejected).toHaveTextContent(
        'Exemption request rejected by guest on 2026-11-30: fix it instead',
      );
      expectTestIds({
        absent: ['exemption-request-model-card-complete'],
        shown: ['request-exemption-model-card-complete'],
      });
    });

    it('offers its requester, though they may manage exemptions, no Approve on their own request, and says why; Withdraw rejects it', async () => {
      const rejectExemptionRequest = jest.fn(async () => ({
        request: decidedRequest('rejected', '', {
          decidedBy: pendingRequest.requestedBy,
          comment: undefined,
        }),
      }));
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
          rejectExemptionRequest,
        }),
        // The requester, in other letters' case.
        { permission: 'ALLOW', user: 'user:default/Mei' },
      );
      const pending = await screen.findByTestId(
        'exemption-request-model-card-complete',
      );
      expect(
        await within(pending).findByTestId(
          'own-exemption-request-model-card-complete',
        ),
      ).toHaveTextContent(
        'You requested this exemption: another owner or an admin must approve it.',
      );
      expectNoDecisionButtons(pending);
      fireEvent.click(
        within(pending).getByRole('button', { name: 'Withdraw' }),
      );
      const rejected = await screen.findByTestId(
        'exemption-rejected-model-card-complete',
      );
      expect(rejectExemptionRequest).toHaveBeenCalledWith(
        pendingRequest.id,
        {},
      );
      expect(rejected).toHaveTextContent(
        'Exemption request rejected by mei on 2026-11-30',
      );
    });

    it('offers its requester Withdraw though they may not manage exemptions, with nothing to approve', async () => {
      const pending = await renderPending(
        {},
        { permission: 'DENY', user: pendingRequest.requestedBy },
      );
      await expectWithdrawOnly(pending);
      expect(
        within(pending).queryByTestId(
          'own-exemption-request-model-card-complete',
        ),
      ).toBeNull();
    });

    it('offers its requester Approve and Reject when scorecards.exemptions.selfApproval is on', async () => {
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
        }),
        { permission: 'ALLOW', user: 'user:default/Mei', selfApproval: true },
      );
      const pending = await screen.findByTestId(
        'exemption-request-model-card-complete',
      );
      expect(
        await within(pending).findByRole('button', { name: 'Approve' }),
      ).toBeEnabled();
      expect(
        within(pending).getByRole('button', { name: 'Reject' }),
      ).toBeEnabled();
      expect(
        within(pending).queryByTestId(
          'own-exemption-request-model-card-complete',
        ),
      ).not.toBeInTheDocument();
    });

    describe('offers no Approve on a request the backend would refuse (409), and says why', () => {
      const covering = directExemption({
        id: '5b5a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
        reason: 'vendor "card" \\ template — ünïcode',
        author: 'user:default/ana',
      });
      const lapsed = {
        ...approvedExemption,
        expiresAt: `${dayFromNow(-1)}T00:00:00.000Z`,
      };
      const passing: EntityScorecardResult = {
        ...result,
        checks: [
          { checkId: 'has-description', status: 'pass' },
          { checkId: 'model-card-complete', status: 'pass' },
        ],
      };
      const unknown: EntityScorecardResult = {
        ...result,
        checks: [
          { checkId: 'has-description', status: 'pass' },
          { checkId: 'model-card-complete', status: 'unknown' },
        ],
      };
      const refused = 'reject or withdraw this request';
      it.each([
        {
          when: 'the check passes now',
          graded: exempted([passing], []),
          buttons: ['Reject'],
          line: `Passes now: ${refused}`,
        },
        {
          when: 'an unexpired exemption covers the failing check already',
          graded: exempted([result], [covering]),
          buttons: ['Reject'],
          line: `Exempt until ${dayFromNow(12)} already: ${refused}`,
        },
        {
          when: 'the check is unknown now (a fact provider failed)',
          graded: exempted([unknown], []),
          buttons: ['Reject'],
          line: `Unknown now (its facts could not be read): it can be approved once the check fails; ${refused}`,
        },
        {
          when: 'the check fails',
          graded: exempted([result], []),
          buttons: ['Approve', 'Reject'],
          line: undefined,
        },
        {
          when: "a lapsed exemption's stale `exempt` (the check fails)",
          graded: exempted([exemptResult], [lapsed]),
          buttons: ['Approve', 'Reject'],
          line: undefined,
        },
      ])('when $when: $buttons', async ({ graded, buttons, line }) => {
        const pending = await renderPending(graded, { permission: 'ALLOW' });
        await expectDecisionButtons(pending, buttons, line);
      });

      it.each([
        {
          statuses: ['pass', 'fail'],
          buttons: ['Approve', 'Reject'],
          line: undefined,
        },
        {
          statuses: ['unknown', 'fail'],
          buttons: ['Approve', 'Reject'],
          line: undefined,
        },
        {
          statuses: ['pass', 'na'],
          buttons: ['Reject'],
          line: `Passes now: ${refused}`,
        },
      ] as const)(
        'weighs the check in all the scorecards that grade it, as the backend does: $statuses → $buttons in every row that shows the request',
        async ({ statuses, buttons, line }) => {
          const graded = statuses.map((status, i) => ({
            ...result,
            scorecardId: [
              'ml-production-readiness',
              'service "readiness" \\ 2',
            ][i],
            checks: [{ checkId: 'model-card-complete', status }],
          }));
          await render(
            mockApi({
              ...exempted(graded, []),
              getExemptionRequests: async () => ({
                requests: [pendingRequest],
              }),
            }),
            { permission: 'ALLOW' },
          );
          const rows = await screen.findAllByTestId(
            'exemption-request-model-card-complete',
          );
          // A check that does not apply is listed apart, without its request.
          expect(rows).toHaveLength(statuses.filter(s => s !== 'na').length);
          for (const row of rows)
            await expectDecisionButtons(row, buttons, line);
        },
      );

      it("to its requester: Withdraw, and the line in place of 'another must approve it'", async () => {
        const pending = await renderPending(exempted([result], [covering]), {
          permission: 'ALLOW',
          user: pendingRequest.requestedBy,
        });
        await expectWithdrawOnly(pending);
        expect(
          within(pending).getByTestId('unapprovable-model-card-complete'),
        ).toHaveTextContent(
          `Exempt until ${dayFromNow(12)} already: ${refused}`,
        );
        expect(
          within(pending).queryByTestId(
            'own-exemption-request-model-card-complete',
          ),
        ).toBeNull();
      });
    });

    it('offers no Request exemption on a failing check that an exemption covers already (created directly, not graded since)', async () => {
      const direct = directExemption({
        id: '4a4a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
        reason: 'vendor "card" \\ template — ünïcode',
        author: 'user:default/ana.lima_2',
      });
      await render(mockApi({ ...exempted([result], [direct]) }));
      const row = await screen.findByTestId('check-model-card-complete');
      expect(
        await within(row).findByTestId('exemption-model-card-complete'),
      ).toHaveTextContent(`exempt until ${dayFromNow(12)}`);
      expect(within(row).getByTitle('fail')).toBeInTheDocument();
      expectTestIds(
        { absent: ['request-exemption-model-card-complete'] },
        within(row),
      );
    });

    it('shows why an approval was refused', async () => {
      await render(
        mockApi({
          getExemptionRequests: async () => ({ requests: [pendingRequest] }),
          approveExemptionRequest: failsWith(new NotAllowedError('denied')),
        }),
        { permission: 'ALLOW' },
      );
      const pending = await screen.findByTestId(
        'exemption-request-model-card-complete',
      );
      fireEvent.click(
        await within(pending).findByRole('button', { name: 'Approve' }),
      );
      expect(await within(pending).findByRole('alert')).toHaveTextContent(
        'You may not approve exemptions for this entity',
      );
    });

    it('says who created an exemption directly, and marks an expired one', async () => {
      const direct = directExemption({
        id: '1d1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
        reason: 'legacy model, retired in March',
        author: 'user:default/ana',
      });
      const expired = expiredOnDescription(
        direct,
        '2e2a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      );
      await render(
        mockApi({
          ...exempted(
            [
              {
                ...result,
                checks: [
                  { checkId: 'has-description', status: 'fail' },
                  { checkId: 'model-card-complete', status: 'exempt' },
                ],
              },
            ],
            [direct, expired],
          ),
        }),
      );
      expect(
        await screen.findByTestId('exemption-model-card-complete'),
      ).toHaveTextContent(
        `exempt until ${dayFromNow(
          12,
        )} · by ana — legacy model, retired in March`,
      );
      const row = screen.getByTestId('check-has-description');
      expect(
        await within(row).findByTestId('exemption-expired-has-description'),
      ).toHaveTextContent('Exemption expired');
      // A failing check whose exemption expired may be requested again.
      expectTestIds(
        {
          absent: ['exemption-has-description'],
          shown: ['request-exemption-has-description'],
        },
        within(row),
      );
      expect(
        within(screen.getByTestId('check-model-card-complete')).queryByText(
          'Exemption expired',
        ),
      ).not.toBeInTheDocument();
    });

    it('lets a manager revoke an exemption; the check is graded again at once', async () => {
      const revokeExemption = jest.fn(async () => approvedExemption);
      const refreshEntity = jest.fn(async () => ({ results: [result] }));
      await render(
        mockApi({
          ...exempted([exemptResult], [approvedExemption]),
          revokeExemption,
          refreshEntity,
        }),
        { permission: 'ALLOW' },
      );
      const exempt = await screen.findByTestId('exemption-model-card-complete');
      fireEvent.click(
        await within(exempt).findByRole('button', { name: 'Revoke' }),
      );
      await waitFor(() =>
        expect(
          within(screen.getByTestId('check-model-card-complete')).getByTitle(
            'fail',
          ),
        ).toBeInTheDocument(),
      );
      expect(revokeExemption).toHaveBeenCalledWith(approvedExemption.id);
      expect(refreshEntity).toHaveBeenCalledTimes(1);
      expectTestIds({
        absent: ['exemption-model-card-complete'],
        shown: ['request-exemption-model-card-complete'],
      });
    });

    it('offers no Revoke to those who may not manage exemptions, and no expiry chip on a passing check', async () => {
      const expired = expiredOnDescription(
        approvedExemption,
        '3f3a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      );
      await render(
        mockApi({
          ...exempted([exemptResult], [approvedExemption, expired]),
        }),
        { permission: 'DENY' },
      );
      const exempt = await screen.findByTestId('exemption-model-card-complete');
      expect(exempt).toHaveTextContent('approved by guest');
      expect(
        within(exempt).queryByRole('button', { name: 'Revoke' }),
      ).not.toBeInTheDocument();
      // has-description passes: its old exemption's expiry is no news.
      expect(
        screen.queryByTestId('exemption-expired-has-description'),
      ).not.toBeInTheDocument();
    });

    it('says since when each check has had its status', async () => {
      await render(
        withChanges(
          changeOf('model-card-complete', 'fail', 3 * DAY + 60_000),
          changeOf('has-description', 'pass', 2 * 60 * 60_000),
          // Another scorecard's change of the same check is not this row's.
          changeOf('has-description', 'fail', 40 * DAY, {
            scorecardId: 'service "readiness" \\ 2',
          }),
        ),
      );
      expect(
        await screen.findByTestId('since-model-card-complete'),
      ).toHaveTextContent('failing since 3 days ago');
      expect(screen.getByTestId('since-has-description')).toHaveTextContent(
        'passing since 2 hours ago',
      );
    });

    it('says "at least" when the since is only when check history began', async () => {
      await render(
        withChanges(
          changeOf('model-card-complete', 'fail', 3 * DAY + 60_000, {
            sinceHistoryStart: true,
          }),
          changeOf('has-description', 'pass', 2 * 60 * 60_000, {
            sinceHistoryStart: false,
          }),
        ),
      );
      expect(
        await screen.findByTestId('since-model-card-complete'),
      ).toHaveTextContent(
        'failing since at least 3 days ago (when check history began)',
      );
      expect(screen.getByTestId('since-has-description')).toHaveTextContent(
        /^passing since 2 hours ago$/,
      );
    });

    it('lists the exemption history, newest first, behind a toggle', async () => {
      const audit: ExemptionAuditEntry[] = [
        {
          at: '2026-11-28T09:00:00.000Z',
          actor: 'user:default/mei',
          action: 'exemption.request',
          checkId: 'model-card-complete',
          details: { request: pendingRequest },
        },
        {
          at: '2026-11-28T11:30:00.000Z',
          actor: 'user:default/guest',
          action: 'exemption.reject',
          checkId: 'model-card-complete',
          details: {
            request: {
              ...pendingRequest,
              status: 'rejected',
              comment: 'fix it instead',
            },
          },
        },
        {
          at: '2026-11-29T08:00:00.000Z',
          actor: 'plugin:scorecards',
          action: 'exemption.expire',
          checkId: 'has-description',
          details: { exemption: { ...approvedExemption } },
        },
      ];
      await render(
        mockApi({ getExemptions: async () => ({ exemptions: [], audit }) }),
      );
      const toggle = await screen.findByRole('button', {
        name: /Exemption history \(3\)/,
      });
      expect(toggle).toHaveAttribute('aria-expanded', 'false');
      fireEvent.click(toggle);
      const entries = await screen.findAllByTestId('exemption-history-entry');
      expect(entries.map(e => e.textContent)).toEqual([
        `Described: exemption expired2026-11-29 08:00 UTC · reason: ${pendingRequest.reason}`,
        'Model card complete: exemption rejected by guest2026-11-28 11:30 UTC · until ' +
          `${dayFromNow(20)} · comment: fix it instead`,
        'Model card complete: exemption requested by mei2026-11-28 09:00 UTC · until ' +
          `${dayFromNow(20)} · reason: ${pendingRequest.reason}`,
      ]);
    });

    it('keeps the results when the exemption reads fail, and says so', async () => {
      await render(
        mockApi({
          getExemptionRequests: failsWith(new Error('requests down')),
          getExemptions: failsWith(new Error('audit down')),
        }),
      );
      expect(
        await screen.findByText(
          /Could not load the exemption requests: requests down/,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByTestId('check-model-card-complete'),
      ).toBeInTheDocument();
      fireEvent.click(
        screen.getByRole('button', { name: /Exemption history/ }),
      );
      expect(
        await screen.findByText(
          /Could not load the exemption history: audit down/,
        ),
      ).toBeInTheDocument();
    });
  });
});
