import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { ScorecardStore, StoredResult } from '../database/ScorecardStore';
import { testDatabases } from '../__testUtils__/databases';
import { createTestStore } from '../__testUtils__/store';
import { bareModel, group } from '../__testUtils__/entities';
import { evaluatorNeverChanging } from '../__testUtils__/service';
import { ScorecardEvaluator } from './ScorecardEvaluator';
import { ScorecardQueries } from './ScorecardQueries';

const databases = testDatabases();

/**
 * A conditional catalog decision (the catalog's owner rule). Its conditions
 * are never applied here: the service asks the catalog, whose mock holds
 * what the caller sees.
 */
const conditional: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
  conditions: {
    rule: 'IS_ENTITY_OWNER',
    resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
    params: { claims: [] },
  },
};

const result = (
  name: string,
  owner: string,
  level: string | null,
  score: number,
): StoredResult => ({
  entityRef: `model:default/${name}`,
  scorecardId: 'ml',
  ownerRef: `group:default/${owner}`,
  level,
  score,
  checks: [],
  evaluatedAt: '2026-11-29T10:00:00.000Z',
});

/**
 * The service as another caller (an action, another plugin) uses it: no HTTP,
 * the caller's credentials, the evaluator's notice of new results.
 */
describe.each(databases.eachSupportedId())('ScorecardQueries on %s', id => {
  async function setUp(read: AuthorizeResult) {
    const { store } = await createTestStore(databases, id);
    // The caller's catalog: the conditional caller does not see `b`.
    const catalog = catalogServiceMock({
      entities: [
        group('dept', ['team-a']),
        group('team-a'),
        group('team-b'),
        bareModel('a'),
        bareModel('c'),
        ...(read === AuthorizeResult.CONDITIONAL ? [] : [bareModel('b')]),
      ],
    });
    const lookups: string[][] = [];
    const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
    catalog.getEntitiesByRefs = async (request, options) => {
      lookups.push(request.entityRefs);
      return getEntitiesByRefs(request, options);
    };
    // The evaluator's notice, sent by the test.
    const listeners: Array<() => void> = [];
    const evaluator = {
      onResultsChanged: (l: () => void) => listeners.push(l),
    } as unknown as ScorecardEvaluator;
    const queries = new ScorecardQueries({
      auth: mockServices.auth(),
      permissions: mockServices.permissions.mock({
        authorizeConditional: async requests =>
          requests.map(() =>
            read === AuthorizeResult.CONDITIONAL
              ? conditional
              : { result: read },
          ) as any,
      }),
      catalog,
      store,
      evaluator,
      scorecards: [],
      checks: new Map(),
      now: () => new Date('2026-11-30T00:00:00.000Z'),
    });
    await store.saveResults([
      result('a', 'team-a', 'Gold', 1),
      result('b', 'team-a', null, 0.5),
      result('c', 'team-b', 'Gold', 1),
    ]);
    return {
      store,
      queries,
      lookups,
      notify: () => listeners.forEach(l => l()),
    };
  }
  const credentials = mockCredentials.user('user:default/mei');

  it('summarises many owners as it summarises each, in order', async () => {
    const { queries } = await setUp(AuthorizeResult.ALLOW);
    const owners = [
      'group:default/dept',
      'group:default/team-b',
      'group:default/dept',
      'group:default/ghost',
    ];
    const { items } = await queries.getSummaries(
      { owners, days: 30 },
      credentials,
    );
    expect(items.map(i => i.owner)).toEqual(owners);
    for (const [i, owner] of owners.entries()) {
      const { owner: _, ...item } = items[i];
      expect(item).toEqual(
        await queries.getSummary({ owner, days: 30 }, credentials),
      );
    }
    expect(items[0].owners?.sort()).toEqual([
      'group:default/dept',
      'group:default/team-a',
    ]);
    expect(items[0].summaries[0]).toMatchObject({
      entities: 2,
      levels: { Gold: 1, none: 1 },
      score: 0.75,
    });
    expect(items[3].summaries).toEqual([]);
  });

  it("walks the owners' groups together, one catalog request per level", async () => {
    const { queries, lookups } = await setUp(AuthorizeResult.ALLOW);
    await queries.getSummaries(
      {
        owners: [
          'group:default/dept',
          'group:default/team-b',
          'group:default/team-a',
        ],
        days: 30,
      },
      credentials,
    );
    // dept's sub-team is among the owners asked for: nothing left below.
    expect(lookups).toEqual([
      ['group:default/dept', 'group:default/team-b', 'group:default/team-a'],
    ]);
    // Cached now: no walk at all.
    lookups.length = 0;
    await queries.getSummaries(
      { owners: ['group:default/dept', 'group:default/team-b'], days: 30 },
      credentials,
    );
    expect(lookups).toEqual([]);
  });

  it('leaves out what a conditionally allowed caller may not read, and gives a denied one nothing', async () => {
    const deptSummaries = async (read: AuthorizeResult) => {
      const { queries } = await setUp(read);
      const [dept] = (
        await queries.getSummaries(
          { owners: ['group:default/dept'], days: 30 },
          credentials,
        )
      ).items;
      return dept.summaries;
    };
    expect((await deptSummaries(AuthorizeResult.CONDITIONAL))[0]).toMatchObject(
      { entities: 1, score: 1 },
    );
    expect(await deptSummaries(AuthorizeResult.DENY)).toEqual([]);
  });

  it('answers from the cache until the evaluator says results changed', async () => {
    const { store, queries, notify } = await setUp(AuthorizeResult.ALLOW);
    const levels = async () =>
      (
        await queries.getSummary(
          { owner: 'group:default/team-b', days: 30 },
          credentials,
        )
      ).summaries[0].levels;
    expect(await levels()).toEqual({ Gold: 1 });
    await store.saveResults([
      {
        ...result('c', 'team-b', 'Silver', 0.8),
        evaluatedAt: '2026-11-29T11:00:00.000Z',
      },
    ]);
    // Stored without the evaluator (as by another replica): still cached.
    expect(await levels()).toEqual({ Gold: 1 });
    notify();
    expect(await levels()).toEqual({ Silver: 1 });
  });
});

/**
 * The caller's catalog read decision, asked of the permission backend, is
 * reused for a while: counted here through the permissions service's calls,
 * on an injectable clock.
 */
describe("ScorecardQueries' catalog read decisions", () => {
  const MEI = 'user:default/mei';
  const SOFIA = 'user:default/sofia';
  const START = Date.parse('2026-11-30T00:00:00.000Z');

  function setUp(options: {
    decide: (
      user: string | undefined,
    ) => PolicyDecision | Promise<PolicyDecision>;
    seconds?: number;
    auth?: AuthService;
  }) {
    let now = START;
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async (requests, { credentials }: any) => {
        const decision = await options.decide(
          credentials.principal.userEntityRef,
        );
        return requests.map(() => decision) as any;
      },
    });
    const queries = new ScorecardQueries({
      auth: options.auth ?? mockServices.auth(),
      permissions,
      permissionDecisionCacheSeconds: options.seconds,
      catalog: catalogServiceMock({
        entities: [bareModel('a'), bareModel('b')],
      }),
      store: {} as ScorecardStore,
      evaluator: evaluatorNeverChanging(),
      scorecards: [],
      checks: new Map(),
      now: () => new Date(now),
    });
    return {
      queries,
      /** How many times the permission backend was asked. */
      asked: () => permissions.authorizeConditional.mock.calls.length,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }
  const allow = { result: AuthorizeResult.ALLOW } as PolicyDecision;
  const deny = { result: AuthorizeResult.DENY } as PolicyDecision;
  const mei = mockCredentials.user(MEI);

  it('asks once per user within the time, again after it (10 s by default)', async () => {
    const { queries, asked, advance } = setUp({ decide: () => allow });
    expect(await queries.visibleFilter(mei)).toEqual({});
    advance(9_999);
    expect(await queries.visibleFilter(mockCredentials.user(MEI))).toEqual({});
    expect(asked()).toBe(1);
    advance(2);
    expect(await queries.visibleFilter(mei)).toEqual({});
    expect(asked()).toBe(2);
  });

  it('keeps each user their own decision', async () => {
    const { queries, asked } = setUp({
      decide: user => (user === MEI ? allow : deny),
    });
    const sofia = mockCredentials.user(SOFIA);
    for (let i = 0; i < 2; i++) {
      expect(await queries.visibleFilter(mei, { systemRef: 's' })).toEqual({
        systemRef: 's',
      });
      expect(await queries.visibleFilter(sofia, { systemRef: 's' })).toEqual({
        systemRef: 's',
        entityRefs: [],
      });
    }
    expect(asked()).toBe(2);
  });

  it('keeps a conditional decision, and still asks the catalog what it allows', async () => {
    const { queries, asked } = setUp({ decide: () => conditional });
    for (let i = 0; i < 2; i++)
      expect(await queries.visibleFilter(mei)).toEqual({
        entityRefs: ['model:default/a', 'model:default/b'],
      });
    expect(asked()).toBe(1);
  });

  it('asks again for a new token of the same user (other ownership claims)', async () => {
    // Each token as the permission backend would receive it on the user's behalf.
    const tokens = new WeakMap<BackstageCredentials, string>();
    const auth = mockServices.auth();
    auth.getLimitedUserToken = async credentials => ({
      token: tokens.get(credentials)!,
      expiresAt: new Date(START + 3_600_000),
    });
    const { queries, asked } = setUp({ decide: () => allow, auth });
    const first = mockCredentials.user(MEI);
    const again = mockCredentials.user(MEI);
    const renewed = mockCredentials.user(MEI);
    tokens.set(first, 'header.{"sub":"user:default/mei","iat":1}.proof');
    tokens.set(again, 'header.{"sub":"user:default/mei","iat":1}.proof');
    tokens.set(renewed, 'header.{"sub":"user:default/mei","iat":2}.proof');
    await queries.visibleFilter(first);
    await queries.visibleFilter(again);
    expect(asked()).toBe(1);
    await queries.visibleFilter(renewed);
    expect(asked()).toBe(2);
  });

  it('lets concurrent requests of a user share one question', async () => {
    let answer: (d: PolicyDecision) => void = () => {};
    const pending = new Promise<PolicyDecision>(r => {
      answer = r;
    });
    const { queries, asked } = setUp({ decide: () => pending });
    const filters = Promise.all([
      queries.visibleFilter(mei),
      queries.visibleFilter(mei),
      queries.visibleFilter(mockCredentials.user(MEI)),
    ]);
    answer(deny);
    expect(await filters).toEqual([
      { entityRefs: [] },
      { entityRefs: [] },
      { entityRefs: [] },
    ]);
    expect(asked()).toBe(1);
  });

  it('keeps a denial, but not a failure', async () => {
    let fail = true;
    const { queries, asked } = setUp({
      decide: () => {
        if (fail) throw new Error('permission backend unavailable');
        return deny;
      },
    });
    await expect(queries.visibleFilter(mei)).rejects.toThrow(
      'permission backend unavailable',
    );
    fail = false;
    expect(await queries.visibleFilter(mei)).toEqual({ entityRefs: [] });
    expect(await queries.visibleFilter(mei)).toEqual({ entityRefs: [] });
    expect(asked()).toBe(2);
  });

  it('asks every time with 0 seconds, and for services', async () => {
    const off = setUp({ decide: () => allow, seconds: 0 });
    await off.queries.visibleFilter(mei);
    await off.queries.visibleFilter(mei);
    expect(off.asked()).toBe(2);
    const on = setUp({ decide: () => allow });
    await on.queries.visibleFilter(mockCredentials.service());
    await on.queries.visibleFilter(mockCredentials.service());
    expect(on.asked()).toBe(2);
  });

  it('refuses a negative time, naming the key', () => {
    expect(() => setUp({ decide: () => allow, seconds: -1 })).toThrow(
      /scorecards\.permissionDecisionCacheSeconds/,
    );
  });
});
