import { testDatabases } from './__testUtils__/databases';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createScorecardsFactsModule,
  FactProvider,
} from '@convergence/backstage-plugin-scorecards-node';
import request from 'supertest';
import {
  mlflowReadinessConfig,
  scheduledPassAfterTheTestWith,
} from './__testUtils__/config';
import {
  catalogHiding,
  catalogServiceOf,
  portalHidingSecretModel,
  notificationsInto,
  backendForTheseTests,
  startScorecardsBackend,
} from './__testUtils__/backend';
import { group, model } from './__testUtils__/entities';

const OWNER = 'user:default/mei'; // member of fraud-ml
const OUTSIDER = 'user:default/sofia'; // may not see secret-model, may not act
const NEWCOMER = 'user:default/kai'; // as OUTSIDER, first seen by one test
/** The users whose catalog read decision was asked of the permission backend, in order. */
const readDecisionsAsked: string[] = [];
let entities: Entity[];

const databases = testDatabases();

describe.each(databases.eachSupportedId())(
  'scorecards backend on %s',
  databaseId => {
    const sent: any[] = [];

    const backend = backendForTheseTests(async () => {
      sent.length = 0;
      readDecisionsAsked.length = 0;
      entities = [
        group('product-ml', ['fraud-ml']),
        group('fraud-ml'),
        group('recsys-ml'),
        model('fraud-detector', 'fraud-ml', {
          card: { intendedUse: 'x', limitations: 'y', evaluationData: 'z' },
        }),
        model('secret-model', 'fraud-ml'),
        model('ranker', 'recsys-ml'),
      ];
      return startScorecardsBackend(await databases.init(databaseId), {
        // Graded once, as the scheduled task does (refresh per entity as the owner).
        graded: {
          by: OWNER,
          models: ['fraud-detector', 'secret-model', 'ranker'],
        },
        config: scheduledPassAfterTheTestWith({
          // Longer than any test: decisions expire in ScorecardQueries.test.ts.
          permissionDecisionCacheSeconds: 3600,
        }),
        features: portalHidingSecretModel(
          () => entities,
          {
            allowed: [OWNER],
            conditional: [OUTSIDER, NEWCOMER],
            readDecisionsAsked,
          },
          sent,
        ),
      });
    });

    const as = (user: string) => ({
      Authorization: mockCredentials.user.header(user),
    });
    /** GET `url` as `user`. */
    const getAs = (user: string, url: string) =>
      request(backend.server).get(url).set(as(user));
    /** The results of the model only its owners may read. */
    const SECRET_MODEL = '/api/scorecards/entities/model/default/secret-model';

    it('answers 401 without credentials on every route', async () => {
      const none = { Authorization: mockCredentials.none.header() };
      for (const [method, url] of [
        ['get', '/api/scorecards/definitions'],
        ['get', '/api/scorecards/entities/model/default/fraud-detector'],
        ['get', '/api/scorecards/summary'],
        [
          'post',
          '/api/scorecards/entities/model/default/fraud-detector/refresh',
        ],
        [
          'post',
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        ],
        ['delete', '/api/scorecards/exemptions/x'],
      ] as const) {
        const res = await (request(backend.server) as any)
          [method](url)
          .set(none);
        expect([method, url, res.status]).toEqual([method, url, 401]);
      }
    });

    it("returns an entity's results with every check", async () => {
      const res = await request(backend.server)
        .get('/api/scorecards/entities/model/default/fraud-detector')
        .set(as(OUTSIDER));
      expect(res.status).toBe(200);
      const [result] = res.body.results;
      expect(result).toMatchObject({
        entityRef: 'model:default/fraud-detector',
        scorecardId: 'ml-production-readiness',
        level: 'Bronze',
      });
      expect(
        result.checks.find(
          (c: any) => c.checkId === 'model-training-data-declared',
        ),
      ).toEqual({
        checkId: 'model-training-data-declared',
        status: 'fail',
        message: 'spec.trainedOn is empty',
      });
    });

    it('hides entities the caller may not read', async () => {
      expect((await getAs(OUTSIDER, SECRET_MODEL)).status).toBe(404);
      expect((await getAs(OWNER, SECRET_MODEL)).status).toBe(200);
      const mine = await request(backend.server)
        .get('/api/scorecards/summary?owner=group:default/fraud-ml')
        .set(as(OWNER));
      const theirs = await request(backend.server)
        .get('/api/scorecards/summary?owner=group:default/fraud-ml')
        .set(as(OUTSIDER));
      expect(mine.body.summaries[0].entities).toBe(2);
      expect(theirs.body.summaries[0].entities).toBe(1);
    });

    it("rolls a parent team's summary up over its sub-teams", async () => {
      const res = await request(backend.server)
        .get('/api/scorecards/summary?owner=group:default/product-ml')
        .set(as(OWNER));
      expect(res.body.owners.sort()).toEqual([
        'group:default/fraud-ml',
        'group:default/product-ml',
      ]);
      expect(res.body.summaries[0].entities).toBe(2);
      const all = await request(backend.server)
        .get('/api/scorecards/summary')
        .set(as(OWNER));
      expect(all.body.summaries[0].entities).toBe(3);
    });

    it('lets a browser revalidate a summary with its ETag', async () => {
      const url = '/api/scorecards/summary?owner=group:default/product-ml';
      const first = await request(backend.server).get(url).set(as(OWNER));
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const etag = first.headers.etag;
      expect(etag).toMatch(/^".+"$/);
      const again = await request(backend.server)
        .get(url)
        .set(as(OWNER))
        .set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      // Another query is another answer, with another ETag.
      const other = await request(backend.server)
        .get('/api/scorecards/summary?owner=group:default/recsys-ml')
        .set(as(OWNER))
        .set('If-None-Match', etag);
      expect(other.status).toBe(200);
      expect(other.headers.etag).not.toBe(etag);
      expect(other.body.summaries[0].entities).toBe(1);
    });

    it('summarises many owners in one request, each as /summary does, with the same permissions', async () => {
      const owners = [
        'group:default/product-ml',
        'fraud-ml',
        'Group:Default/Recsys-ML',
        'fraud-ml',
        'ghost',
      ];
      for (const caller of [OWNER, OUTSIDER]) {
        const res = await request(backend.server)
          .post('/api/scorecards/summaries/by-owners')
          .set(as(caller))
          .send({ owners, days: 30 });
        expect(res.status).toBe(200);
        expect(res.body.items.map((i: any) => i.owner)).toEqual([
          'group:default/product-ml',
          'group:default/fraud-ml',
          'group:default/recsys-ml',
          'group:default/fraud-ml',
          'group:default/ghost',
        ]);
        for (const [i, owner] of owners.entries()) {
          const one = await request(backend.server)
            .get(
              `/api/scorecards/summary?owner=${encodeURIComponent(
                owner,
              )}&days=30`,
            )
            .set(as(caller));
          expect(one.status).toBe(200);
          const { owner: normalised, ...item } = res.body.items[i];
          expect([caller, owner, item]).toEqual([caller, owner, one.body]);
        }
        // The outsider does not see secret-model in fraud-ml's summary.
        expect(res.body.items[1].summaries[0].entities).toBe(
          caller === OWNER ? 2 : 1,
        );
      }
      // Without days, 90 as for /summary.
      const byDefault = await request(backend.server)
        .post('/api/scorecards/summaries/by-owners')
        .set(as(OWNER))
        .send({ owners: ['recsys-ml'] });
      const one = await request(backend.server)
        .get('/api/scorecards/summary?owner=recsys-ml')
        .set(as(OWNER));
      expect(byDefault.body.items).toEqual([
        { owner: 'group:default/recsys-ml', ...one.body },
      ]);
      expect(
        (
          await request(backend.server)
            .post('/api/scorecards/summaries/by-owners')
            .set({ Authorization: mockCredentials.none.header() })
            .send({ owners: ['fraud-ml'] })
        ).status,
      ).toBe(401);
    });

    it("lists a team's results, worst first, without hidden entities", async () => {
      const mine = await request(backend.server)
        .get('/api/scorecards/results?owner=group:default/product-ml')
        .set(as(OWNER));
      expect(mine.body.results.map((r: any) => r.entityRef).sort()).toEqual([
        'model:default/fraud-detector',
        'model:default/secret-model',
      ]);
      const scores = mine.body.results.map((r: any) => r.score);
      expect(scores).toEqual([...scores].sort((a: number, b: number) => a - b));
      const theirs = await request(backend.server)
        .get('/api/scorecards/results?owner=group:default/product-ml')
        .set(as(OUTSIDER));
      expect(theirs.body.results.map((r: any) => r.entityRef)).toEqual([
        'model:default/fraud-detector',
      ]);
    });

    it('returns results for a batch of refs, without hidden entities', async () => {
      const body = {
        entityRefs: [
          'model:default/fraud-detector',
          'model:default/secret-model',
          'model:default/nope',
        ],
      };
      const mine = await request(backend.server)
        .post('/api/scorecards/results/by-refs')
        .set(as(OWNER))
        .send(body);
      expect(mine.body.results.map((r: any) => r.entityRef).sort()).toEqual([
        'model:default/fraud-detector',
        'model:default/secret-model',
      ]);
      const theirs = await request(backend.server)
        .post('/api/scorecards/results/by-refs')
        .set(as(OUTSIDER))
        .send(body);
      expect(theirs.body.results.map((r: any) => r.entityRef)).toEqual([
        'model:default/fraud-detector',
      ]);
      const bad = await request(backend.server)
        .post('/api/scorecards/results/by-refs')
        .set(as(OWNER))
        .send({ entityRefs: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^entityRefs: /);
    });

    it('forbids refresh and exemptions to non-owners (403)', async () => {
      expect(
        (
          await request(backend.server)
            .post(
              '/api/scorecards/entities/model/default/fraud-detector/refresh',
            )
            .set(as(OUTSIDER))
        ).status,
      ).toBe(403);
      const res = await request(backend.server)
        .post(
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        )
        .set(as(OUTSIDER))
        .send({
          checkId: 'model-monitoring-link',
          reason: 'batch model',
          expiresAt: '2099-01-01T00:00:00Z',
        });
      expect(res.status).toBe(403);
    });

    it("asks the permission backend once for a user's reads while the decision is kept, and still filters and forbids", async () => {
      const asked = () => readDecisionsAsked.filter(u => u === NEWCOMER);
      for (let i = 0; i < 3; i++) {
        const res = await request(backend.server)
          .get('/api/scorecards/summary?owner=group:default/fraud-ml')
          .set(as(NEWCOMER));
        expect(res.status).toBe(200);
        expect(res.body.summaries[0].entities).toBe(1);
      }
      const batch = await request(backend.server)
        .post('/api/scorecards/summaries/by-owners')
        .set(as(NEWCOMER))
        .send({ owners: ['fraud-ml', 'product-ml'] });
      expect(batch.body.items.map((i: any) => i.summaries[0].entities)).toEqual(
        [1, 1],
      );
      const results = await request(backend.server)
        .get('/api/scorecards/results?owner=group:default/product-ml')
        .set(as(NEWCOMER));
      expect(results.body.results.map((r: any) => r.entityRef)).toEqual([
        'model:default/fraud-detector',
      ]);
      expect(asked()).toEqual([NEWCOMER]);
      // Another user has their own decision: everything.
      const mine = await request(backend.server)
        .get('/api/scorecards/summary?owner=group:default/fraud-ml')
        .set(as(OWNER));
      expect(mine.body.summaries[0].entities).toBe(2);
      // Actions are decided on every request, not from the kept decision.
      for (let i = 0; i < 2; i++) {
        const refresh = await request(backend.server)
          .post('/api/scorecards/entities/model/default/fraud-detector/refresh')
          .set(as(NEWCOMER));
        expect(refresh.status).toBe(403);
      }
      expect((await getAs(NEWCOMER, SECRET_MODEL)).status).toBe(404);
    });

    it('validates exemptions and names the bad field', async () => {
      const res = await request(backend.server)
        .post(
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        )
        .set(as(OWNER))
        .send({
          checkId: 'no-such-check',
          reason: 'because',
          expiresAt: '2099-01-01T00:00:00Z',
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "checkId: unknown check 'no-such-check'",
      );
      const past = await request(backend.server)
        .post(
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        )
        .set(as(OWNER))
        .send({
          checkId: 'model-training-data-declared',
          reason: 'because',
          expiresAt: '2001-01-01T00:00:00Z',
        });
      expect(past.body.error.message).toBe('expiresAt: must be in the future');
    });

    it('lets an owner exempt a failing check, which then counts, and audits it', async () => {
      const created = await request(backend.server)
        .post(
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        )
        .set(as(OWNER))
        .send({
          checkId: 'model-training-data-declared',
          reason: 'trained on a public benchmark',
          expiresAt: '2099-01-01T00:00:00Z',
        });
      expect(created.status).toBe(201);
      const refreshed = await request(backend.server)
        .post('/api/scorecards/entities/model/default/fraud-detector/refresh')
        .set(as(OWNER));
      const check = refreshed.body.results[0].checks.find(
        (c: any) => c.checkId === 'model-training-data-declared',
      );
      expect(check.status).toBe('exempt');

      expect(
        (
          await request(backend.server)
            .delete(`/api/scorecards/exemptions/${created.body.id}`)
            .set(as(OUTSIDER))
        ).status,
      ).toBe(403);
      expect(
        (
          await request(backend.server)
            .delete(`/api/scorecards/exemptions/${created.body.id}`)
            .set(as(OWNER))
        ).status,
      ).toBe(200);
      const trail = await request(backend.server)
        .get('/api/scorecards/entities/model/default/fraud-detector/exemptions')
        .set(as(OWNER));
      expect(trail.body.audit.map((a: any) => a.action)).toEqual([
        'exemption.create',
        'exemption.revoke',
      ]);
    });

    it('notifies the owner when an entity drops a level', async () => {
      sent.length = 0;
      const summaryOf = async () =>
        (
          await request(backend.server)
            .get('/api/scorecards/summary?owner=group:default/recsys-ml')
            .set(as(OWNER))
        ).body.summaries[0];
      const before = await summaryOf();
      entities = entities.map(e =>
        e.metadata.name === 'ranker'
          ? { ...e, metadata: { ...e.metadata, description: '' } }
          : e,
      );
      const res = await request(backend.server)
        .post('/api/scorecards/entities/model/default/ranker/refresh')
        .set(as(OWNER));
      expect(res.body.results[0].level).toBeNull();
      expect(sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: 'group:default/recsys-ml' },
          payload: expect.objectContaining({
            title:
              'ranker dropped from Bronze to no level on ML production readiness',
            link: '/catalog/default/model/ranker',
          }),
        },
      ]);
      // The cached summary shows the refresh at once.
      const after = await summaryOf();
      expect(after.score).toBeLessThan(before.score);
      expect(after.levels.none).toBe((before.levels.none ?? 0) + 1);
    });
  },
);

// The backends a test starts with startScorecards, stopped when it ends.
const startedInThisTest: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const backend of startedInThisTest.splice(0)) await backend.stop();
});

/**
 * A backend whose scheduled tasks run when the test says so, over a catalog
 * the test can change, with every caller allowed. It stops when the test ends.
 */
async function startScorecards(options: {
  databaseId: Parameters<typeof databases.init>[0];
  catalog: () => Entity[];
  config?: object;
  factProviders?: FactProvider[];
}) {
  const sent: any[] = [];
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const knex = await databases.init(options.databaseId);
  const backend = await startScorecardsBackend(knex, {
    config: options.config ?? {},
    features: [
      createScorecardsFactsModule({
        moduleId: 'test-facts',
        factProviders: () => options.factProviders ?? [],
      }),
      catalogServiceOf(
        catalogHiding(options.catalog, {
          name: 'secret-model',
          from: [OUTSIDER, NEWCOMER],
        }),
      ),
      mockServices.scheduler.mock({
        scheduleTask: async task => void tasks.set(task.id, task),
      }).factory,
      notificationsInto(sent),
    ],
  });
  startedInThisTest.push(backend);
  return {
    server: backend.server,
    knex,
    sent,
    tasks,
    /** Runs a scheduled task now, as the scheduler would. */
    run: async (id: string) => {
      const task = tasks.get(id);
      if (!task) throw new Error(`no task ${id}: ${[...tasks.keys()]}`);
      await task.fn(new AbortController().signal);
    },
    get: (url: string) =>
      request(backend.server)
        .get(url)
        .set('Authorization', mockCredentials.user.header(OWNER)),
  };
}

describe.each(databases.eachSupportedId())(
  'scorecards backend with a failing fact provider on %s',
  databaseId => {
    /**
     * A backend grading `mlflow-readiness` with an MLflow fact provider that
     * reports an AUC of `auc` for every model, or fails while `mlflow.down`;
     * `mlflow.graded` names each entity it was asked about.
     */
    async function startOverMlflow(auc: number, catalog: () => Entity[]) {
      const mlflow = { down: false, graded: [] as string[] };
      const backend = await startScorecards({
        databaseId,
        catalog,
        factProviders: [
          {
            id: 'mlflow',
            getFacts: async batch => {
              mlflow.graded.push(...batch.map(e => e.metadata.name));
              if (mlflow.down)
                throw new Error('connect ECONNREFUSED 127.0.0.1:5000');
              return new Map(
                batch.map(e => [stringifyEntityRef(e), { metrics: { auc } }]),
              );
            },
          },
        ],
        config: mlflowReadinessConfig,
      });
      return { backend, mlflow };
    }

    it('grades the checks that read its facts unknown, keeps the level and notifies nobody', async () => {
      const catalog = [group('fraud-ml'), model('fraud-detector', 'fraud-ml')];
      const { backend, mlflow } = await startOverMlflow(0.97, () => catalog);
      const stored = async () =>
        (
          await backend.get(
            '/api/scorecards/entities/model/default/fraud-detector',
          )
        ).body.results[0];
      await backend.run('scorecards:evaluate');
      expect(await stored()).toMatchObject({ level: 'Silver', score: 1 });

      mlflow.down = true;
      await backend.run('scorecards:evaluate');
      const result = await stored();
      expect(result.checks).toEqual([
        { checkId: 'has-description', status: 'pass' },
        {
          checkId: 'mlflow-auc',
          status: 'unknown',
          message: "fact provider 'mlflow' failed during this evaluation",
        },
      ]);
      expect(result).toMatchObject({ level: 'Silver', score: 1 });
      expect(backend.sent).toEqual([]);
    });

    it('neither raises a level during an outage nor reports a drop on recovery', async () => {
      let catalog = [group('fraud-ml'), model('fraud-detector', 'fraud-ml')];
      // An AUC below 0.9: Silver does not hold.
      const { backend, mlflow } = await startOverMlflow(0.5, () => catalog);
      const { graded } = mlflow;
      const stored = async (name: string) =>
        (await backend.get(`/api/scorecards/entities/model/default/${name}`))
          .body.results[0];
      const levels: string[] = [];
      const record = async () =>
        levels.push((await stored('fraud-detector')).level);

      await backend.run('scorecards:evaluate');
      await record();

      // MLflow goes down: the unknown AUC check keeps its last known
      // status (fail), so the model stays Bronze.
      mlflow.down = true;
      await backend.run('scorecards:evaluate');
      await record();
      expect((await stored('fraud-detector')).checks[1].status).toBe('unknown');
      // Its version is not recorded: the incremental pass tries it again.
      graded.length = 0;
      await backend.run('scorecards:incremental');
      expect(graded).toEqual(['fraud-detector']);
      await record();
      // A second pass of the outage has no last known status any more in
      // the stored result: the level still does not rise.
      await backend.run('scorecards:evaluate');
      await record();
      // A model added during the outage has no previous result: its
      // unknown check does not count against it.
      catalog = [...catalog, model('new-model', 'fraud-ml')];
      await backend.run('scorecards:incremental');
      expect((await stored('new-model')).level).toBe('Silver');

      // MLflow is back: the incremental pass grades both again.
      mlflow.down = false;
      graded.length = 0;
      await backend.run('scorecards:incremental');
      expect(graded.sort()).toEqual(['fraud-detector', 'new-model']);
      await record();
      expect(await stored('new-model')).toMatchObject({
        level: 'Bronze',
        score: 0.5,
      });
      expect(levels).toEqual([
        'Bronze',
        'Bronze',
        'Bronze',
        'Bronze',
        'Bronze',
      ]);
      // Nothing dropped for real: nobody is told anything.
      expect(backend.sent).toEqual([]);
      // Graded for good: nothing left to retry.
      graded.length = 0;
      await backend.run('scorecards:incremental');
      expect(graded).toEqual([]);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'scorecards summaries of a system on %s',
  databaseId => {
    it("draws the system's trend from its own entities only", async () => {
      const catalog = [
        group('fraud-ml'),
        model('fraud-detector', 'fraud-ml', {
          system: 'fraud-detection',
          card: { intendedUse: 'x', limitations: 'y', evaluationData: 'z' },
        }),
        model('merchant-risk', 'fraud-ml', { system: 'fraud-detection' }),
        model('ranker', 'fraud-ml', {
          system: 'recommendations',
          description: '',
          license: undefined,
        }),
      ];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
      });
      await backend.run('scorecards:evaluate');
      const system = await backend.get(
        '/api/scorecards/summary?system=system:default/fraud-detection',
      );
      const [summary] = system.body.summaries;
      expect(summary.entities).toBe(2);
      // One day of history: the trend is that day's mean, the summary's
      // (PostgreSQL stores scores as 4-byte floats, hence the rounding).
      expect(system.body.trend).toEqual([
        {
          day: expect.any(String),
          scorecardId: 'ml-production-readiness',
          score: expect.closeTo(summary.score, 6),
        },
      ]);
      const all = await backend.get('/api/scorecards/summary');
      expect(all.body.trend[0].score).not.toBeCloseTo(summary.score, 2);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'scorecards of deleted entities on %s',
  databaseId => {
    it("drop out of the owner's summary and results after the next evaluation", async () => {
      let catalog = [
        group('fraud-ml'),
        group('recsys-ml'),
        model('fraud-detector', 'fraud-ml'),
        model('retired-model', 'fraud-ml'),
        model('handed-over', 'fraud-ml'),
      ];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
      });
      const summary = async (owner: string) =>
        (await backend.get(`/api/scorecards/summary?owner=${owner}`)).body
          .summaries[0]?.entities ?? 0;
      const results = async (owner: string) =>
        (
          await backend.get(`/api/scorecards/results?owner=${owner}`)
        ).body.results
          .map((r: any) => r.entityRef)
          .sort();
      await backend.run('scorecards:evaluate');
      expect(await summary('group:default/fraud-ml')).toBe(3);

      catalog = [
        group('fraud-ml'),
        group('recsys-ml'),
        model('fraud-detector', 'fraud-ml'),
        model('handed-over', 'recsys-ml'),
      ];
      await backend.run('scorecards:evaluate');
      // Summaries are cached for a minute: ask for a query not asked yet.
      expect(await summary('group:default/fraud-ml&days=30')).toBe(1);
      expect(await results('group:default/fraud-ml')).toEqual([
        'model:default/fraud-detector',
      ]);
      expect(await results('group:default/recsys-ml')).toEqual([
        'model:default/handed-over',
      ]);
      expect(
        (
          await backend.get(
            '/api/scorecards/entities/model/default/retired-model',
          )
        ).status,
      ).toBe(404);
      expect(
        (await backend.get('/api/scorecards/summary?days=30')).body.summaries[0]
          .entities,
      ).toBe(2);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'scorecards of new and changed entities on %s',
  databaseId => {
    const versioned = (e: Entity, etag: string): Entity => ({
      ...e,
      metadata: { ...e.metadata, etag },
    });

    it('are graded by the incremental pass, which leaves the others alone', async () => {
      let catalog = [
        versioned(group('fraud-ml'), 'g1'),
        versioned(model('fraud-detector', 'fraud-ml'), 'f1'),
        versioned(model('ranker', 'fraud-ml'), 'r1'),
      ];
      const graded: string[] = [];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
        factProviders: [
          {
            id: 'counting',
            getFacts: async batch => {
              graded.push(...batch.map(e => e.metadata.name));
              return new Map();
            },
          },
        ],
      });
      // A second task, one runner across replicas, every 20 s by default.
      expect(backend.tasks.get('scorecards:incremental')).toMatchObject({
        scope: 'global',
        frequency: { seconds: 20 },
      });
      expect(backend.tasks.get('scorecards:evaluate')).toMatchObject({
        scope: 'global',
        frequency: { minutes: 30 },
        timeout: { minutes: 15 },
      });
      await backend.run('scorecards:evaluate');
      expect(graded.sort()).toEqual(['fraud-detector', 'ranker']);

      graded.length = 0;
      catalog = [
        ...catalog.filter(e => e.metadata.name !== 'fraud-detector'),
        versioned(
          model('fraud-detector', 'fraud-ml', { license: undefined }),
          'f2',
        ),
        versioned(model('new-model', 'fraud-ml'), 'n1'),
      ];
      const level = async (name: string) =>
        (await backend.get(`/api/scorecards/entities/model/default/${name}`))
          .body.results[0]?.level;
      expect(await level('new-model')).toBeUndefined();
      expect(await level('fraud-detector')).toBe('Bronze');

      await backend.run('scorecards:incremental');
      expect(graded).toEqual(['fraud-detector', 'new-model']);
      expect(await level('new-model')).toBe('Bronze');
      // model-license-declared is a Bronze check.
      expect(await level('fraud-detector')).toBeNull();

      graded.length = 0;
      await backend.run('scorecards:incremental');
      expect(graded).toEqual([]);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'scorecards of kinds the checks never look up on %s',
  databaseId => {
    it('are graded by the full pass and kept by the incremental pass', async () => {
      const api = (name: string, description?: string): Entity => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'API',
        metadata: { name, namespace: 'default', description, etag: name },
        spec: { type: 'openapi', owner: 'group:default/fraud-ml' },
        relations: [{ type: 'ownedBy', targetRef: 'group:default/fraud-ml' }],
      });
      const catalog = [
        group('fraud-ml'),
        api('scoring-api', 'Scores transactions'),
        api('internal-api'),
        {
          ...api('feature-store', 'Online features'),
          kind: 'Resource',
          spec: { type: 'database', owner: 'group:default/fraud-ml' },
        },
        // Enough others that the interfaces are a minority of the catalog
        // (the incremental pass removes no majority of it).
        ...['fraud-detector', 'ranker', 'churn'].map(n => model(n, 'fraud-ml')),
      ];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
        config: {
          scorecards: {
            definitions: [
              {
                id: 'interfaces',
                title: 'Interfaces described',
                // Kinds outside the lookups of the built-in checks.
                filter: { kind: { $in: ['api', 'Resource'] } },
                levels: [{ name: 'Described', checks: ['has-description'] }],
              },
            ],
          },
        },
      });
      const results = async () =>
        (await backend.get('/api/scorecards/results')).body.results
          .map((r: any) => `${r.entityRef} ${r.level}`)
          .sort();
      const graded = [
        'api:default/internal-api null',
        'api:default/scoring-api Described',
        'resource:default/feature-store Described',
      ];
      await backend.run('scorecards:evaluate');
      expect(await results()).toEqual(graded);

      const refreshed = await request(backend.server)
        .post('/api/scorecards/entities/api/default/scoring-api/refresh')
        .set('Authorization', mockCredentials.user.header(OWNER));
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.results).toHaveLength(1);
      // Nothing changed: the incremental pass keeps every result.
      await backend.run('scorecards:incremental');
      expect(await results()).toEqual(graded);
      await backend.run('scorecards:evaluate');
      expect(await results()).toEqual(graded);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'scorecards schedules on %s',
  databaseId => {
    it('come from config, each task its own', async () => {
      const backend = await startScorecards({
        databaseId,
        catalog: () => [],
        config: {
          scorecards: {
            schedule: { frequency: { hours: 2 }, timeout: { minutes: 40 } },
            incremental: {
              schedule: { frequency: { seconds: 45 }, timeout: { minutes: 1 } },
            },
          },
        },
      });
      expect(backend.tasks.get('scorecards:evaluate')).toMatchObject({
        scope: 'global',
        frequency: { hours: 2 },
        timeout: { minutes: 40 },
      });
      expect(backend.tasks.get('scorecards:incremental')).toMatchObject({
        scope: 'global',
        frequency: { seconds: 45 },
        timeout: { minutes: 1 },
      });
    });
  },
);

describe.each(databases.eachSupportedId())(
  'summary caching on %s',
  databaseId => {
    it('caches summaries of known owners under one key per owner, and never those of unknown owners', async () => {
      const catalog = [
        group('fraud-ml'),
        model('fraud-detector', 'fraud-ml'),
        // Owned by a group the catalog does not have.
        model('orphan', 'ghost'),
      ];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
      });
      const summary = async (owner: string) => {
        const res = await backend.get(
          `/api/scorecards/summary?owner=${encodeURIComponent(owner)}`,
        );
        expect(res.status).toBe(200);
        return { etag: res.headers.etag, ...res.body.summaries[0] };
      };
      await backend.run('scorecards:evaluate');
      const known = await summary('group:default/fraud-ml');
      expect(known.levels).toEqual({ Bronze: 1 });
      expect((await summary('ghost')).entities).toBe(1);

      // Another replica's pass changes the stored results: this replica is
      // not told, so its cached summary still shows the past.
      await backend
        .knex('scorecard_results')
        .where('entity_ref', 'model:default/fraud-detector')
        .update({ level: null });
      await backend
        .knex('scorecard_results')
        .where('entity_ref', 'model:default/orphan')
        .delete();
      // Another spelling of the same owner is the same cached answer.
      for (const spelling of ['fraud-ml', 'Group:default/FRAUD-ML']) {
        const again = await summary(spelling);
        expect(again.levels).toEqual({ Bronze: 1 });
        expect(again.etag).toBe(known.etag);
      }
      // The unknown owner's summary was not cached: it is computed afresh.
      expect((await summary('group:default/ghost')).entities).toBeUndefined();
    });

    it("shows at once a grade that this replica's passes changed", async () => {
      const versioned = (e: Entity, etag: string): Entity => ({
        ...e,
        metadata: { ...e.metadata, etag },
      });
      let catalog = [
        versioned(group('fraud-ml'), 'g1'),
        versioned(model('fraud-detector', 'fraud-ml'), 'f1'),
        versioned(model('ranker', 'fraud-ml'), 'r1'),
      ];
      const backend = await startScorecards({
        databaseId,
        catalog: () => catalog,
      });
      const levels = async () =>
        (await backend.get('/api/scorecards/summary?owner=fraud-ml')).body
          .summaries[0]?.levels;
      const batchLevels = async () =>
        (
          await request(backend.server)
            .post('/api/scorecards/summaries/by-owners')
            .set('Authorization', mockCredentials.user.header(OWNER))
            .send({ owners: ['fraud-ml'] })
        ).body.items[0].summaries[0]?.levels;
      await backend.run('scorecards:evaluate');
      expect(await levels()).toEqual({ Bronze: 2 });
      expect(await batchLevels()).toEqual({ Bronze: 2 });

      // The incremental pass grades the changed model: no level any more.
      catalog = [
        ...catalog.filter(e => e.metadata.name !== 'fraud-detector'),
        versioned(
          model('fraud-detector', 'fraud-ml', { license: undefined }),
          'f2',
        ),
      ];
      await backend.run('scorecards:incremental');
      expect(await levels()).toEqual({ Bronze: 1, none: 1 });
      expect(await batchLevels()).toEqual({ Bronze: 1, none: 1 });

      // The full pass removes the results of a model gone from the catalog.
      catalog = catalog.filter(e => e.metadata.name !== 'ranker');
      await backend.run('scorecards:evaluate');
      expect(await levels()).toEqual({ none: 1 });
      expect(await batchLevels()).toEqual({ none: 1 });
    });
  },
);
