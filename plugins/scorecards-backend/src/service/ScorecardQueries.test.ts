import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { StoredResult } from '../database/ScorecardStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { createTestStore } from '../__testUtils__/store';
import { ScorecardEvaluator } from './ScorecardEvaluator';
import { ScorecardQueries } from './ScorecardQueries';

const databases = createTestDatabases();

const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
  relations: children.map(c => ({
    type: 'parentOf',
    targetRef: `group:default/${c}`,
  })),
});

const model = (name: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec: {},
});

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
        model('a'),
        model('c'),
        ...(read === AuthorizeResult.CONDITIONAL ? [] : [model('b')]),
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
      permissions: mockServices.permissions.mock({
        authorizeConditional: async requests =>
          requests.map(() =>
            read === AuthorizeResult.CONDITIONAL
              ? {
                  result: AuthorizeResult.CONDITIONAL,
                  pluginId: 'catalog',
                  resourceType: 'catalog-entity',
                  conditions: {} as any,
                }
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
    const conditional = await setUp(AuthorizeResult.CONDITIONAL);
    const [dept] = (
      await conditional.queries.getSummaries(
        { owners: ['group:default/dept'], days: 30 },
        credentials,
      )
    ).items;
    expect(dept.summaries[0]).toMatchObject({ entities: 1, score: 1 });
    const denied = await setUp(AuthorizeResult.DENY);
    const [none] = (
      await denied.queries.getSummaries(
        { owners: ['group:default/dept'], days: 30 },
        credentials,
      )
    ).items;
    expect(none.summaries).toEqual([]);
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
