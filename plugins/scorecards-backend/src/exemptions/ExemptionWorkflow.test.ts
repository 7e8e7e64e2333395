import { testDatabases } from '../__testUtils__/databases';
import knexFactory, { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogHiding, permissionsDeciding } from '../__testUtils__/backend';
import { oneLevelScorecardConfig } from '../__testUtils__/config';
import { group } from '../__testUtils__/entities';
import { storeOn } from '../__testUtils__/store';
import { evaluatorAndQueries } from '../__testUtils__/service';
import { builtinChecks } from '../checks/builtin';
import { readDefinitions } from '../engine/definitions';
import { DatabaseExemptionRequestStore } from './DatabaseExemptionRequestStore';
import { ExemptionWorkflow } from './ExemptionWorkflow';

const databases = testDatabases();

const OWNER = 'user:default/mei'; // may manage fraud-ml's exemptions
const ADMIN = 'user:default/ana.lima_2'; // may manage every entity's exemptions
const REQUESTER = 'user:default/sofia'; // may read, not manage; not secret-model
const DAY = 24 * 3600 * 1000;

/**
 * A model of fraud-ml without a description nor a license: it fails
 * `has-description` and `model-license-declared`, and passes `owner-is-group`.
 */
const model = (name: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default', etag: `${name}-1` },
  spec: {
    type: 'classification',
    lifecycle: 'experimental',
    owner: 'group:default/fraud-ml',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/fraud-ml' }],
});

// A name with dots and underscores; a reason with quotes, a backslash and unicode.
const NAME = 'fraud.detector_v2.1';
const REF = `model:default/${NAME}`;
const COMPOUND = { kind: 'Model', namespace: 'default', name: NAME };
const REASON = `"Benchmark" data isn't described \\ yet — données ✓ 🚀`;

const config = new ConfigReader(
  oneLevelScorecardConfig({ id: 'basics', title: 'Basics' }, 'Bronze', [
    'has-description',
    'model-license-declared',
    'owner-is-group',
  ]),
);

const others: Knex[] = [];
afterAll(async () => {
  await Promise.all(others.map(k => k.destroy()));
});

const as = (user: string) => mockCredentials.user(user);
const ask = (expiresAt: Date, checkId = 'has-description') => ({
  checkId,
  reason: REASON,
  expiresAt: expiresAt.toISOString(),
});

async function setup(
  databaseId: Parameters<typeof databases.init>[0],
  options: { knex?: Knex; maxDays?: number; migrate?: boolean } = {},
) {
  const knex = options.knex ?? (await databases.init(databaseId));
  const database = mockServices.database({
    knex,
    migrations: { skip: options.migrate === false },
  });
  const store = await storeOn(knex, {
    skipMigrations: options.migrate === false,
  });
  const requests = await DatabaseExemptionRequestStore.create({
    database,
  });
  const entities = [
    group('product-ml', ['fraud-ml']),
    group('fraud-ml'),
    model(NAME),
    model('secret-model'),
  ];
  const catalog = catalogHiding(entities, {
    name: 'secret-model',
    from: [REQUESTER],
  });
  const permissions = permissionsDeciding({
    allowed: [OWNER, ADMIN],
    conditional: [REQUESTER],
  });
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const now = () => new Date(clock);
  const checks = new Map(builtinChecks.map(c => [c.id, c]));
  const { logger, evaluator, queries } = evaluatorAndQueries({
    store,
    catalog,
    permissions,
    scorecards: readDefinitions(config, new Set(checks.keys())),
    checks,
    now,
  });
  // Graded: a request is only for a check graded for the entity.
  if (options.migrate !== false) await evaluator.evaluateAll();
  const sent: any[] = [];
  const workflow = new ExemptionWorkflow({
    requests,
    store,
    queries,
    evaluator,
    checks,
    logger,
    notifications: { send: async (n: any) => void sent.push(n) },
    maxDays: options.maxDays,
    now,
  });
  return {
    knex,
    store,
    requests,
    evaluator,
    workflow,
    sent,
    logger,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
    /** `user` asks to exempt COMPOUND from has-description for a day. */
    submitForADay: (user = REQUESTER) =>
      workflow.submit(COMPOUND, ask(new Date(now().getTime() + DAY)), as(user)),
  };
}

/** How many pending requests each check has, by check. */
const pendingPerCheck = async (knex: Knex) => {
  const perCheck = new Map<string, number>();
  for (const p of await knex('scorecard_exemption_requests')
    .where('status', 'pending')
    .select('check_id'))
    perCheck.set(p.check_id, (perCheck.get(p.check_id) ?? 0) + 1);
  return perCheck;
};
const statusOf = (results: any[], checkId = 'has-description') =>
  results[0].checks.find((c: any) => c.checkId === checkId).status;

describe.each(databases.eachSupportedId())(
  'ExemptionWorkflow on %s',
  databaseId => {
    const setupHere = (options?: Parameters<typeof setup>[1]) =>
      setup(databaseId, options);

    it('keeps one pending request per entity and check, even when two submits race', async () => {
      const a = await setupHere();
      const later = new Date(a.now().getTime() + 30 * DAY);
      const race = await Promise.allSettled([
        a.workflow.submit(COMPOUND, ask(later), as(REQUESTER)),
        a.workflow.submit(COMPOUND, ask(later), as(OWNER)),
      ]);
      expect(race.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const refused = race.find(r => r.status === 'rejected') as any;
      expect(refused.reason.name).toBe('ConflictError');
      expect(refused.reason.message).toBe(
        `${REF} has a pending exemption request for 'has-description' already`,
      );
      // Another check of the same entity may be asked for.
      await a.workflow.submit(
        COMPOUND,
        ask(later, 'model-license-declared'),
        as(REQUESTER),
      );
      expect(await pendingPerCheck(a.knex)).toEqual(
        new Map([
          ['has-description', 1],
          ['model-license-declared', 1],
        ]),
      );
    });

    it('approves a request once: the check reads exempt at once, the requester is told, a second decision is a conflict', async () => {
      const { workflow, sent, now, store, requests, knex } = await setupHere();
      const until = new Date(now().getTime() + 10 * DAY);
      const request = await workflow.submit(
        COMPOUND,
        ask(until),
        as(REQUESTER),
      );
      expect(request).toMatchObject({
        entityRef: REF,
        checkId: 'has-description',
        reason: REASON,
        requestedBy: REQUESTER,
        status: 'pending',
        owner: 'group:default/fraud-ml',
        expiresAt: until.toISOString(),
      });
      await expect(
        workflow.approve(request.id, {}, as(REQUESTER)),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });

      const approved = await workflow.approve(
        request.id,
        { comment: 'ok "for now"' },
        as(OWNER),
      );
      expect(approved.request).toMatchObject({
        status: 'approved',
        decidedBy: OWNER,
        comment: 'ok "for now"',
        exemptionId: approved.exemption.id,
      });
      expect(approved.exemption).toMatchObject({
        entityRef: REF,
        checkId: 'has-description',
        reason: REASON,
        author: REQUESTER,
        approvedBy: OWNER,
        requestId: request.id,
        expiresAt: until.toISOString(),
      });
      expect(statusOf(approved.results)).toBe('exempt');
      expect(await store.listExemptions(REF)).toEqual([approved.exemption]);

      for (const decide of [
        () => workflow.approve(request.id, {}, as(OWNER)),
        () => workflow.reject(request.id, {}, as(OWNER)),
      ])
        await expect(decide()).rejects.toMatchObject({
          name: 'ConflictError',
          message: `Exemption request ${
            request.id
          } is approved; only a pending request can be ${
            decide.toString().includes('approve') ? 'approved' : 'rejected'
          }`,
        });

      expect(
        (await store.auditTrail(REF)).map(a => [a.action, a.actor]),
      ).toEqual([
        ['exemption.request', REQUESTER],
        ['exemption.approve', OWNER],
      ]);
      // The owner on the request, then the requester on the approval.
      expect(
        sent.map(n => [
          n.recipients.entityRef,
          n.payload.title,
          n.payload.link,
        ]),
      ).toEqual([
        [
          'group:default/fraud-ml',
          `Exemption requested for Described on ${NAME}`,
          `/catalog/default/model/${NAME}`,
        ],
        [
          REQUESTER,
          `Exemption approved: Described on ${NAME}`,
          `/catalog/default/model/${NAME}`,
        ],
      ]);
      expect(sent[0].payload.description).toContain(REASON);
      expect((await requests.getRequest(request.id, now()))!.status).toBe(
        'approved',
      );
      // Only one exemption row, however often it is approved.
      expect((await knex('scorecard_exemptions').select('id')).length).toBe(1);
    });

    it("refuses a request for a check the entity passes, or is exempt from until later; a lapsed exemption's stale `exempt` does not block one", async () => {
      const { workflow, store, now, advance, knex, sent } = await setupHere();
      const inDays = (d: number) => new Date(now().getTime() + d * DAY);
      const refusal = (checkId: string) =>
        workflow
          .submit(COMPOUND, ask(inDays(5), checkId), as(REQUESTER))
          .catch(e => e);
      expect(await refusal('owner-is-group')).toMatchObject({
        name: 'ConflictError',
        message: `${REF} passes 'owner-is-group' now; an exemption is for a failing check`,
      });

      // Approved: the check reads exempt until the request's end.
      const until = inDays(3);
      const request = await workflow.submit(
        COMPOUND,
        ask(until),
        as(REQUESTER),
      );
      await workflow.approve(request.id, {}, as(OWNER));
      expect(await refusal('has-description')).toMatchObject({
        name: 'ConflictError',
        message: `${REF} is exempt from 'has-description' until ${until
          .toISOString()
          .slice(0, 10)} already`,
      });
      // Created directly, not graded since: the results still say fail.
      const direct = await store.createExemption(
        {
          entityRef: REF,
          checkId: 'model-license-declared',
          reason: REASON,
          author: OWNER,
          expiresAt: inDays(9).toISOString(),
        },
        now(),
      );
      expect(statusOf(await store.getResults([REF]), direct.checkId)).toBe(
        'fail',
      );
      expect(await refusal('model-license-declared')).toMatchObject({
        name: 'ConflictError',
        message: `${REF} is exempt from 'model-license-declared' until ${direct.expiresAt.slice(
          0,
          10,
        )} already`,
      });
      // Refused requests are not stored, nor told to the owner.
      expect(
        (await knex('scorecard_exemption_requests').select('id')).length,
      ).toBe(1);
      expect(sent.map(n => n.payload.title)).not.toContainEqual(
        expect.stringContaining('License'),
      );

      // Lapsed, before the sweep: the stored result still says exempt, yet
      // the check fails again; a new request may be made.
      advance(4 * DAY);
      expect(statusOf(await store.getResults([REF]))).toBe('exempt');
      expect(
        (
          await workflow.submit(
            COMPOUND,
            ask(new Date(now().getTime() + DAY)),
            as(REQUESTER),
          )
        ).status,
      ).toBe('pending');
    });

    it('never lets the requester approve their own request, though they may manage exemptions; they may reject it (withdraw), another manager may approve it', async () => {
      const { workflow, store, submitForADay, now } = await setupHere();
      const own = await submitForADay(OWNER);
      await expect(
        workflow.approve(own.id, { comment: 'mine' }, as(OWNER)),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          'You requested this exemption; another owner or an admin must approve it',
      });
      const approved = await workflow.approve(own.id, {}, as(ADMIN));
      expect(approved.request).toMatchObject({
        status: 'approved',
        requestedBy: OWNER,
        decidedBy: ADMIN,
      });
      expect(approved.exemption).toMatchObject({
        author: OWNER,
        approvedBy: ADMIN,
      });

      const withdrawn = await workflow.submit(
        COMPOUND,
        ask(new Date(now().getTime() + DAY), 'model-license-declared'),
        as(ADMIN),
      );
      await expect(
        workflow.approve(withdrawn.id, {}, as(ADMIN)),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(
        (
          await workflow.reject(
            withdrawn.id,
            { comment: 'withdrawn' },
            as(ADMIN),
          )
        ).request,
      ).toMatchObject({ status: 'rejected', decidedBy: ADMIN });
      // The refused approvals left no trace but the steps that happened.
      expect(
        (await store.auditTrail(REF)).map(a => [a.action, a.actor]),
      ).toEqual([
        ['exemption.request', OWNER],
        ['exemption.approve', ADMIN],
        ['exemption.request', ADMIN],
        ['exemption.reject', ADMIN],
      ]);
    });

    it('rejects a request once and tells the requester', async () => {
      const { workflow, sent, store, submitForADay } = await setupHere();
      const request = await submitForADay();
      const { request: rejected } = await workflow.reject(
        request.id,
        { comment: 'describe it instead' },
        as(OWNER),
      );
      expect(rejected).toMatchObject({
        status: 'rejected',
        decidedBy: OWNER,
        comment: 'describe it instead',
      });
      expect(rejected.exemptionId).toBeUndefined();
      await expect(
        workflow.reject(request.id, {}, as(OWNER)),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(await store.listExemptions(REF)).toEqual([]);
      expect((await store.auditTrail(REF)).map(a => a.action)).toEqual([
        'exemption.request',
        'exemption.reject',
      ]);
      expect(sent.map(n => n.recipients.entityRef)).toEqual([
        'group:default/fraud-ml',
        REQUESTER,
      ]);
      expect(sent[1].payload.description).toContain(
        'Comment: describe it instead',
      );
      // Decided: a new request for the same check may be made.
      await submitForADay();
    });

    it('refuses to approve a pending request past its expiry; the sweep marks it expired, once', async () => {
      const { workflow, sent, now, advance, store, requests, submitForADay } =
        await setupHere();
      const request = await submitForADay();
      advance(2 * DAY);
      await expect(
        workflow.approve(request.id, {}, as(OWNER)),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: `Exemption request ${request.id} is expired; only a pending request can be approved`,
      });
      expect((await requests.getRequest(request.id, now()))!.status).toBe(
        'expired',
      );
      expect(
        (await workflow.inbox({ status: 'pending' }, as(OWNER))).requests,
      ).toEqual([]);
      expect(
        (await workflow.inbox({ status: 'expired' }, as(OWNER))).requests.map(
          r => r.id,
        ),
      ).toEqual([request.id]);
      sent.length = 0;
      expect(await workflow.expire()).toEqual({ requests: 1, exemptions: 0 });
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 0 });
      expect(sent.map(n => [n.recipients.entityRef, n.payload.title])).toEqual([
        [REQUESTER, `Exemption request expired: Described on ${NAME}`],
      ]);
      expect((await store.auditTrail(REF)).map(a => a.action)).toEqual([
        'exemption.request',
        'exemption.expire',
      ]);
      expect(await store.listExemptions(REF)).toEqual([]);
    });

    it('does not let a lapsed pending request block a new one before the sweep', async () => {
      const { workflow, sent, advance, submitForADay } = await setupHere();
      const first = await submitForADay();
      advance(2 * DAY);
      sent.length = 0;
      const second = await submitForADay(OWNER);
      expect(second.status).toBe('pending');
      expect(
        (await workflow.listForEntity(COMPOUND, as(OWNER))).requests.map(r => [
          r.id,
          r.status,
        ]),
      ).toEqual([
        [second.id, 'pending'],
        [first.id, 'expired'],
      ]);
      // The first requester is told it expired, then the owner of the new one.
      expect(sent.map(n => n.recipients.entityRef)).toEqual([
        REQUESTER,
        'group:default/fraud-ml',
      ]);
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 0 });
    });

    it('stops counting an approved exemption once it expires: the sweep has the incremental pass grade the entity again', async () => {
      const { workflow, evaluator, store, now, advance, requests } =
        await setupHere();
      await evaluator.evaluateAll();
      const results = async () => store.getResults([REF]);
      expect(statusOf(await results())).toBe('fail');
      const request = await workflow.submit(
        COMPOUND,
        ask(new Date(now().getTime() + 3 * DAY)),
        as(REQUESTER),
      );
      await workflow.approve(request.id, {}, as(OWNER));
      expect(statusOf(await results())).toBe('exempt');
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 0 });
      await evaluator.evaluateChanged();
      expect(statusOf(await results())).toBe('exempt');

      advance(4 * DAY);
      // Without the sweep, nothing changed in the catalog: still exempt.
      await evaluator.evaluateChanged();
      expect(statusOf(await results())).toBe('exempt');
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 1 });
      await evaluator.evaluateChanged();
      expect(statusOf(await results())).toBe('fail');
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 0 });

      expect((await requests.getRequest(request.id, now()))!.status).toBe(
        'expired',
      );
      expect(
        (await workflow.inbox({ status: 'expired' }, as(OWNER))).requests.map(
          r => r.id,
        ),
      ).toEqual([request.id]);
      expect((await store.auditTrail(REF)).map(a => a.action)).toEqual([
        'exemption.request',
        'exemption.approve',
        'exemption.expire',
      ]);
      // Still listed, as expired, with its request and approver.
      expect(await store.listExemptions(REF)).toEqual([
        expect.objectContaining({ requestId: request.id, approvedBy: OWNER }),
      ]);
    });

    it('also expires exemptions created directly, once', async () => {
      const { workflow, store, now, advance, knex } = await setupHere();
      await store.createExemption(
        {
          entityRef: REF,
          checkId: 'has-description',
          reason: REASON,
          author: OWNER,
          expiresAt: new Date(now().getTime() + DAY).toISOString(),
        },
        now(),
      );
      await store.saveEntityVersions([{ entityRef: REF, etag: 'x' }], now());
      advance(2 * DAY);
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 1 });
      // Forgotten: graded again by the next pass (the others stay).
      const versions = await store.entityVersions();
      expect(versions.has(REF)).toBe(false);
      expect(versions.has('model:default/secret-model')).toBe(true);
      expect(
        (await knex('scorecard_exemptions').first('expiry_handled_at'))
          .expiry_handled_at,
      ).not.toBeNull();
      expect(await workflow.expire()).toEqual({ requests: 0, exemptions: 0 });
    });

    it('accepts an expiry in the future and at most maxDays ahead, a known check, a readable entity', async () => {
      const { workflow, now } = await setupHere();
      const inDays = (d: number) => new Date(now().getTime() + d * DAY);
      await expect(
        workflow.submit(COMPOUND, ask(inDays(91)), as(REQUESTER)),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^expiresAt: must be at most 90 days ahead \(2027-03-01T09:00:00.000Z\)$/,
        ),
      });
      await expect(
        workflow.submit(COMPOUND, ask(inDays(-1)), as(REQUESTER)),
      ).rejects.toMatchObject({
        message: 'expiresAt: must be in the future',
      });
      await expect(
        workflow.submit(COMPOUND, ask(inDays(1), 'nope'), as(REQUESTER)),
      ).rejects.toMatchObject({ message: "checkId: unknown check 'nope'" });
      await expect(
        workflow.submit(
          { kind: 'Model', namespace: 'default', name: 'secret-model' },
          ask(inDays(1)),
          as(REQUESTER),
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      // A known check no scorecard grades for the entity can never matter.
      await expect(
        workflow.submit(
          COMPOUND,
          ask(inDays(1), 'model-card-complete'),
          as(REQUESTER),
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `checkId: 'model-card-complete' is not graded for ${REF}`,
      });
      expect(
        (await workflow.submit(COMPOUND, ask(inDays(90)), as(REQUESTER)))
          .status,
      ).toBe('pending');

      const short = await setupHere({ maxDays: 7 });
      await expect(
        short.workflow.submit(COMPOUND, ask(inDays(8)), as(REQUESTER)),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/^expiresAt: must be at most 7 days/),
      });
      expect(() => new ExemptionWorkflow({ maxDays: 0 } as any)).toThrow(
        'scorecards.exemptions.maxDays must be a whole number of days, 1 or more, not 0',
      );
    });

    it('refuses a request for a check that is n/a or not graded yet for the entity', async () => {
      const { workflow, now, store } = await setupHere();
      const until = new Date(now().getTime() + DAY);
      const [graded] = await store.getResults([REF]);
      await store.saveResults([
        {
          ...graded,
          ownerRef: 'group:default/fraud-ml',
          checks: graded.checks.map(c =>
            c.checkId === 'has-description' ? { ...c, status: 'na' } : c,
          ),
        } as any,
      ]);
      await expect(
        workflow.submit(COMPOUND, ask(until), as(REQUESTER)),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `checkId: 'has-description' is not graded for ${REF}`,
      });
      expect(
        (
          await workflow.submit(
            COMPOUND,
            ask(until, 'model-license-declared'),
            as(REQUESTER),
          )
        ).status,
      ).toBe('pending');
      // Not graded at all yet.
      const fresh = await setupHere({ migrate: true });
      await fresh.knex('scorecard_results').delete();
      await expect(
        fresh.workflow.submit(COMPOUND, ask(until), as(REQUESTER)),
      ).rejects.toMatchObject({
        message: `checkId: 'has-description' is not graded for ${REF}`,
      });
    });

    it('answers 404, not a 403 naming it, to a decider who may not read the entity', async () => {
      const { workflow, now } = await setupHere();
      const secret = await workflow.submit(
        { kind: 'Model', namespace: 'default', name: 'secret-model' },
        ask(new Date(now().getTime() + DAY)),
        as(OWNER),
      );
      for (const decide of [
        () => workflow.approve(secret.id, {}, as(REQUESTER)),
        () => workflow.reject(secret.id, {}, as(REQUESTER)),
      ]) {
        const error = await decide().catch(e => e);
        expect(error).toMatchObject({
          name: 'NotFoundError',
          message: `No exemption request ${secret.id}`,
        });
        expect(error.message).not.toContain('secret-model');
      }
    });

    it("lists an owner tree's requests in the inbox, only of entities the caller may read", async () => {
      const { workflow, now, advance } = await setupHere();
      const until = new Date(now().getTime() + DAY);
      const visible = await workflow.submit(COMPOUND, ask(until), as(OWNER));
      advance(1000);
      const secret = await workflow.submit(
        { kind: 'Model', namespace: 'default', name: 'secret-model' },
        ask(until),
        as(OWNER),
      );
      const ids = async (user: string, query: any) =>
        (await workflow.inbox(query, as(user))).requests.map(r => r.id);
      expect(await ids(OWNER, { owner: 'group:default/product-ml' })).toEqual([
        secret.id,
        visible.id,
      ]);
      expect(
        await ids(REQUESTER, {
          owner: 'group:default/product-ml',
          status: 'pending',
        }),
      ).toEqual([visible.id]);
      expect(await ids(OWNER, { owner: 'group:default/recsys-ml' })).toEqual(
        [],
      );
      expect(await ids(OWNER, { status: 'rejected' })).toEqual([]);
    });
  },
);

// Two replicas: separate pools on one PostgreSQL database, as two processes have.
const postgresIds = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

if (postgresIds.length)
  describe.each(postgresIds)(
    'ExemptionWorkflow on two replicas on %s',
    databaseId => {
      /** Two workflows on one database, each with its own pool, as two processes have. */
      const twoReplicas = async () => {
        const a = await setup(databaseId);
        const otherKnex = knexFactory(a.knex.client.config);
        others.push(otherKnex);
        const b = await setup(databaseId, { knex: otherKnex, migrate: false });
        return { a, b };
      };

      it('keeps one pending request per entity and check when two replicas (two pools) submit at once', async () => {
        const { a, b } = await twoReplicas();
        const later = new Date(a.now().getTime() + 30 * DAY);
        const checkIds = ['has-description', 'model-license-declared'];
        for (const checkId of checkIds) {
          const results = await Promise.allSettled([
            a.workflow.submit(COMPOUND, ask(later, checkId), as(REQUESTER)),
            b.workflow.submit(COMPOUND, ask(later, checkId), as(OWNER)),
          ]);
          expect(results.map(r => r.status).sort()).toEqual([
            'fulfilled',
            'rejected',
          ]);
        }
        expect(await pendingPerCheck(a.knex)).toEqual(
          new Map(checkIds.map(c => [c, 1])),
        );
      });
      it('lets only one of two replicas approve or reject a request', async () => {
        const { a, b } = await twoReplicas();
        const until = new Date(a.now().getTime() + 10 * DAY);
        for (const checkId of ['has-description', 'model-license-declared']) {
          const request = await a.workflow.submit(
            COMPOUND,
            ask(until, checkId),
            as(REQUESTER),
          );
          const outcomes = await Promise.allSettled([
            a.workflow.approve(request.id, {}, as(OWNER)),
            b.workflow.reject(request.id, {}, as(OWNER)),
            b.workflow.approve(request.id, {}, as(OWNER)),
          ]);
          expect(outcomes.filter(o => o.status === 'fulfilled')).toHaveLength(
            1,
          );
          expect(
            outcomes
              .filter(o => o.status === 'rejected')
              .map(o => (o as any).reason.name),
          ).toEqual(['ConflictError', 'ConflictError']);
        }
        const decisions = (await a.store.auditTrail(REF)).filter(
          e => e.action !== 'exemption.request',
        );
        expect(decisions).toHaveLength(2);
        const approvals = decisions.filter(
          e => e.action === 'exemption.approve',
        ).length;
        expect((await a.knex('scorecard_exemptions').select('id')).length).toBe(
          approvals,
        );
      });
    },
  );
