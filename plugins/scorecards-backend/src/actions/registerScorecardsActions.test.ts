import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { testDatabases } from '../__testUtils__/databases';
import { catalogHiding, permissionsDeciding } from '../__testUtils__/backend';
import { createTestStore } from '../__testUtils__/store';
import { evaluatorAndQueries } from '../__testUtils__/service';
import { group } from '../__testUtils__/entities';
import { builtinChecks } from '../checks/builtin';
import { readDefinitions } from '../engine/definitions';
import { StoredResult } from '../database/ScorecardStore';
import { registerScorecardsActions } from './registerScorecardsActions';

const databases = testDatabases();

const OWNER = 'user:default/mei'; // may manage fraud-ml's entities
const OUTSIDER = 'user:default/sofia'; // may not read secret-model, may not act

const entity = (kind: string, name: string, owner: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: { type: 'classification', owner: `group:default/${owner}` },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

const entities = [
  group('ml-platform', ['fraud-ml']),
  group('fraud-ml'),
  group('recsys-ml'),
  entity('Model', 'fraud-detector', 'fraud-ml'),
  entity('Model', 'secret-model', 'fraud-ml'),
  entity('Component', 'fraud-api', 'fraud-ml'),
  entity('Model', 'ranker', 'recsys-ml'),
];

/** The catalog as each caller sees it: OUTSIDER does not see secret-model. */
const catalog = catalogHiding(entities, {
  name: 'secret-model',
  from: [OUTSIDER],
});

/** Expects `answer` to be refused as bad input, its message matching `message`. */
const expectInputError = (answer: Promise<unknown>, message: RegExp) =>
  expect(answer).rejects.toMatchObject({
    name: 'InputError',
    message: expect.stringMatching(message),
  });

/** A stored result of the default production-readiness scorecard. */
const result = (
  entityRef: string,
  owner: string,
  failing: string[],
  downstream?: number,
  scorecardId = 'ml-production-readiness',
): StoredResult => ({
  entityRef,
  scorecardId,
  ownerRef: `group:default/${owner}`,
  level: null,
  score: 0.5,
  checks: [
    { checkId: 'owner-is-group', status: 'pass' },
    ...failing.map(checkId => ({
      checkId,
      status: 'fail' as const,
      message: `fails "${checkId}"`,
    })),
  ],
  evaluatedAt: '2026-11-29T10:00:00.000Z',
  downstream,
});

const as = (user: string) => mockCredentials.user(user);

/**
 * Expects the action `name` to refuse `input` to OUTSIDER (its message
 * matching `message`) and to a service principal, as a static external
 * access token is.
 */
async function expectRefusedToOthers(
  invoke: (
    name: string,
    input: object,
    credentials: BackstageCredentials,
  ) => Promise<unknown>,
  name: string,
  input: object,
  message: RegExp,
) {
  await expect(invoke(name, input, as(OUTSIDER))).rejects.toMatchObject({
    name: 'NotAllowedError',
    message: expect.stringMatching(message),
  });
  await expect(
    invoke(name, input, mockCredentials.service('external:mcp-client')),
  ).rejects.toMatchObject({ name: 'NotAllowedError' });
}
const IN_A_YEAR = new Date(Date.now() + 365 * 86400_000).toISOString();

describe.each(databases.eachSupportedId())(
  'scorecards actions on %s',
  databaseId => {
    async function setUp() {
      const { store } = await createTestStore(databases, databaseId);
      const checks = new Map(builtinChecks.map(c => [c.id, c]));
      const scorecards = readDefinitions(
        new ConfigReader({}),
        new Set(checks.keys()),
      );
      // The portal's policy: owners (here OWNER) may act on their entities;
      // OUTSIDER may read the catalog under conditions (not secret-model).
      const permissions = permissionsDeciding({
        allowed: [OWNER],
        conditional: [OUTSIDER],
      });
      const { auth, queries } = evaluatorAndQueries({
        store,
        catalog,
        permissions,
        scorecards,
        checks,
      });
      const registry = actionsRegistryServiceMock();
      registerScorecardsActions({ actionsRegistry: registry, auth, queries });
      await store.saveResults([
        // fraud-detector: seven entities downstream fail with it.
        result(
          'model:default/fraud-detector',
          'fraud-ml',
          ['model-card-complete', 'upstream-not-deprecated'],
          7,
        ),
        result('model:default/secret-model', 'fraud-ml', [
          'model-card-complete',
        ]),
        result('model:default/ranker', 'recsys-ml', ['has-description'], 30),
        result(
          'component:default/fraud-api',
          'fraud-ml',
          ['service-on-call'],
          1,
          'ml-service-readiness',
        ),
      ]);
      const invoke = async (
        name: string,
        input: object,
        credentials: BackstageCredentials = as(OWNER),
      ): Promise<any> =>
        (
          await registry.invoke({
            id: `test:${name}`,
            input: input as any,
            credentials,
          })
        ).output;
      return { registry, queries, store, invoke };
    }

    it('registers five actions, each with its attributes set', async () => {
      const { registry } = await setUp();
      const { actions } = await registry.list();
      expect(
        Object.fromEntries(actions.map(a => [a.name, a.attributes])),
      ).toEqual({
        'get-entity-scorecard': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
        'get-team-summary': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
        'what-to-fix-next': {
          readOnly: true,
          idempotent: true,
          destructive: false,
        },
        'request-exemption': {
          readOnly: false,
          idempotent: false,
          destructive: false,
        },
        'refresh-entity-scorecard': {
          readOnly: false,
          idempotent: true,
          destructive: false,
        },
      });
      const input = (name: string) =>
        actions.find(a => a.name === name)!.schema.input as any;
      expect(input('request-exemption').required.sort()).toEqual([
        'checkId',
        'entityRef',
        'expiresAt',
        'reason',
      ]);
      expect(input('what-to-fix-next').properties.limit).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: 50,
        default: 10,
      });
    });

    describe('get-entity-scorecard', () => {
      it("answers the entity's results and exemptions as the queries do", async () => {
        const { invoke, queries } = await setUp();
        const output = await invoke('get-entity-scorecard', {
          entityRef: 'Model:default/Fraud-Detector',
        });
        expect(output).toEqual(
          await queries.getEntityResults(
            { kind: 'model', namespace: 'default', name: 'fraud-detector' },
            as(OWNER),
          ),
        );
        expect(output.entityRef).toBe('model:default/fraud-detector');
        expect(output.results[0].checks[1]).toEqual({
          checkId: 'model-card-complete',
          status: 'fail',
          message: 'fails "model-card-complete"',
        });
      });

      it('does not find an entity the caller may not read, nor one that does not exist', async () => {
        const { invoke } = await setUp();
        const secret = { entityRef: 'model:default/secret-model' };
        await expect(
          invoke('get-entity-scorecard', secret),
        ).resolves.toMatchObject({ entityRef: secret.entityRef });
        await expect(
          invoke('get-entity-scorecard', secret, as(OUTSIDER)),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: 'No entity model:default/secret-model',
        });
        await expect(
          invoke('get-entity-scorecard', { entityRef: 'model:default/ghost' }),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: 'No entity model:default/ghost',
        });
      });

      it.each(['fraud-detector', 'model:default/', 'model:default/a b', ''])(
        'refuses the ref %j, naming the field',
        async entityRef => {
          const { invoke } = await setUp();
          await expectInputError(
            invoke('get-entity-scorecard', { entityRef }),
            /entityRef/,
          );
        },
      );
    });

    describe('get-team-summary', () => {
      it("rolls a team's summary up over its sub-teams, with the caller's permissions", async () => {
        const { invoke, queries } = await setUp();
        const mine = await invoke('get-team-summary', {
          owner: 'ml-platform',
          days: 30,
        });
        expect(mine).toEqual(
          await queries.getSummary(
            { owner: 'group:default/ml-platform', days: 30 },
            as(OWNER),
          ),
        );
        expect(mine.owners.sort()).toEqual([
          'group:default/fraud-ml',
          'group:default/ml-platform',
        ]);
        const production = (s: any) =>
          s.summaries.find(
            (x: any) => x.scorecardId === 'ml-production-readiness',
          );
        expect(production(mine).entities).toBe(2);
        // secret-model is left out for the outsider.
        const theirs = await invoke(
          'get-team-summary',
          { owner: 'group:default/ml-platform' },
          as(OUTSIDER),
        );
        expect(production(theirs).entities).toBe(1);
      });
    });

    describe('what-to-fix-next', () => {
      it("ranks the team's failing checks across its scorecards by the entities they affect, with why and how to fix", async () => {
        const { invoke, queries } = await setUp();
        const output = await invoke('what-to-fix-next', {
          owner: 'ml-platform',
        });
        const checks = queries.definitions().checks;
        const info = (id: string) => {
          const { title, why, howToFix } = checks.find(c => c.id === id)!;
          return { title, why, howToFix };
        };
        expect(output).toEqual({
          owner: 'group:default/ml-platform',
          items: [
            {
              scorecardId: 'ml-production-readiness',
              checkId: 'model-card-complete',
              ...info('model-card-complete'),
              failing: 2,
              affects: 9,
              entities: [
                'model:default/fraud-detector',
                'model:default/secret-model',
              ],
            },
            {
              scorecardId: 'ml-production-readiness',
              checkId: 'upstream-not-deprecated',
              ...info('upstream-not-deprecated'),
              failing: 1,
              affects: 8,
              entities: ['model:default/fraud-detector'],
            },
            {
              scorecardId: 'ml-service-readiness',
              checkId: 'service-on-call',
              ...info('service-on-call'),
              failing: 1,
              affects: 2,
              entities: ['component:default/fraud-api'],
            },
          ],
        });
        expect(info('model-card-complete').why).not.toBe('');
        // recsys-ml's check is not ml-platform's.
        const limited = await invoke('what-to-fix-next', {
          owner: 'group:default/ml-platform',
          limit: 1,
        });
        expect(limited.items.map((i: any) => i.checkId)).toEqual([
          'model-card-complete',
        ]);
      });

      it("ranks as the team's summary does, and names only entities the caller may read", async () => {
        const { invoke } = await setUp();
        const owner = 'group:default/fraud-ml';
        const output = await invoke(
          'what-to-fix-next',
          { owner, limit: 50 },
          as(OUTSIDER),
        );
        const summary = await invoke(
          'get-team-summary',
          { owner },
          as(OUTSIDER),
        );
        // Ties (8 and 8) go by how many fail, then the summary's order.
        expect(
          output.items.map((i: any) => [i.checkId, i.failing, i.affects]),
        ).toEqual([
          ['model-card-complete', 1, 8],
          ['upstream-not-deprecated', 1, 8],
          ['service-on-call', 1, 2],
        ]);
        expect(
          summary.summaries.flatMap((s: any) =>
            s.topFailingChecks.map((c: any) => [
              c.checkId,
              c.failing,
              c.affects,
            ]),
          ),
        ).toEqual(
          output.items.map((i: any) => [i.checkId, i.failing, i.affects]),
        );
        expect(output.items.flatMap((i: any) => i.entities)).not.toContain(
          'model:default/secret-model',
        );
      });

      it('does not find an owner the catalog does not have', async () => {
        const { invoke } = await setUp();
        await expect(
          invoke('what-to-fix-next', { owner: 'ghost-team' }),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: 'No owner group:default/ghost-team',
        });
      });
    });

    describe('get-team-summary and what-to-fix-next', () => {
      // Both take a team as `owner`.
      type Refusal = [action: string, input: object, message: RegExp];
      const badOwners: Array<[object, RegExp]> = [
        [{ owner: 'group:default/' }, /owner: not a valid entity reference/],
        [{ owner: 'group:default/x y' }, /owner: not a valid entity reference/],
        [{ owner: 'a\u0000b' }, /owner: not a valid entity reference/],
        [{ owner: '' }, /owner/],
        [{}, /owner/],
      ];
      // The values of its bounded field each refuses.
      const bounds: Array<[string, string, number[]]> = [
        ['get-team-summary', 'days', [0, 1.5, 731]],
        ['what-to-fix-next', 'limit', [0, 51, 2.5]],
      ];
      it.each<Refusal>([
        ...['get-team-summary', 'what-to-fix-next'].flatMap(action =>
          badOwners.map(
            ([input, message]): Refusal => [action, input, message],
          ),
        ),
        ...bounds.flatMap(([action, field, values]) =>
          values.map(
            (value): Refusal => [
              action,
              { owner: 'fraud-ml', [field]: value },
              new RegExp(field),
            ],
          ),
        ),
      ])('%s refuses %j, naming the field', async (action, input, message) => {
        const { invoke } = await setUp();
        await expectInputError(invoke(action, input), message);
      });
    });

    describe('request-exemption', () => {
      const input = {
        entityRef: 'model:default/fraud-detector',
        checkId: 'model-card-complete',
        reason: 'Card "v2" lands in Q1 \\ see ticket ÄÖ-12 ✓',
        expiresAt: IN_A_YEAR,
      };

      it("exempts an owner's entity, audited with the owner as author", async () => {
        const { invoke, queries } = await setUp();
        const { exemption } = await invoke('request-exemption', input);
        expect(exemption).toMatchObject({
          entityRef: 'model:default/fraud-detector',
          checkId: 'model-card-complete',
          reason: input.reason,
          author: OWNER,
          expiresAt: IN_A_YEAR,
        });
        const ref = {
          kind: 'model',
          namespace: 'default',
          name: 'fraud-detector',
        };
        const { exemptions, audit } = await queries.getExemptions(
          ref,
          as(OWNER),
        );
        expect(exemptions).toEqual([exemption]);
        expect(audit).toEqual([
          expect.objectContaining({
            actor: OWNER,
            action: 'exemption.create',
            checkId: 'model-card-complete',
          }),
        ]);
        const scorecard = await invoke('get-entity-scorecard', {
          entityRef: input.entityRef,
        });
        expect(scorecard.exemptions).toEqual([exemption]);
      });

      it('refuses a caller who may not manage the entity, and a service', async () => {
        const { invoke, queries } = await setUp();
        await expectRefusedToOthers(
          invoke,
          'request-exemption',
          input,
          /scorecards\.exemption\.manage on model:default\/fraud-detector/,
        );
        const { exemptions } = await queries.getExemptions(
          { kind: 'model', namespace: 'default', name: 'fraud-detector' },
          as(OWNER),
        );
        expect(exemptions).toEqual([]);
      });

      it.each([
        [
          { expiresAt: '2020-01-01T00:00:00Z' },
          /expiresAt: must be in the future/,
        ],
        [{ expiresAt: 'next week' }, /expiresAt/],
        [{ reason: undefined }, /reason/],
        [{ reason: '' }, /reason/],
        [{ reason: 'ok' }, /reason: must say why/],
        // Spaces say nothing.
        [{ reason: '     ' }, /reason: must say why/],
        [{ reason: 'a\u0000b and more' }, /reason: must not contain NUL/],
        [{ checkId: 'nope' }, /checkId: unknown check 'nope'/],
        [{ entityRef: 'fraud-detector' }, /entityRef: not a valid entity/],
      ])('refuses %j, naming the field', async (change, message) => {
        const { invoke } = await setUp();
        await expectInputError(
          invoke('request-exemption', { ...input, ...change }),
          message,
        );
      });

      it('does not find an entity that does not exist, nor one the caller may not read', async () => {
        const { invoke } = await setUp();
        await expect(
          invoke('request-exemption', {
            ...input,
            entityRef: 'model:default/ghost',
          }),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: 'No entity model:default/ghost',
        });
        await expect(
          invoke(
            'request-exemption',
            { ...input, entityRef: 'model:default/secret-model' },
            as(OUTSIDER),
          ),
        ).rejects.toMatchObject({ name: 'NotFoundError' });
      });
    });

    describe('refresh-entity-scorecard', () => {
      it('grades the entity now for an owner and answers its new results', async () => {
        const { invoke, store } = await setUp();
        const output = await invoke('refresh-entity-scorecard', {
          entityRef: 'model:default/fraud-detector',
        });
        expect(output.entityRef).toBe('model:default/fraud-detector');
        expect(output.results).toHaveLength(1);
        // Graded by the real checks: it has no description.
        expect(
          output.results[0].checks.find(
            (c: any) => c.checkId === 'has-description',
          ),
        ).toMatchObject({ status: 'fail' });
        const [stored] = await store.getResults([
          'model:default/fraud-detector',
        ]);
        expect(stored.evaluatedAt).toBe(output.results[0].evaluatedAt);
        expect(stored.checks).toEqual(output.results[0].checks);
      });

      it('refuses a caller who may not refresh the entity, and a service', async () => {
        const { invoke, store } = await setUp();
        const before = await store.getResults(['model:default/fraud-detector']);
        const input = { entityRef: 'model:default/fraud-detector' };
        await expectRefusedToOthers(
          invoke,
          'refresh-entity-scorecard',
          input,
          /scorecards\.entity\.refresh/,
        );
        expect(
          await store.getResults(['model:default/fraud-detector']),
        ).toEqual(before);
      });
    });
  },
);
