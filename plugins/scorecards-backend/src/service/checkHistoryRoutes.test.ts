import {
  createTestDatabases,
  postgresPresentWhenRequired,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { scheduledPassAfterTheTestConfig } from '../__testUtils__/config';
import { group } from '../__testUtils__/entities';
import { scorecardsPlugin } from '../plugin';

const OWNER = 'user:default/mei'; // may read everything, may refresh
const OUTSIDER = 'user:default/sofia'; // may not read secret-model

const CARD = { intendedUse: 'x', limitations: 'y', evaluationData: 'z' };
const model = (name: string, owner: string, spec: object = {}): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default', description: `${name} model` },
  spec: {
    type: 'classification',
    lifecycle: 'experimental',
    owner: `group:default/${owner}`,
    license: 'MIT',
    ...spec,
  },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

/** An in-memory catalog that hides secret-model from OUTSIDER, as a read permission would. */
function catalogFor(all: () => Entity[]) {
  const mock = (credentials: any) =>
    catalogServiceMock({
      entities: all().filter(
        e =>
          !(
            credentials?.principal?.userEntityRef === OUTSIDER &&
            e.metadata.name === 'secret-model'
          ),
      ),
    });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () =>
      ({
        getEntityByRef: (ref: any, opts: any) =>
          mock(opts.credentials).getEntityByRef(ref, opts),
        getEntitiesByRefs: (req: any, opts: any) =>
          mock(opts.credentials).getEntitiesByRefs(req, opts),
        streamEntities: (req: any, opts: any) =>
          mock(opts.credentials).streamEntities(req, opts),
        queryEntities: (req: any, opts: any) =>
          mock(opts.credentials).queryEntities(req, opts),
      } as any),
  });
}

const databases = createTestDatabases();

it('runs on PostgreSQL whenever the test command provides it', () => {
  expect(postgresPresentWhenRequired(databases)).toBe(true);
});

describe.each(databases.eachSupportedId())(
  'per-check history routes on %s',
  databaseId => {
    let server: any;
    let stop: () => Promise<void>;
    let entities: Entity[];

    const as = (user: string) => ({
      Authorization: mockCredentials.user.header(user),
    });
    const refresh = async (name: string) => {
      const res = await request(server)
        .post(`/api/scorecards/entities/model/default/${name}/refresh`)
        .set(as(OWNER));
      if (res.status !== 200)
        throw new Error(JSON.stringify(res.body).slice(0, 800));
      return res.body;
    };
    const trendOf = (user: string, query: string) =>
      request(server)
        .get(`/api/scorecards/checks/model-card-complete/trend?${query}`)
        .set(as(user));

    beforeAll(async () => {
      entities = [
        group('product-ml', ['fraud-ml']),
        group('fraud-ml'),
        group('recsys-ml'),
        model('fraud-detector', 'fraud-ml', { card: CARD }),
        model('secret-model', 'fraud-ml', { card: CARD }),
        model('ranker', 'recsys-ml'),
        model('o.brien_v2', 'recsys-ml', { card: CARD }),
      ];
      const knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          mockServices.database.factory({ knex }),
          scorecardsPlugin,
          catalogFor(() => entities),
          mockServices.rootConfig.factory({
            data: scheduledPassAfterTheTestConfig,
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
          mockServices.permissions.mock({
            authorize: async (requests: any[], { credentials }: any) =>
              requests.map(() => ({
                result:
                  credentials.principal.userEntityRef === OWNER
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              })),
            authorizeConditional: async (
              requests: any[],
              { credentials }: any,
            ) =>
              requests.map(() =>
                credentials.principal.userEntityRef === OUTSIDER
                  ? {
                      result: AuthorizeResult.CONDITIONAL,
                      pluginId: 'catalog',
                      resourceType: 'catalog-entity',
                      conditions: {} as any,
                    }
                  : { result: AuthorizeResult.ALLOW },
              ),
          }).factory,
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      for (const name of [
        'fraud-detector',
        'secret-model',
        'ranker',
        'o.brien_v2',
      ])
        await refresh(name);
    });

    afterAll(() => stop());

    it('answers 401 without credentials', async () => {
      const none = { Authorization: mockCredentials.none.header() };
      for (const url of [
        '/api/scorecards/checks/model-card-complete/trend?scorecardId=ml-production-readiness',
        '/api/scorecards/entities/model/default/fraud-detector/check-changes',
      ]) {
        const res = await request(server).get(url).set(none);
        expect([url, res.status]).toEqual([url, 401]);
      }
    });

    it('answers 404 for an unknown check, whatever the query', async () => {
      for (const checkId of ['no-such-check', "o'brien.ü", 'a\\b']) {
        const res = await request(server)
          .get(`/api/scorecards/checks/${encodeURIComponent(checkId)}/trend`)
          .set(as(OWNER));
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({
          name: 'NotFoundError',
          message: `No check '${checkId}'`,
        });
      }
    });

    it('answers 400 naming scorecardId when it is missing or does not grade the check, and days when out of range', async () => {
      for (const [query, message] of [
        ['', 'scorecardId: is required'],
        ['scorecardId=', 'scorecardId: is required'],
        ['scorecardId=nope', "scorecardId: unknown scorecard 'nope'"],
        [
          'scorecardId=ml-service-readiness',
          "scorecardId: scorecard 'ml-service-readiness' has no check 'model-card-complete'",
        ],
        [
          'scorecardId=ml-production-readiness&days=0',
          'days: must be a whole number of days from 1 to 730',
        ],
        [
          'scorecardId=ml-production-readiness&owner=not%20a%20ref%3A%3A',
          'owner: not a valid entity reference, e.g. group:default/name',
        ],
      ]) {
        const res = await trendOf(OWNER, query);
        expect([query, res.status, res.body.error?.message]).toEqual([
          query,
          400,
          message,
        ]);
      }
    });

    it("draws the check's pass rate over what the caller may read", async () => {
      const today = new Date().toISOString().slice(0, 10);
      // Everything: three of four models have a complete card.
      const all = await trendOf(OWNER, 'scorecardId=ml-production-readiness');
      expect(all.status).toBe(200);
      expect(all.body).toEqual({
        scorecardId: 'ml-production-readiness',
        checkId: 'model-card-complete',
        points: [{ day: today, passRate: 3 / 4, entities: 4 }],
      });
      // The outsider does not count secret-model.
      const theirs = await trendOf(
        OUTSIDER,
        'scorecardId=ml-production-readiness',
      );
      expect(theirs.body.points).toEqual([
        { day: today, passRate: 2 / 3, entities: 3 },
      ]);
      // A parent team's tree, for both.
      const tree = 'scorecardId=ml-production-readiness&owner=product-ml';
      const mine = await trendOf(OWNER, tree);
      expect(mine.body.owners.sort()).toEqual([
        'group:default/fraud-ml',
        'group:default/product-ml',
      ]);
      expect(mine.body.points).toEqual([
        { day: today, passRate: 1, entities: 2 },
      ]);
      expect((await trendOf(OUTSIDER, tree)).body.points).toEqual([
        { day: today, passRate: 1, entities: 1 },
      ]);
      // A service may read everything.
      const service = await request(server)
        .get(
          '/api/scorecards/checks/model-card-complete/trend?scorecardId=ml-production-readiness&owner=group:default/recsys-ml&days=7',
        )
        .set('Authorization', mockCredentials.service.header());
      expect(service.body.points).toEqual([
        { day: today, passRate: 1 / 2, entities: 2 },
      ]);
    });

    it("answers when each of an entity's checks took its status, and 404 for an entity the caller may not read", async () => {
      const before = await request(server)
        .get('/api/scorecards/entities/model/default/o.brien_v2/check-changes')
        .set(as(OUTSIDER));
      expect(before.status).toBe(200);
      expect(before.body.entityRef).toBe('model:default/o.brien_v2');
      const sinceOf = (body: any, checkId: string) =>
        body.changes.find((c: any) => c.checkId === checkId);
      const graded = sinceOf(before.body, 'model-card-complete');
      expect(graded).toMatchObject({
        scorecardId: 'ml-production-readiness',
        status: 'pass',
      });
      expect(sinceOf(before.body, 'has-description').status).toBe('pass');
      // Its card loses a field: that check changes, the others keep their time.
      entities = entities.map(e =>
        e.metadata.name === 'o.brien_v2'
          ? { ...e, spec: { ...e.spec, card: { intendedUse: 'x' } } }
          : e,
      );
      const { results } = await refresh('o.brien_v2');
      const after = await request(server)
        .get('/api/scorecards/entities/model/default/o.brien_v2/check-changes')
        .set(as(OWNER));
      expect(sinceOf(after.body, 'model-card-complete')).toEqual({
        scorecardId: 'ml-production-readiness',
        checkId: 'model-card-complete',
        status: 'fail',
        since: results[0].evaluatedAt,
      });
      expect(sinceOf(after.body, 'has-description')).toEqual(
        sinceOf(before.body, 'has-description'),
      );
      // The trend counts its last status of the day.
      expect(
        (await trendOf(OWNER, 'scorecardId=ml-production-readiness')).body
          .points,
      ).toEqual([
        {
          day: new Date().toISOString().slice(0, 10),
          passRate: 2 / 4,
          entities: 4,
        },
      ]);

      for (const [user, url] of [
        [OUTSIDER, '/api/scorecards/entities/model/default/secret-model'],
        [OWNER, '/api/scorecards/entities/model/default/nobody'],
        [OWNER, "/api/scorecards/entities/model/default/o'brien"],
      ]) {
        const res = await request(server)
          .get(`${url}/check-changes`)
          .set(as(user));
        expect([url, res.status]).toEqual([url, 404]);
      }
      expect(
        (
          await request(server)
            .get(
              '/api/scorecards/entities/model/default/secret-model/check-changes',
            )
            .set(as(OWNER))
        ).status,
      ).toBe(200);
    });
  },
);
