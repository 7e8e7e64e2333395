import { testDatabases } from '../__testUtils__/databases';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  expectUnauthorizedWithoutCredentials,
  asUser,
  portalHidingSecretModel,
  gradeModels,
  backendForTheseTests,
  startScorecardsBackend,
} from '../__testUtils__/backend';
import { group, model } from '../__testUtils__/entities';

const OWNER = 'user:default/mei'; // may read everything, may refresh
const OUTSIDER = 'user:default/sofia'; // may not read secret-model

const CARD = { intendedUse: 'x', limitations: 'y', evaluationData: 'z' };

const databases = testDatabases();

describe.each(databases.eachSupportedId())(
  'per-check history routes on %s',
  databaseId => {
    let entities: Entity[];

    const backend = backendForTheseTests(async () => {
      entities = [
        group('product-ml', ['fraud-ml']),
        group('fraud-ml'),
        group('recsys-ml'),
        model('fraud-detector', 'fraud-ml', { card: CARD }),
        model('secret-model', 'fraud-ml', { card: CARD }),
        model('ranker', 'recsys-ml'),
        model('o.brien_v2', 'recsys-ml', { card: CARD }),
      ];
      return startScorecardsBackend(await databases.init(databaseId), {
        graded: {
          by: OWNER,
          models: ['fraud-detector', 'secret-model', 'ranker', 'o.brien_v2'],
        },
        features: portalHidingSecretModel(() => entities, {
          allowed: [OWNER],
          conditional: [OUTSIDER],
        }),
      });
    });

    const refresh = async (name: string) =>
      (await gradeModels(backend.server, OWNER, [name]))[0];
    const trendOf = (user: string, query: string) =>
      request(backend.server)
        .get(`/api/scorecards/checks/model-card-complete/trend?${query}`)
        .set(asUser(user));

    it('answers 401 without credentials', async () => {
      const routes = [
        [
          'get',
          '/api/scorecards/checks/model-card-complete/trend?scorecardId=ml-production-readiness',
        ],
        [
          'get',
          '/api/scorecards/entities/model/default/fraud-detector/check-changes',
        ],
      ] as const;
      await expectUnauthorizedWithoutCredentials(backend.server, routes);
    });

    it('answers 404 for an unknown check, whatever the query', async () => {
      for (const checkId of ['no-such-check', "o'brien.ü", 'a\\b']) {
        const res = await request(backend.server)
          .get(`/api/scorecards/checks/${encodeURIComponent(checkId)}/trend`)
          .set(asUser(OWNER));
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
        [
          'scorecardId=ml-production-readiness&days[]=7',
          'days: must be given once, as one value',
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
      const service = await request(backend.server)
        .get(
          '/api/scorecards/checks/model-card-complete/trend?scorecardId=ml-production-readiness&owner=group:default/recsys-ml&days=7',
        )
        .set('Authorization', mockCredentials.service.header());
      expect(service.body.points).toEqual([
        { day: today, passRate: 1 / 2, entities: 2 },
      ]);
    });

    it("answers when each of an entity's checks took its status, and 404 for an entity the caller may not read", async () => {
      const before = await request(backend.server)
        .get('/api/scorecards/entities/model/default/o.brien_v2/check-changes')
        .set(asUser(OUTSIDER));
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
      const after = await request(backend.server)
        .get('/api/scorecards/entities/model/default/o.brien_v2/check-changes')
        .set(asUser(OWNER));
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

      for (const [user, url, status] of [
        [OUTSIDER, '/api/scorecards/entities/model/default/secret-model', 404],
        [OWNER, '/api/scorecards/entities/model/default/secret-model', 200],
        [OWNER, '/api/scorecards/entities/model/default/nobody', 404],
        [OWNER, "/api/scorecards/entities/model/default/o'brien", 404],
      ] as const) {
        const res = await request(backend.server)
          .get(`${url}/check-changes`)
          .set(asUser(user));
        expect([user, url, res.status]).toEqual([user, url, status]);
      }
    });
  },
);
