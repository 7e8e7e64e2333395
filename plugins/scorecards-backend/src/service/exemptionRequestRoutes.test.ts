import { testDatabases } from '../__testUtils__/databases';
import { Knex } from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import request from 'supertest';
import {
  expectUnauthorizedWithoutCredentials,
  asUser,
  portalHidingSecretModel,
  backendForTheseTests,
  startScorecardsBackend,
} from '../__testUtils__/backend';
import { expectEachEvent, recordingAuditor } from '../__testUtils__/auditor';
import { scheduledPassAfterTheTestWith } from '../__testUtils__/config';
import { group, model } from '../__testUtils__/entities';

const OWNER = 'user:default/mei'; // may manage fraud-ml's exemptions
const ADMIN = 'user:default/ana.lima_2'; // may manage every entity's exemptions
const OUTSIDER = 'user:default/sofia'; // may read fraud-ml's models but secret-model; may not manage
const DAY = 24 * 3600 * 1000;

// A name with dots and underscores; a reason with quotes, a backslash and unicode.
const NAME = 'fraud.detector_v2.1';
const ENTITY = `/api/scorecards/entities/model/default/${NAME}`;
const REF = `model:default/${NAME}`;
const REASON = `"Benchmark" data isn't described \\ yet — données ✓ 🚀`;
const CHECK = 'model-training-data-declared';

const entities = [
  group('product-ml', ['fraud-ml']),
  group('fraud-ml'),
  model(NAME, 'fraud-ml'),
  model('secret-model', 'fraud-ml'),
];

const databases = testDatabases();

/** A decision's answer: 200, with the request as the decision left it. */
function expectDecided(
  answer: request.Response,
  expected: Partial<
    Record<'id' | 'status' | 'requestedBy' | 'decidedBy' | 'comment', string>
  >,
) {
  expect(answer.status).toBe(200);
  expect(answer.body.request).toMatchObject(expected);
}

describe.each(databases.eachSupportedId())(
  'exemption request routes on %s',
  databaseId => {
    const sent: any[] = [];
    const auditor = recordingAuditor();
    const audited = auditor.events;
    let scheduler: SchedulerService;
    let knex: Knex;

    const backend = backendForTheseTests(async () => {
      knex = await databases.init(databaseId);
      return startScorecardsBackend(knex, {
        // Graded: requests are only for checks graded for the entity.
        graded: { by: OWNER, models: [NAME, 'secret-model'] },
        config: scheduledPassAfterTheTestWith({ exemptions: { maxDays: 30 } }),
        features: [
          ...portalHidingSecretModel(
            entities,
            { allowed: [OWNER, ADMIN], conditional: [OUTSIDER] },
            sent,
          ),
          auditor.factory,
          // The plugin's scheduler, to run its tasks.
          createBackendModule({
            pluginId: 'scorecards',
            moduleId: 'test-scheduler',
            register(env) {
              env.registerInit({
                deps: { s: coreServices.scheduler },
                async init({ s }) {
                  scheduler = s;
                },
              });
            },
          }),
        ],
      });
    });

    const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();
    const ask = (user: string, body: object, entity = ENTITY) =>
      request(backend.server)
        .post(`${entity}/exemption-requests`)
        .set(asUser(user))
        .send(body);
    const decide = (
      user: string,
      id: string,
      verb: 'approve' | 'reject',
      body?: object,
    ) => {
      const r = request(backend.server)
        .post(`/api/scorecards/exemption-requests/${id}/${verb}`)
        .set(asUser(user));
      return body ? r.send(body) : r;
    };

    /** An owner exempts the entity from `checkId` directly: its exemption. */
    const exemptDirectly = async (checkId: string, days: number) => {
      const res = await request(backend.server)
        .post(`${ENTITY}/exemptions`)
        .set(asUser(OWNER))
        .send({ checkId, reason: REASON, expiresAt: inDays(days) });
      expect(res.status).toBe(201);
      return res.body;
    };

    it('answers 401 without credentials on every route', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      const routes = [
        ['post', `${ENTITY}/exemption-requests`],
        ['get', `${ENTITY}/exemption-requests`],
        ['get', '/api/scorecards/exemption-requests'],
        ['post', `/api/scorecards/exemption-requests/${id}/approve`],
        ['post', `/api/scorecards/exemption-requests/${id}/reject`],
      ] as const;
      await expectUnauthorizedWithoutCredentials(backend.server, routes);
    });

    it('validates a request and names the bad field; an entity the caller may not read is 404', async () => {
      const good = { checkId: CHECK, reason: REASON, expiresAt: inDays(10) };
      const refused = async (body: object, entity = ENTITY) => {
        const res = await ask(OUTSIDER, body, entity);
        return [res.status, res.body.error?.message];
      };
      expect(
        await refused(
          good,
          '/api/scorecards/entities/model/default/secret-model',
        ),
      ).toEqual([404, 'No entity model:default/secret-model']);
      expect(await refused({ ...good, checkId: 'nope' })).toEqual([
        400,
        "checkId: unknown check 'nope'",
      ]);
      const [status, message] = await refused({
        ...good,
        expiresAt: inDays(31),
      });
      expect(status).toBe(400);
      expect(message).toMatch(/^expiresAt: must be at most 30 days ahead \(/);
      // A date alone is ISO 8601 too, but names no moment: the message says
      // what is wanted.
      for (const expiresAt of ['tomorrow', '2026-12-30'])
        expect(await refused({ ...good, expiresAt })).toEqual([
          400,
          'expiresAt: must be a date and time with its time zone, e.g. 2026-12-31T00:00:00Z',
        ]);
      // Known, but n/a for an experimental model: it can never matter.
      expect(
        await refused({ ...good, checkId: 'model-monitoring-link' }),
      ).toEqual([
        400,
        `checkId: 'model-monitoring-link' is not graded for ${REF}`,
      ]);
      expect(await refused({ ...good, reason: 'x' })).toEqual([
        400,
        'reason: must say why, in at least 3 characters',
      ]);
      // A service may read requests but not make them.
      const service = await request(backend.server)
        .post(`${ENTITY}/exemption-requests`)
        .set({ Authorization: mockCredentials.service.header() })
        .send(good);
      expect(service.status).toBe(403);
      const submits = audited.filter(e => e.action === 'submit');
      expect(submits.map(e => e.outcome)).toEqual(
        Array(7).fill(expect.stringMatching(/^fail: \w+Error$/)),
      );
      // The reason is never in an audit event.
      expect(
        JSON.stringify(audited.map(e => [e.meta, e.succeededWith])),
      ).not.toContain('Benchmark');
    });

    it('takes a request from a reader; only an owner approves it, once, and the check reads exempt', async () => {
      sent.length = 0;
      audited.length = 0;
      const expiresAt = inDays(10);
      const created = await ask(OUTSIDER, {
        checkId: CHECK,
        reason: REASON,
        expiresAt,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        entityRef: REF,
        checkId: CHECK,
        reason: REASON,
        requestedBy: OUTSIDER,
        status: 'pending',
        owner: 'group:default/fraud-ml',
      });
      const id = created.body.id;
      const again = await ask(OWNER, {
        checkId: CHECK,
        reason: 'me too',
        expiresAt,
      });
      expect(again.status).toBe(409);

      const listed = await request(backend.server)
        .get(`${ENTITY}/exemption-requests`)
        .set(asUser(OUTSIDER));
      expect(listed.body.requests.map((r: any) => r.id)).toEqual([id]);
      const inbox = await request(backend.server)
        .get(
          '/api/scorecards/exemption-requests?status=pending&owner=group:default/product-ml',
        )
        .set(asUser(OWNER));
      expect(inbox.body.requests.map((r: any) => r.id)).toEqual([id]);
      const badQuery = await request(backend.server)
        .get('/api/scorecards/exemption-requests?status=open')
        .set(asUser(OWNER));
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toBe(
        'status: must be pending, approved, rejected or expired',
      );

      // The requester may not approve (it may withdraw: a test below).
      expect((await decide(OUTSIDER, id, 'approve')).status).toBe(403);
      expect((await decide(OWNER, 'not-a-uuid', 'approve')).status).toBe(404);
      expect(
        (await decide(OWNER, '00000000-0000-4000-8000-000000000000', 'approve'))
          .status,
      ).toBe(404);
      const badComment = await decide(OWNER, id, 'approve', { comment: 7 });
      expect(badComment.status).toBe(400);
      expect(badComment.body.error.message).toBe('comment: must be a string');

      const approved = await decide(OWNER, id, 'approve', {
        comment: 'fine — «pour l’instant»',
      });
      expectDecided(approved, {
        id,
        status: 'approved',
        decidedBy: OWNER,
        comment: 'fine — «pour l’instant»',
      });
      expect(approved.body.exemption).toMatchObject({
        entityRef: REF,
        checkId: CHECK,
        author: OUTSIDER,
        approvedBy: OWNER,
        requestId: id,
      });
      const statuses = approved.body.results.flatMap((r: any) =>
        r.checks
          .filter((c: any) => c.checkId === CHECK)
          .map((c: any) => c.status),
      );
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(['exempt']));

      // Decided: a second approval or a rejection is a conflict.
      expect((await decide(OWNER, id, 'approve')).status).toBe(409);
      expect((await decide(OWNER, id, 'reject')).status).toBe(409);

      const trail = await request(backend.server)
        .get(`${ENTITY}/exemptions`)
        .set(asUser(OUTSIDER));
      expect(trail.body.exemptions).toEqual([approved.body.exemption]);
      expect(trail.body.audit.map((a: any) => [a.action, a.actor])).toEqual([
        ['exemption.request', OUTSIDER],
        ['exemption.approve', OWNER],
      ]);
      expect(sent.map(n => n.recipients.entityRef)).toEqual([
        'group:default/fraud-ml',
        OUTSIDER,
      ]);
      expect(sent[0].payload.link).toBe(`/catalog/default/model/${NAME}`);

      expectEachEvent(audited, {
        eventId: 'exemption-request',
        severityLevel: 'medium',
      });
      expect(audited.map(e => [e.action, e.outcome])).toEqual([
        ['submit', 'success'],
        ['submit', 'fail: ConflictError'],
        ['approve', 'fail: NotAllowedError'],
        ['approve', 'fail: NotFoundError'],
        ['approve', 'fail: InputError'],
        ['approve', 'success'],
        ['approve', 'fail: ConflictError'],
        ['reject', 'fail: ConflictError'],
      ]);
      expect(audited[5].succeededWith).toEqual({
        requestId: id,
        entityRef: REF,
        checkId: CHECK,
        exemptionId: approved.body.exemption.id,
      });
    });

    it('rejects a request and tells the requester', async () => {
      sent.length = 0;
      const created = await ask(OUTSIDER, {
        checkId: 'model-evaluation-data-declared',
        reason: 'the hold-out set is being registered',
        expiresAt: inDays(5),
      });
      expect(created.status).toBe(201);
      const rejected = await decide(OWNER, created.body.id, 'reject');
      expectDecided(rejected, {
        status: 'rejected',
        decidedBy: OWNER,
      });
      // Audited as approval is, but for the exemption there is none of.
      const event = audited[audited.length - 1];
      expect([event.action, event.outcome]).toEqual(['reject', 'success']);
      expect(event.succeededWith).toEqual({
        requestId: created.body.id,
        entityRef: REF,
        checkId: 'model-evaluation-data-declared',
      });
      expect(sent.map(n => n.recipients.entityRef)).toEqual([
        'group:default/fraud-ml',
        OUTSIDER,
      ]);
      const rejectedOnes = await request(backend.server)
        .get('/api/scorecards/exemption-requests?status=rejected')
        .set(asUser(OUTSIDER));
      expect(rejectedOnes.body.requests.map((r: any) => r.id)).toEqual([
        created.body.id,
      ]);
    });

    it('answers 404 to a decider who may not read the entity, never naming it', async () => {
      const created = await ask(
        OWNER,
        { checkId: CHECK, reason: REASON, expiresAt: inDays(3) },
        '/api/scorecards/entities/model/default/secret-model',
      );
      expect(created.status).toBe(201);
      for (const verb of ['approve', 'reject'] as const) {
        const res = await decide(OUTSIDER, created.body.id, verb);
        expect([res.status, res.body.error.message]).toEqual([
          404,
          `No exemption request ${created.body.id}`,
        ]);
      }
      expect((await decide(OWNER, created.body.id, 'reject')).status).toBe(200);
    });

    it('runs the expiry sweep first in the incremental task: a lapsed pending request expires, an expired exemption stays listed', async () => {
      sent.length = 0;
      const past = new Date(Date.now() - DAY);
      await knex('scorecard_exemption_requests').insert({
        id: '11111111-1111-4111-8111-111111111111',
        entity_ref: REF,
        check_id: 'model-license-declared',
        owner_ref: 'group:default/fraud-ml',
        reason: REASON,
        requested_by: OUTSIDER,
        requested_at: new Date(Date.now() - 2 * DAY),
        expires_at: past,
        status: 'pending',
        pending_key: `${REF}|model-license-declared`,
      });
      await knex('scorecard_exemptions').insert({
        id: '22222222-2222-4222-8222-222222222222',
        entity_ref: REF,
        check_id: 'has-description',
        reason: 'old',
        author: OWNER,
        expires_at: past,
        created_at: new Date(Date.now() - 2 * DAY),
      });
      await scheduler.triggerTask('scorecards:incremental');
      const rows = await knex('scorecard_exemption_requests')
        .where('id', '11111111-1111-4111-8111-111111111111')
        .first();
      expect([rows.status, rows.pending_key]).toEqual(['expired', null]);
      expect(sent.map(n => [n.recipients.entityRef, n.payload.title])).toEqual([
        [
          OUTSIDER,
          expect.stringMatching(
            new RegExp(`^Exemption request expired: .+ on ${NAME}$`),
          ),
        ],
      ]);
      const trail = await request(backend.server)
        .get(`${ENTITY}/exemptions`)
        .set(asUser(OUTSIDER));
      // Expired exemptions are listed (the card shows them as expired).
      expect(trail.body.exemptions.map((e: any) => e.id)).toContain(
        '22222222-2222-4222-8222-222222222222',
      );
      expect(trail.body.audit.map((a: any) => a.action).slice(-2)).toEqual([
        'exemption.expire',
        'exemption.expire',
      ]);
    });

    it('answers 409 naming the entity, the check and why to a request for a check the entity passes or is exempt from already', async () => {
      const refused = async (checkId: string) => {
        const res = await ask(OUTSIDER, {
          checkId,
          reason: REASON,
          expiresAt: inDays(5),
        });
        return [res.status, res.body.error?.name, res.body.error?.message];
      };
      // A described model passes has-description.
      expect(await refused('has-description')).toEqual([
        409,
        'ConflictError',
        `${REF} passes 'has-description' now; an exemption is for a failing check`,
      ]);
      const exemption = await exemptDirectly('model-card-complete', 20);
      expect(await refused('model-card-complete')).toEqual([
        409,
        'ConflictError',
        `${REF} is exempt from 'model-card-complete' until ${exemption.expiresAt.slice(
          0,
          10,
        )} already`,
      ]);
      const requests = await request(backend.server)
        .get(`${ENTITY}/exemption-requests`)
        .set(asUser(OUTSIDER));
      expect(
        requests.body.requests.filter((r: any) =>
          ['has-description', 'model-card-complete'].includes(r.checkId),
        ),
      ).toEqual([]);
      expect(audited.slice(-2).map(e => [e.action, e.outcome])).toEqual([
        ['submit', 'fail: ConflictError'],
        ['submit', 'fail: ConflictError'],
      ]);
    });

    it('answers 400 to a JSON body that is not an object, an unknown field or a comment too long, on requests and decisions', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      const decision = `/api/scorecards/exemption-requests/${id}/reject`;
      const cases: Array<[string, string, string]> = [
        ...['null', '"text"', '[]', '42'].flatMap(
          raw =>
            [
              [
                `${ENTITY}/exemption-requests`,
                raw,
                'body: must be a JSON object',
              ],
              [decision, raw, 'body: must be a JSON object'],
            ] as Array<[string, string, string]>,
        ),
        [
          `${ENTITY}/exemption-requests`,
          JSON.stringify({
            checkId: CHECK,
            reason: REASON,
            expiresAt: inDays(3),
            extra: 1,
          }),
          'body: unknown field extra',
        ],
        [decision, '{"comment":"ok","extra":1}', 'body: unknown field extra'],
        [
          decision,
          JSON.stringify({ comment: 'x'.repeat(10_001) }),
          'comment: must be at most 10000 characters',
        ],
      ];
      for (const [url, raw, message] of cases) {
        const res = await request(backend.server)
          .post(url)
          .set(asUser(OWNER))
          .set('Content-Type', 'application/json')
          .send(raw);
        expect([
          url,
          raw.slice(0, 40),
          res.status,
          res.body.error?.message,
        ]).toEqual([url, raw.slice(0, 40), 400, message]);
      }
    });

    it('answers 403 to a requester approving their own request, though they may manage exemptions; they may withdraw it, another manager may approve it', async () => {
      const SECRET = '/api/scorecards/entities/model/default/secret-model';
      const submit = async (user: string, checkId: string) => {
        const res = await ask(
          user,
          { checkId, reason: REASON, expiresAt: inDays(4) },
          SECRET,
        );
        expect(res.status).toBe(201);
        return res.body.id as string;
      };
      const own = await submit(OWNER, 'model-card-complete');
      const refused = await decide(OWNER, own, 'approve', { comment: 'mine' });
      expect([refused.status, refused.body.error?.message]).toEqual([
        403,
        'You requested this exemption; another owner or an admin must approve it',
      ]);
      expect(audited[audited.length - 1].outcome).toBe('fail: NotAllowedError');
      const approved = await decide(ADMIN, own, 'approve');
      expectDecided(approved, {
        status: 'approved',
        requestedBy: OWNER,
        decidedBy: ADMIN,
      });

      const withdrawn = await submit(ADMIN, 'model-evaluation-data-declared');
      expect((await decide(ADMIN, withdrawn, 'approve')).status).toBe(403);
      const rejected = await decide(ADMIN, withdrawn, 'reject', {
        comment: 'withdrawn — «asked too early»',
      });
      expectDecided(rejected, {
        status: 'rejected',
        requestedBy: ADMIN,
        decidedBy: ADMIN,
      });
    });

    it('answers 409 to approving a request whose check passes now, is exempt already or is unknown, as to submitting it, and leaves it pending to be rejected or withdrawn', async () => {
      // What a grading stores: the check's status in each of the entity's results.
      const storeStatus = async (checkId: string, status: string) => {
        for (const row of await knex('scorecard_results').where(
          'entity_ref',
          REF,
        ))
          await knex('scorecard_results')
            .where({ entity_ref: REF, scorecard_id: row.scorecard_id })
            .update({
              checks: JSON.stringify(
                JSON.parse(row.checks).map((c: any) =>
                  c.checkId === checkId ? { ...c, status } : c,
                ),
              ),
            });
      };
      const submit = async (checkId: string) => {
        await storeStatus(checkId, 'fail');
        const res = await ask(OUTSIDER, {
          checkId,
          reason: REASON,
          expiresAt: inDays(6),
        });
        expect(res.status).toBe(201);
        return res.body.id as string;
      };
      const refused = async (id: string) => {
        const res = await decide(ADMIN, id, 'approve');
        return [res.status, res.body.error?.message];
      };

      // Requested while failing; fixed and graded since.
      const fixed = await submit('model-produced-by-pipeline');
      await storeStatus('model-produced-by-pipeline', 'pass');
      expect(await refused(fixed)).toEqual([
        409,
        `${REF} passes 'model-produced-by-pipeline' now; an exemption is for a failing check`,
      ]);
      // Exempted directly while the request waited.
      const covered = await submit('owner-is-group');
      const exemption = await exemptDirectly('owner-is-group', 9);
      expect(await refused(covered)).toEqual([
        409,
        `${REF} is exempt from 'owner-is-group' until ${exemption.expiresAt.slice(
          0,
          10,
        )} already`,
      ]);
      // Requested while failing; unknown since (MLflow went down, say).
      const unknown = await submit('model-license-declared');
      await storeStatus('model-license-declared', 'unknown');
      const unknownMessage = `'model-license-declared' is unknown for ${REF} now (a fact provider failed); an exemption is for a failing check`;
      expect(await refused(unknown)).toEqual([409, unknownMessage]);
      // Submitting refuses an unknown check alike (the card offers a request
      // only on a failing one).
      const asked = await ask(OUTSIDER, {
        checkId: 'model-license-declared',
        reason: REASON,
        expiresAt: inDays(6),
      });
      expect([asked.status, asked.body.error?.message]).toEqual([
        409,
        unknownMessage,
      ]);

      // Still pending: no exemption was made, and each may be decided.
      const pending = await request(backend.server)
        .get(`${ENTITY}/exemption-requests`)
        .set(asUser(OUTSIDER));
      const statusOf = (id: string) =>
        pending.body.requests.find((r: any) => r.id === id)?.status;
      expect([fixed, covered, unknown].map(statusOf)).toEqual([
        'pending',
        'pending',
        'pending',
      ]);
      const trail = await request(backend.server)
        .get(`${ENTITY}/exemptions`)
        .set(asUser(OUTSIDER));
      expect(
        trail.body.exemptions.filter((e: any) =>
          [fixed, covered, unknown].includes(e.requestId),
        ),
      ).toEqual([]);
      expect((await decide(ADMIN, fixed, 'reject')).status).toBe(200);
      expect((await decide(OUTSIDER, covered, 'reject')).status).toBe(200);
      expect((await decide(ADMIN, unknown, 'reject')).status).toBe(200);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'exemption request routes with scorecards.exemptions.selfApproval on %s',
  databaseId => {
    const sent: any[] = [];
    const backend = backendForTheseTests(async () =>
      startScorecardsBackend(await databases.init(databaseId), {
        graded: { by: OWNER, models: [NAME] },
        config: scheduledPassAfterTheTestWith({
          exemptions: { selfApproval: true },
        }),
        features: portalHidingSecretModel(
          entities,
          { allowed: [OWNER, ADMIN], conditional: [OUTSIDER] },
          sent,
        ),
      }),
    );

    it('lets a requester who may manage the exemptions approve their own request; one who may not still gets 403', async () => {
      const body = {
        checkId: CHECK,
        reason: REASON,
        expiresAt: new Date(Date.now() + 3 * DAY).toISOString(),
      };
      const asked = await request(backend.server)
        .post(`${ENTITY}/exemption-requests`)
        .set(asUser(OWNER))
        .send(body);
      expect(asked.status).toBe(201);
      const approve = (user: string) =>
        request(backend.server)
          .post(`/api/scorecards/exemption-requests/${asked.body.id}/approve`)
          .set(asUser(user));
      expect((await approve(OUTSIDER)).status).toBe(403);
      const approved = await approve(OWNER);
      expectDecided(approved, {
        status: 'approved',
        requestedBy: OWNER,
        decidedBy: OWNER,
      });
    });
    it('lets a requester who may not manage the exemptions withdraw (reject) their own request, not approve it; another reader may do neither', async () => {
      const asked = await request(backend.server)
        .post(`${ENTITY}/exemption-requests`)
        .set(asUser(OUTSIDER))
        .send({
          checkId: 'model-card-complete',
          reason: REASON,
          expiresAt: new Date(Date.now() + 3 * DAY).toISOString(),
        });
      expect(asked.status).toBe(201);
      const decide = (user: string, verb: string) =>
        request(backend.server)
          .post(`/api/scorecards/exemption-requests/${asked.body.id}/${verb}`)
          .set(asUser(user))
          .send({ comment: 'withdrawn — «too early»' });
      expect((await decide(OUTSIDER, 'approve')).status).toBe(403);
      expect((await decide('user:default/someone.else', 'reject')).status).toBe(
        403,
      );
      sent.length = 0;
      const withdrawn = await decide(OUTSIDER.toUpperCase(), 'reject');
      expectDecided(withdrawn, {
        status: 'rejected',
        requestedBy: OUTSIDER,
        decidedBy: OUTSIDER.toUpperCase(),
      });
      // The owner hears of the withdrawal; the requester is not told of
      // their own act.
      expect(sent.map(n => [n.recipients.entityRef, n.payload.title])).toEqual([
        [
          'group:default/fraud-ml',
          `Exemption request withdrawn: Model card states intended use, limitations and evaluation data on ${NAME}`,
        ],
      ]);
    });
  },
);
