import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  notificationsInto,
  backendForTheseTests,
  startScorecardsBackend,
} from '../__testUtils__/backend';
import { testDatabases } from '../__testUtils__/databases';

const databases = testDatabases();
const OWNER = 'user:default/mei';

/** Bad input answers 400 (or 404 for what cannot exist) naming the parameter, never 500. */
describe.each(databases.eachSupportedId())(
  'scorecards routes with bad input on %s',
  databaseId => {
    const backend = backendForTheseTests(async () =>
      startScorecardsBackend(await databases.init(databaseId), {
        features: [
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'convergence.dev/v1alpha1',
                kind: 'Model',
                metadata: { name: 'fraud-detector', namespace: 'default' },
                spec: { owner: 'group:default/fraud-ml' },
                relations: [
                  { type: 'ownedBy', targetRef: 'group:default/fraud-ml' },
                ],
              },
            ],
          }),
          notificationsInto(),
        ],
      }),
    );

    const get = (url: string) =>
      request(backend.server)
        .get(`/api/scorecards${url}`)
        .set('Authorization', mockCredentials.user.header(OWNER));

    it.each([
      ['/summary?days=0', /^days: /],
      ['/summary?days=abc', /^days: /],
      ['/summary?days=1e309', /^days: /],
      ['/summary?days=1&days=2', /^days: /],
      ['/summary?days[]=1', /^days: must be given once, as one value$/],
      ['/summary?days=0x10', /^days: must be a whole number/],
      ['/summary?days=%207', /^days: must be a whole number/],
      ['/summary?days=5e1', /^days: must be a whole number/],
      ['/results?owner[]=fraud-ml', /^owner: must be given once/],
      ['/summary?owner=a&owner=b', /^owner: /],
      ['/summary?owner[kind]=group', /^owner: /],
      ['/summary?owner=group:default/', /^owner: /],
      ['/summary?owner=%00', /^owner: /],
      ['/summary?system=a%20b', /^system: /],
      ['/results?days=-1', /^days: /],
      ['/results?owner=group:default/x%00y', /^owner: /],
      ['/entities/model/default/fraud-detector/history?days=731', /^days: /],
    ])('answers 400 to %s, naming the parameter', async (url, message) => {
      const res = await get(url);
      expect([res.status, res.body.error?.name]).toEqual([400, 'InputError']);
      expect(res.body.error.message).toMatch(message);
    });

    it('reads a team written without kind or namespace as a group in default', async () => {
      const res = await get('/summary?owner=fraud-ml&days=7');
      expect(res.status).toBe(200);
      expect(res.body.owners).toEqual(['group:default/fraud-ml']);
    });

    it('reads days given empty as not given (the default, 90)', async () => {
      const empty = await get('/summary?owner=fraud-ml&days=');
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual(
        (await get('/summary?owner=fraud-ml&days=90')).body,
      );
    });

    it.each([
      '/entities/model/default/%00',
      '/entities/model/default/a%2Fb',
      `/entities/model/default/${'a'.repeat(300)}`,
      '/entities/mo%20del/default/fraud-detector/history',
      '/entities/model/de%27fault/fraud-detector/exemptions',
    ])('answers 404 for an entity that cannot exist: %s', async url => {
      const res = await get(url);
      expect([res.status, res.body.error?.name]).toEqual([
        404,
        'NotFoundError',
      ]);
    });

    it('answers 404 to revoking an exemption whose id is no UUID', async () => {
      for (const id of ['x', '%00', "1'; drop table x", 'a'.repeat(300)]) {
        const res = await request(backend.server)
          .delete(`/api/scorecards/exemptions/${id}`)
          .set('Authorization', mockCredentials.user.header(OWNER));
        expect([id, res.status]).toEqual([id, 404]);
      }
    });

    it('refuses an exemption reason the database cannot store, naming it', async () => {
      const res = await request(backend.server)
        .post(
          '/api/scorecards/entities/model/default/fraud-detector/exemptions',
        )
        .set('Authorization', mockCredentials.user.header(OWNER))
        .send({
          checkId: 'model-monitoring-link',
          reason: 'batch\u0000model',
          expiresAt: '2099-01-01T00:00:00Z',
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^reason: /);
    });

    it('names each malformed entity ref in a batch', async () => {
      const res = await request(backend.server)
        .post('/api/scorecards/results/by-refs')
        .set('Authorization', mockCredentials.user.header(OWNER))
        .send({
          entityRefs: ['model:default/fraud-detector', 'fraud\u0000', ':/'],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^entityRefs\.1: .*entityRefs\.2: /,
      );
    });

    it.each([
      [undefined, /^owners: /],
      [{}, /^owners: /],
      [[], /^body: /],
      [[{ owners: ['fraud-ml'] }], /^body: /],
      [{ owners: 'fraud-ml' }, /^owners: must be a list of group refs/],
      [{ owners: [] }, /^owners: must name at least one owner/],
      [
        { owners: Array.from({ length: 101 }, (_, i) => `team-${i}`) },
        /^owners: must name at most 100 owners/,
      ],
      [{ owners: ['fraud-ml', 'a\u0000b', 7] }, /^owners\.1: .*owners\.2: /],
      [{ owners: ['group:default/'] }, /^owners\.0: /],
      [{ owners: ['fraud-ml'], days: 0 }, /^days: must be a whole number/],
      [{ owners: ['fraud-ml'], days: 731 }, /^days: /],
      [{ owners: ['fraud-ml'], days: 1.5 }, /^days: /],
      [{ owners: ['fraud-ml'], days: '30' }, /^days: /],
      [{ owners: ['fraud-ml'], days: null }, /^days: /],
    ])(
      'answers 400 to the batch summary body %j, naming the field',
      async (body, message) => {
        const req = request(backend.server)
          .post('/api/scorecards/summaries/by-owners')
          .set('Authorization', mockCredentials.user.header(OWNER));
        const res = await (body === undefined ? req : req.send(body as object));
        expect([res.status, res.body.error?.name]).toEqual([400, 'InputError']);
        expect(res.body.error.message).toMatch(message);
      },
    );

    it('answers 400 to a body that is not JSON', async () => {
      for (const [path, body] of [
        ['/api/scorecards/results/by-refs', '{"entityRefs":'],
        ['/api/scorecards/summaries/by-owners', '{"owners":'],
      ]) {
        const res = await request(backend.server)
          .post(path)
          .set('Authorization', mockCredentials.user.header(OWNER))
          .set('Content-Type', 'application/json')
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
      }
    });
  },
);
