import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  portalHidingSecretModel,
  backendForTheseTests,
  startScorecardsBackend,
} from '../__testUtils__/backend';
import { testDatabases } from '../__testUtils__/databases';
import { scheduledPassAfterTheTestConfig } from '../__testUtils__/config';
import { group, model } from '../__testUtils__/entities';

const OWNER = 'user:default/mei'; // may act on every entity
const OUTSIDER = 'user:default/sofia'; // may not read secret-model, may not act

/** Models without a licence: the exemption below is for model-license-declared. */
const unlicensed = (name: string, owner: string) =>
  model(name, owner, { license: undefined });

const entities = [
  group('ml-platform', ['fraud-ml']),
  group('fraud-ml'),
  unlicensed('fraud-detector', 'fraud-ml'),
  unlicensed('secret-model', 'fraud-ml'),
  unlicensed('ranker', 'ml-platform'),
];

const databases = testDatabases();

/**
 * The actions as an MCP client reaches them: over the plugin's actions
 * endpoint, with the caller's token; each answers what its REST route
 * answers the same caller.
 */
describe.each(databases.eachSupportedId())(
  'scorecards actions over HTTP on %s',
  databaseId => {
    const backend = backendForTheseTests(async () => {
      return startScorecardsBackend(await databases.init(databaseId), {
        graded: {
          by: OWNER,
          models: ['fraud-detector', 'secret-model', 'ranker'],
        },
        config: {
          ...scheduledPassAfterTheTestConfig,
          backend: { actions: { pluginSources: ['scorecards'] } },
        },
        features: portalHidingSecretModel(entities, {
          allowed: [OWNER],
          conditional: [OUTSIDER],
        }),
      });
    });

    const rest = (user: string, url: string) =>
      request(backend.server)
        .get(`/api/scorecards${url}`)
        .set('Authorization', mockCredentials.user.header(user));
    const invoke = (name: string, input: object, authorization?: string) => {
      const req = request(backend.server).post(
        `/api/scorecards/.backstage/actions/v1/actions/scorecards:${name}/invoke`,
      );
      return (authorization ? req.set('Authorization', authorization) : req)
        .set('Content-Type', 'application/json')
        .send(input);
    };
    const invokeAs = (user: string, name: string, input: object) =>
      invoke(name, input, mockCredentials.user.header(user));

    it('lists the five actions under the plugin id', async () => {
      const res = await request(backend.server)
        .get('/api/scorecards/.backstage/actions/v1/actions')
        .set('Authorization', mockCredentials.user.header(OWNER));
      expect(res.status).toBe(200);
      expect(res.body.actions.map((a: any) => a.id).sort()).toEqual([
        'scorecards:get-entity-scorecard',
        'scorecards:get-team-summary',
        'scorecards:refresh-entity-scorecard',
        'scorecards:request-exemption',
        'scorecards:what-to-fix-next',
      ]);
    });

    it('answers what the REST routes answer the same caller', async () => {
      for (const user of [OWNER, OUTSIDER]) {
        const entity = await invokeAs(user, 'get-entity-scorecard', {
          entityRef: 'model:default/fraud-detector',
        });
        expect(entity.status).toBe(200);
        expect(entity.body.output).toEqual(
          (await rest(user, '/entities/model/default/fraud-detector')).body,
        );

        const summary = await invokeAs(user, 'get-team-summary', {
          owner: 'ml-platform',
          days: 30,
        });
        expect(summary.status).toBe(200);
        const route = await rest(
          user,
          '/summary?owner=group:default/ml-platform&days=30',
        );
        expect(summary.body.output).toEqual(route.body);
        // Sub-teams included, unreadable entities left out.
        expect(route.body.summaries[0].entities).toBe(user === OWNER ? 3 : 2);

        // The summary's failing checks, as ranked and counted there.
        const next = await invokeAs(user, 'what-to-fix-next', {
          owner: 'group:default/ml-platform',
          limit: 50,
        });
        expect(next.status).toBe(200);
        expect(
          next.body.output.items.map((i: any) => [
            i.scorecardId,
            i.checkId,
            i.failing,
            i.affects,
          ]),
        ).toEqual(
          route.body.summaries.flatMap((s: any) =>
            s.topFailingChecks.map((c: any) => [
              s.scorecardId,
              c.checkId,
              c.failing,
              c.affects,
            ]),
          ),
        );
        const names = next.body.output.items.flatMap((i: any) => i.entities);
        expect(names.includes('model:default/secret-model')).toBe(
          user === OWNER,
        );
      }
    });

    it('refuses an exemption to a non-owner (403) and records an owner’s, which then shows on the scorecard', async () => {
      const input = {
        entityRef: 'model:default/ranker',
        checkId: 'model-license-declared',
        reason: 'Licence review with legal "ongoing" \\ ✓',
        expiresAt: '2099-01-01T00:00:00Z',
      };
      const refused = await invokeAs(OUTSIDER, 'request-exemption', input);
      expect([refused.status, refused.body.error?.name]).toEqual([
        403,
        'NotAllowedError',
      ]);
      const service = await invoke(
        'request-exemption',
        input,
        mockCredentials.service.header(),
      );
      expect([service.status, service.body.error?.name]).toEqual([
        403,
        'NotAllowedError',
      ]);

      const granted = await invokeAs(OWNER, 'request-exemption', input);
      expect(granted.status).toBe(200);
      const { exemption } = granted.body.output;
      expect(exemption).toMatchObject({
        entityRef: 'model:default/ranker',
        checkId: 'model-license-declared',
        reason: input.reason,
        author: OWNER,
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      const scorecard = await rest(OWNER, '/entities/model/default/ranker');
      expect(scorecard.body.exemptions).toEqual([exemption]);
      // Audited as the REST route audits it.
      const { audit } = (
        await rest(OWNER, '/entities/model/default/ranker/exemptions')
      ).body;
      expect(audit).toEqual([
        expect.objectContaining({
          actor: OWNER,
          action: 'exemption.create',
          checkId: 'model-license-declared',
        }),
      ]);
    });

    it('refreshes as the REST route does, for an owner only', async () => {
      const input = { entityRef: 'model:default/fraud-detector' };
      const refused = await invokeAs(
        OUTSIDER,
        'refresh-entity-scorecard',
        input,
      );
      expect(refused.status).toBe(403);
      const action = await invokeAs(OWNER, 'refresh-entity-scorecard', input);
      expect(action.status).toBe(200);
      const route = await request(backend.server)
        .post('/api/scorecards/entities/model/default/fraud-detector/refresh')
        .set('Authorization', mockCredentials.user.header(OWNER));
      const graded = (body: any) => ({
        ...body,
        results: body.results.map(({ evaluatedAt, ...r }: any) => r),
      });
      expect(graded(action.body.output)).toEqual(graded(route.body));
    });

    it('refuses a call without credentials, and bad input naming the field', async () => {
      const anonymous = await invoke(
        'what-to-fix-next',
        { owner: 'ml-platform' },
        mockCredentials.none.header(),
      );
      expect(anonymous.status).toBe(401);
      const bad = await invokeAs(OWNER, 'what-to-fix-next', {
        owner: 'group:default/',
      });
      expect([bad.status, bad.body.error?.name]).toEqual([400, 'InputError']);
      expect(bad.body.error.message).toMatch(/^owner: /);
    });
  },
);
