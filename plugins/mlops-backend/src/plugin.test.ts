import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import catalogModuleMlops from '@convergence/backstage-plugin-catalog-backend-module-mlops';
import {
  LineageEntity,
  LineageResponse,
} from '@convergence/backstage-plugin-mlops-common';
import request from 'supertest';
import {
  createTestDatabases,
  createTestEntityProviderModule,
  databasePerPlugin,
  httpAuthWithActors,
  postgresPresentWhenRequired,
  userInfoWithGroups,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import {
  distances,
  DOWNSTREAM,
  generateGraph,
  GeneratedGraph,
  TEAMS,
} from './__testUtils__/graph';
import { permissionModuleTestPolicy } from './__testUtils__/policy';
import mlopsPlugin from './index';

jest.setTimeout(180_000);

const databases = createTestDatabases();

it('runs on PostgreSQL whenever the test command provides it', () => {
  expect(postgresPresentWhenRequired(databases)).toBe(true);
});

const graph = generateGraph();
const ROOT = 'dataset:default/raw.events.0';
const ROOT_OWNER = graph.owner.get(ROOT)!;
/** A member of the team owning the root dataset; may read everything. */
const OWNER = 'user:default/mei';
/** A member of another team; may not read the entities labelled secret. */
const OUTSIDER = 'user:default/sofia';
const GROUPS: Record<string, string[]> = {
  [OWNER]: [ROOT_OWNER],
  [OUTSIDER]: [
    `group:default/${TEAMS.find(t => `group:default/${t}` !== ROOT_OWNER)}`,
  ],
};
const ROOT_URL = '/api/mlops/lineage/Dataset/default/Raw.Events.0';
/** Yesterday in UTC, as the backend counts: before today whenever this runs. */
const yesterday = new Date(Date.now() - 24 * 3600 * 1000)
  .toISOString()
  .slice(0, 10);

/** What a lineage answer should be, computed from the generated graph alone. */
function expectedLineage(
  estate: GeneratedGraph,
  root: string,
  direction: 'downstream' | 'upstream',
  depth: number,
  readable: (ref: string) => boolean,
) {
  const all = distances(estate[direction], root);
  const reached = [...all].filter(([, d]) => d <= depth);
  const listed = reached.filter(([ref]) => readable(ref));
  const byKind: Record<string, number> = {};
  const byOwner: Record<string, number> = {};
  for (const [ref] of listed) {
    const kind = estate.byRef.get(ref)!.kind;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const owner = estate.owner.get(ref) ?? 'unowned';
    byOwner[owner] = (byOwner[owner] ?? 0) + 1;
  }
  return {
    refs: listed.map(([ref]) => ref).sort(),
    distance: new Map(reached),
    totals: {
      entities: listed.length,
      hidden: reached.length - listed.length,
      byKind,
      byOwner,
      owners: new Set(listed.map(([ref]) => estate.owner.get(ref))).size,
    },
    truncated: all.size > reached.length,
  };
}

describe.each(databases.eachSupportedId())(
  'mlops backend with the real catalog and permissions on %s',
  databaseId => {
    const sent: NotificationSendOptions[] = [];
    let failSendsTo: string | undefined;
    let testGraph: ReturnType<typeof createTestEntityProviderModule>;
    const scheduler = mockServices.scheduler();
    let server: any;
    let stop: () => Promise<void>;

    const as = (user: string) => ({
      Authorization: mockCredentials.user.header(user),
    });
    const service = { Authorization: mockCredentials.service.header() };
    const get = (url: string, user = OWNER) =>
      request(server).get(url).set(as(user));
    const postNotice = (body: object, user = OWNER) =>
      request(server).post(`${ROOT_URL}/notices`).set(as(user)).send(body);

    /** Polls `fn` until it returns a value; the catalog processes in the background. */
    async function until<T>(
      what: string,
      fn: () => Promise<T | undefined>,
    ): Promise<T> {
      for (let i = 0; i < 600; i++) {
        const value = await fn();
        if (value !== undefined) return value;
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    /** The catalog's view of some refs, with the service's credentials. */
    async function catalogEntities(refs: string[]) {
      const res = await request(server)
        .post('/api/catalog/entities/by-refs')
        .set(service)
        .send({ entityRefs: refs });
      return res.status === 200 ? (res.body.items as any[]) : undefined;
    }

    /** True when each entity is stitched with exactly its generated downstream relations. */
    const stitched = (entity: any, ref: string) =>
      entity &&
      JSON.stringify(
        [
          ...new Set(
            (entity.relations ?? [])
              .filter((r: any) => DOWNSTREAM.has(r.type))
              .map((r: any) => r.targetRef),
          ),
        ].sort(),
      ) === JSON.stringify([...(graph.downstream.get(ref) ?? [])].sort());

    const refresh = () => scheduler.triggerTask('mlops:lineage-refresh');

    beforeAll(async () => {
      testGraph = createTestEntityProviderModule('lineage-test-graph', c =>
        c.applyMutation({
          type: 'full',
          entities: graph.entities.map(entity => ({
            entity,
            locationKey: 'lineage-test-graph',
          })),
        }),
      );
      const backend = await startTestBackend({
        features: [
          databasePerPlugin(databases, databaseId),
          httpAuthWithActors,
          // Tasks run only when a test triggers them.
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          catalogPlugin,
          catalogModuleMlops,
          testGraph.module,
          permissionPlugin,
          permissionModuleTestPolicy([OUTSIDER]),
          permissionsServiceFactory,
          mlopsPlugin,
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              async send(options: NotificationSendOptions) {
                const to = (options.recipients as any).entityRef;
                if (to === failSendsTo) throw new Error('backend down');
                sent.push(options);
              },
            }),
          }),
          userInfoWithGroups(GROUPS),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              catalog: {
                rules: [
                  {
                    allow: [
                      'Group',
                      'System',
                      'Component',
                      'Model',
                      'Dataset',
                      'Pipeline',
                    ],
                  },
                ],
                processingInterval: { seconds: 1 },
              },
              mlops: { lineage: { permissionDecisionCacheSeconds: 0 } },
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();

      // Every generated entity processed and stitched with its relations.
      const refs = [...graph.byRef.keys()];
      await until('the catalog to stitch the generated graph', async () => {
        const items = await catalogEntities(refs);
        return items?.every((e, i) => stitched(e, refs[i])) ? true : undefined;
      });
      await refresh();
    });

    afterAll(() => stop());

    /** Each hop of each path is a generated edge, and the path ends at the entity. */
    function expectPathsFollowTheGraph(
      entities: LineageEntity[],
      edges: Map<string, Set<string>>,
      root: string,
    ) {
      for (const e of entities) {
        expect(e.path).toHaveLength(e.depth);
        expect(e.path[e.path.length - 1].entityRef).toBe(e.entityRef);
        let from = root;
        for (const step of e.path) {
          if (step.hidden) {
            expect(step).toEqual({ relation: step.relation, hidden: true });
            // Any next hop starts from some entity we are not told about.
            from = '';
            continue;
          }
          if (from)
            expect([from, edges.get(from)?.has(step.entityRef!)]).toEqual([
              from,
              true,
            ]);
          from = step.entityRef!;
        }
      }
    }

    it('answers 401 without credentials on every route', async () => {
      const none = { Authorization: mockCredentials.none.header() };
      const a = await request(server).get(ROOT_URL).set(none);
      const b = await request(server).get(`${ROOT_URL}/notices`).set(none);
      const c = await request(server)
        .post(`${ROOT_URL}/notices`)
        .set(none)
        .send({ type: 'personal-data' });
      expect([a.status, b.status, c.status]).toEqual([401, 401, 401]);
    });

    it('registers mlops.lineage.notify as a permission on catalog entities', async () => {
      const res = await request(server)
        .get('/api/mlops/.well-known/backstage/permissions/metadata')
        .set(service);
      expect(res.status).toBe(200);
      expect(res.body.permissions).toEqual([
        {
          type: 'resource',
          name: 'mlops.lineage.notify',
          attributes: { action: 'update' },
          resourceType: 'catalog-entity',
        },
      ]);
    });

    it('lists everything downstream with paths and totals that match the graph', async () => {
      const res = await get(ROOT_URL);
      expect(res.status).toBe(200);
      const body: LineageResponse = res.body;
      const want = expectedLineage(graph, ROOT, 'downstream', 6, () => true);
      // The test graph is big enough for the answer to mean something.
      expect(want.totals.entities).toBeGreaterThan(100);
      expect(body.root).toMatchObject({
        entityRef: ROOT,
        kind: 'Dataset',
        name: 'Raw.Events.0',
        title: 'Données « Raw.Events.0 » "quoted" \\ back',
      });
      expect(body.entities.map(e => e.entityRef).sort()).toEqual(want.refs);
      expect(body.totals).toEqual(want.totals);
      expect(body.truncated).toBe(want.truncated);
      for (const e of body.entities)
        expect([e.entityRef, e.depth]).toEqual([
          e.entityRef,
          want.distance.get(e.entityRef),
        ]);
      expectPathsFollowTheGraph(body.entities, graph.downstream, ROOT);
      // Nearest first, then by ref.
      const order = body.entities.map(e => `${e.depth} ${e.entityRef}`);
      expect(order).toEqual(
        [...body.entities]
          .sort(
            (x, y) =>
              x.depth - y.depth ||
              Number(x.entityRef > y.entityRef) -
                Number(x.entityRef < y.entityRef),
          )
          .map(e => `${e.depth} ${e.entityRef}`),
      );

      // The same answer revalidates with its ETag.
      const again = await get(ROOT_URL).set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);

      // Gzipped for a client that asks (supertest unzips it), uncompressed
      // otherwise; each encoding with its own ETag.
      const zipped = await get(ROOT_URL).set('Accept-Encoding', 'gzip');
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
      expect(zipped.body).toEqual(body);
      const plain = await get(ROOT_URL).set('Accept-Encoding', 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toEqual(body);
      expect(zipped.headers.etag).not.toBe(plain.headers.etag);
      const zippedAgain = await get(ROOT_URL)
        .set('Accept-Encoding', 'gzip')
        .set('If-None-Match', zipped.headers.etag);
      expect(zippedAgain.status).toBe(304);
    });

    it('walks upstream and to any depth up to 20, and refuses other depths', async () => {
      const model = [...graph.byRef.keys()].find(
        r => r.startsWith('component:') && graph.upstream.get(r)?.size,
      )!;
      const [kind, rest] = model.split(':');
      const [namespace, name] = rest.split('/');
      const url = `/api/mlops/lineage/${kind}/${namespace}/${name}`;
      const up = await get(`${url}?direction=upstream&depth=20`);
      expect(up.status).toBe(200);
      const want = expectedLineage(graph, model, 'upstream', 20, () => true);
      expect(up.body.entities.map((e: any) => e.entityRef).sort()).toEqual(
        want.refs,
      );
      expect(up.body.totals).toEqual(want.totals);
      expectPathsFollowTheGraph(up.body.entities, graph.upstream, model);

      for (const [query, message] of [
        ['depth=0', 'depth: must be a whole number from 1 to 20'],
        ['depth=21', 'depth: must be a whole number from 1 to 20'],
        ['depth=2.5', 'depth: must be a whole number from 1 to 20'],
        ['depth=abc', 'depth: must be a whole number from 1 to 20'],
        ['direction=sideways', 'direction: must be downstream or upstream'],
        // Given empty is not left out: not the default.
        ['depth=', 'depth: must be a whole number from 1 to 20'],
        ['direction=', 'direction: must be downstream or upstream'],
        ['depth[]=2', 'depth: must be given once, as one value'],
        ['depth=0x3', 'depth: must be a whole number from 1 to 20'],
        ['depth=%203', 'depth: must be a whole number from 1 to 20'],
        [
          'direction=upstream&direction=upstream',
          'direction: must be given once, as one value',
        ],
      ]) {
        const res = await get(`${ROOT_URL}?${query}`);
        expect([query, res.status, res.body.error?.message]).toEqual([
          query,
          400,
          message,
        ]);
      }
      const missing = await get('/api/mlops/lineage/dataset/default/nope');
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe('No entity dataset:default/nope');
    });

    it('finds names with dots and capitals however they are spelled in the URL', async () => {
      const encoded = await get(
        `/api/mlops/lineage/${encodeURIComponent(
          'DATASET',
        )}/default/${encodeURIComponent('raw.EVENTS.0')}?depth=1`,
      );
      expect(encoded.status).toBe(200);
      expect(encoded.body.root.entityRef).toBe(ROOT);
      const other = await get('/api/mlops/lineage/dataset/ml-prod/ds-4');
      expect(other.status).toBe(200);
      expect(other.body.root.entityRef).toBe('dataset:ml-prod/ds-4');
      // A name the catalog cannot hold is not found, and named as given.
      const odd = await get(
        `/api/mlops/lineage/dataset/default/${encodeURIComponent('ü"x\\y')}`,
      );
      expect([odd.status, odd.body.error?.message]).toEqual([
        404,
        'No entity dataset:default/ü"x\\y',
      ]);
    });

    it('serves the lineage as the action mlops:get-lineage, answering as the route does', async () => {
      const invoke = (user: string | undefined, input: object) =>
        request(server)
          .post(
            '/api/mlops/.backstage/actions/v1/actions/mlops:get-lineage/invoke',
          )
          .set(
            user ? as(user) : { Authorization: mockCredentials.none.header() },
          )
          .send(input);
      for (const user of [OWNER, OUTSIDER]) {
        const action = await invoke(user, {
          entityRef: 'Dataset:default/RAW.events.0',
          depth: 3,
        });
        const route = await get(`${ROOT_URL}?depth=3`, user);
        expect([action.status, route.status]).toEqual([200, 200]);
        expect(action.body).toEqual({ output: route.body });
      }
      // The outsider's view hides what the owner's shows.
      const outsider = await invoke(OUTSIDER, { entityRef: ROOT });
      expect(outsider.body.output.totals.hidden).toBeGreaterThan(0);

      const bad = await invoke(OWNER, { entityRef: ROOT, depth: 21 });
      expect(bad.status).toBe(400);
      const none = await invoke(undefined, { entityRef: ROOT });
      expect(none.status).toBe(401);
      const missing = await invoke(OWNER, {
        entityRef: 'dataset:default/nope',
      });
      expect([missing.status, missing.body.error?.message]).toEqual([
        404,
        'No entity dataset:default/nope',
      ]);
    });

    it('counts what a caller may not read as hidden and never names it', async () => {
      const res = await get(ROOT_URL, OUTSIDER);
      expect(res.status).toBe(200);
      const body: LineageResponse = res.body;
      const want = expectedLineage(
        graph,
        ROOT,
        'downstream',
        6,
        ref => !graph.secret.has(ref),
      );
      expect(want.totals.hidden).toBeGreaterThan(0);
      expect(body.entities.map(e => e.entityRef).sort()).toEqual(want.refs);
      expect(body.totals).toEqual(want.totals);
      const text = JSON.stringify(body);
      for (const ref of graph.secret)
        expect([ref, text.includes(`"${ref}"`)]).toEqual([ref, false]);
      expectPathsFollowTheGraph(body.entities, graph.downstream, ROOT);
      // Some entities are reached only through secret ones: the hop is there, unnamed.
      expect(
        body.entities.filter(e => e.path.some(step => step.hidden)).length,
      ).toBeGreaterThan(0);
      // Answers for this caller are theirs alone: not kept by any cache.
      expect(res.headers['cache-control']).toBe('private, no-store');

      // A secret root is not found for them.
      const secretRef = [...graph.secret][0];
      const [kind, rest] = secretRef.split(':');
      const secretRes = await get(
        `/api/mlops/lineage/${kind}/${rest}`,
        OUTSIDER,
      );
      expect(secretRes.status).toBe(404);
      expect(
        (await get(`/api/mlops/lineage/${kind}/${rest}`, OWNER)).status,
      ).toBe(200);
    });

    it('lets only the owners send a notice, one notification per downstream team', async () => {
      const forbidden = await postNotice(
        { type: 'deprecation', effectiveDate: '2099-03-01' },
        OUTSIDER,
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toBe(
        `only the owners of ${ROOT} may send notices`,
      );

      for (const [body, message] of [
        [
          { type: 'deprecation' },
          'effectiveDate: is required for a deprecation (YYYY-MM-DD)',
        ],
        [
          { type: 'deprecation', effectiveDate: '2099-02-30' },
          'effectiveDate: must be a date that exists, YYYY-MM-DD',
        ],
        [
          { type: 'deprecation', effectiveDate: '2099-13-01' },
          'effectiveDate: must be a date that exists, YYYY-MM-DD',
        ],
        // A deprecation before today (UTC).
        ...['2020-01-01', yesterday].map(
          effectiveDate =>
            [
              { type: 'deprecation', effectiveDate },
              expect.stringMatching(
                /^effectiveDate: a deprecation must apply from today \(\d{4}-\d{2}-\d{2} UTC\) or later$/,
              ),
            ] as const,
        ),
        // Any type's date must exist.
        [
          { type: 'incident', effectiveDate: '2020-02-30' },
          'effectiveDate: must be a date that exists, YYYY-MM-DD',
        ],
        [{ type: 'other' }, 'message: is required for a notice of type other'],
        [
          { type: 'recall' },
          'type: must be one of deprecation, personal-data, incident, other',
        ],
        [
          { type: 'incident', message: 'x'.repeat(2001) },
          'message: must be at most 2000 characters',
        ],
        [{ type: 'incident', to: 'everyone' }, 'body: unknown field to'],
      ] as const) {
        const res = await postNotice(body);
        expect([body, res.status, res.body.error?.message]).toEqual([
          body,
          400,
          message,
        ]);
      }
      // A JSON body that is not an object: refused as such, not as bad JSON.
      for (const raw of ['null', '"text"', '[]', '42']) {
        const res = await request(server)
          .post(`${ROOT_URL}/notices`)
          .set(as(OWNER))
          .set('Content-Type', 'application/json')
          .send(raw);
        expect([raw, res.status, res.body.error?.message]).toEqual([
          raw,
          400,
          'body: must be a JSON object with type, message and effectiveDate',
        ]);
      }
      expect(sent).toEqual([]);

      const res = await postNotice({
        type: 'deprecation',
        effectiveDate: '2099-03-01',
        message: 'Use « raw.events.v2 » "instead"',
      });
      expect(res.status).toBe(201);
      // Every team owning something downstream, readable or not, at any depth.
      const teams = [
        ...new Set(
          [...distances(graph.downstream, ROOT).keys()].map(
            r => graph.owner.get(r)!,
          ),
        ),
      ].sort();
      expect(res.body).toMatchObject({
        entityRef: ROOT,
        type: 'deprecation',
        effectiveDate: '2099-03-01',
        message: 'Use « raw.events.v2 » "instead"',
        sentBy: OWNER,
        recipients: teams,
      });
      expect(sent.map(s => (s.recipients as any).entityRef).sort()).toEqual(
        teams,
      );
      expect(sent[0].payload).toMatchObject({
        title: `${ROOT} is deprecated from 2099-03-01`,
        link: '/catalog/default/dataset/Raw.Events.0',
        topic: 'mlops.lineage',
        severity: 'normal',
      });

      // The outsider sees the teams owning something it may read downstream;
      // the teams owning only secret entities are counted, not named.
      const seen = expectedLineage(
        graph,
        ROOT,
        'downstream',
        20,
        ref => !graph.secret.has(ref),
      );
      const visibleTeams = teams.filter(team =>
        seen.refs.some(ref => graph.owner.get(ref) === team),
      );
      const listed = await get(`${ROOT_URL}/notices`, OUTSIDER);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        visibleTeams.length === teams.length
          ? res.body
          : {
              ...res.body,
              recipients: visibleTeams,
              hiddenRecipients: teams.length - visibleTeams.length,
            },
      ]);

      // One team's notifications fail: the others are sent and kept.
      sent.length = 0;
      failSendsTo = teams[0];
      const partial = await postNotice({ type: 'personal-data' });
      failSendsTo = undefined;
      expect(partial.status).toBe(201);
      expect(partial.body.recipients).toEqual(teams.slice(1));
      const both = await get(`${ROOT_URL}/notices`);
      expect(both.body.items.map((n: any) => n.id)).toEqual([
        partial.body.id,
        res.body.id,
      ]);
    });

    it('takes a past date on a notice other than a deprecation', async () => {
      // An incident's date is when it started.
      for (const effectiveDate of ['2020-01-01', yesterday]) {
        const incident = await postNotice({
          type: 'incident',
          effectiveDate,
          message: 'Late events since then',
        });
        expect([incident.status, incident.body.effectiveDate]).toEqual([
          201,
          effectiveDate,
        ]);
      }
    });

    it('shows a deleted and re-added entity after the refresh task runs', async () => {
      const want = expectedLineage(graph, ROOT, 'downstream', 6, () => true);
      // A service downstream of the root that nothing else leads through.
      const leaf = want.refs.find(
        r => r.startsWith('component:') && !graph.downstream.get(r)?.size,
      )!;
      expect(leaf).toBeDefined();
      const listed = async () =>
        ((await get(ROOT_URL)).body as LineageResponse).entities.some(
          e => e.entityRef === leaf,
        );
      expect(await listed()).toBe(true);

      await testGraph.connection().applyMutation({
        type: 'delta',
        added: [],
        removed: [{ entityRef: leaf, locationKey: 'lineage-test-graph' }],
      });
      await until('the catalog to delete the service', async () =>
        (await catalogEntities([leaf]))?.[0] === null ? true : undefined,
      );
      // Until the refresh, the cached answer is served.
      expect(await listed()).toBe(true);
      await refresh();
      expect(await listed()).toBe(false);
      const without = (await get(ROOT_URL)).body as LineageResponse;
      expect(without.totals.entities).toBe(want.totals.entities - 1);

      await testGraph.connection().applyMutation({
        type: 'delta',
        added: [
          {
            entity: graph.byRef.get(leaf)!,
            locationKey: 'lineage-test-graph',
          },
        ],
        removed: [],
      });
      const parents = [...(graph.upstream.get(leaf) ?? [])];
      await until('the catalog to stitch the service again', async () => {
        const items = await catalogEntities([leaf, ...parents]);
        return items?.[0]?.relations?.some((r: any) => r.type === 'ownedBy') &&
          items
            .slice(1)
            .every(p => p.relations.some((r: any) => r.targetRef === leaf))
          ? true
          : undefined;
      });
      await refresh();
      expect(await listed()).toBe(true);
      expect(((await get(ROOT_URL)).body as LineageResponse).totals).toEqual(
        want.totals,
      );
    });
  },
);
