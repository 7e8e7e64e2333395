/*
 * bench/scorecards/cycle: a full grading cycle against just reading the
 * catalog, on PostgreSQL, in the same run.
 *
 * One backend (createBackend) runs the real catalog
 * (@backstage/plugin-catalog-backend) with the Convergence kinds module and
 * the scorecards backend plugin on a throwaway PostgreSQL. An entity provider
 * seeds N Model/Dataset/Pipeline entities (with lineage between them) and
 * their owning groups (in delta mutations of 5,000); the run waits until the catalog
 * has processed and stitched them. Then, per round, in alternating order:
 *
 *   (a) baseline: streams from the catalog every entity the grading pass
 *       lists, the way it lists them (CatalogService.streamEntities, the same
 *       kind filter and the default page size, whole entities), doing
 *       nothing else;
 *   (b) the full grading pass (catalog read, grade, persist), run as the
 *       scheduler runs it: the plugin's `scorecards:evaluate` task function.
 *
 * The first pass (store empty: every result inserted) is reported on its own
 * and then serves as warm-up with one baseline stream; the rounds measure the
 * steady state of the scheduled pass (the catalog unchanged since the last
 * pass). Goal (issue 14): median (b) / median (a) <= 2.
 *
 * Run through cycle.sh, which provides the database:
 *
 *   bench/scorecards/cycle.sh [N=50000] [rounds=5]
 */
import { createBackend } from '@backstage/backend-defaults';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { createTestEntityProviderModule } from '@convergence/backstage-plugin-mlops-node/testUtils';
import { backendConfig, rootConfig, runMain } from '../lib/backend';
import { median } from '../lib/stats';

const N = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 5);
if (!(N > 0) || !(ROUNDS >= 1))
  throw new Error('usage: cycle.ts [N=50000] [rounds=5]');
const GROUPS = 100;
/** Entities per provider mutation while seeding. */
const SEED_CHUNK = 5000;
/** The backend's port (never 7007): BENCH_PORT, or 7311. */
const PORT = Number(process.env.BENCH_PORT ?? 7311);
const url = process.env.CONVERGENCE_TEST_POSTGRES_URL ?? '';
if (!url) throw new Error('run through bench/scorecards/cycle.sh');

/**
 * What the grading pass lists (ScorecardEvaluator: the kinds a check may look
 * up through relations plus those the default scorecards grade), lower-case.
 */
const LISTED_KINDS = [
  'group',
  'user',
  'system',
  'model',
  'dataset',
  'pipeline',
  'component',
];

const pick = <T>(i: number, xs: T[]) => xs[i % xs.length];

/** N ML entities, a third each, most complete, some not; lineage between them. */
function generate(n: number): Entity[] {
  const origin = 'bench:cycle';
  const annotations = {
    'backstage.io/managed-by-location': origin,
    'backstage.io/managed-by-origin-location': origin,
  };
  const out: Entity[] = [];
  for (let g = 0; g < GROUPS; g++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default', annotations },
      spec: { type: 'team', children: [] },
    });
  }
  const thirds = Math.ceil(n / 3);
  const ref = (kind: string, i: number) =>
    `${kind}:default/${kind[0]}-${i % thirds}`;
  for (let i = 0; i < n; i++) {
    const kind = pick(i, ['Model', 'Dataset', 'Pipeline']);
    const k = Math.floor(i / 3);
    const full = i % 7 !== 0;
    const spec: any = {
      type: 't',
      lifecycle: pick(k, ['production', 'experimental']),
      owner: `group:default/team-${i % GROUPS}`,
    };
    if (kind === 'Model') {
      Object.assign(spec, {
        ...(full && { license: 'MIT' }),
        trainedOn: [ref('dataset', k + 1)],
        evaluatedOn: full ? [ref('dataset', k + 4)] : [],
        producedBy: ref('pipeline', k),
        versions: [{ version: '1', aliases: full ? ['champion'] : [] }],
        ...(full && {
          card: { intendedUse: 'x', limitations: 'y', evaluationData: 'z' },
        }),
      });
    } else if (kind === 'Dataset') {
      Object.assign(spec, {
        ...(full && { classification: 'confidential', retention: 'P1Y' }),
        containsPii: k % 2 === 0,
        ...(full && {
          schema: { fields: [{ name: 'a', type: 'string', pii: true }] },
        }),
      });
    } else {
      Object.assign(spec, {
        ...(full && { schedule: '0 3 * * *' }),
        lastRun: {
          status: full ? 'succeeded' : 'failed',
          finishedAt: full ? '2026-11-26T03:00:00Z' : '2026-05-01T00:00:00Z',
        },
      });
    }
    out.push({
      apiVersion: 'convergence.dev/v1alpha1',
      kind,
      metadata: {
        name: `${kind[0].toLowerCase()}-${k}`,
        namespace: 'default',
        annotations: {
          ...annotations,
          ...(full && kind === 'Model'
            ? { 'convergence.dev/monitoring-url': 'https://grafana.example/d' }
            : {}),
        },
        ...(full && { description: `A "${kind}" with \\ and ü` }),
      },
      spec,
    });
  }
  return out;
}

/** What the bench reaches inside the backend once it has started. */
const reach: {
  catalog?: CatalogService;
  credentials?: BackstageCredentials;
  tasks: Map<string, SchedulerServiceTaskInvocationDefinition>;
} = { tasks: new Map() };

/**
 * The default scheduler, except that the scorecards plugin's tasks are kept
 * here and run by the bench, as the scheduler would run them.
 */
const scheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {
    database: coreServices.database,
    logger: coreServices.logger,
    rootLifecycle: coreServices.rootLifecycle,
    httpRouter: coreServices.httpRouter,
    pluginMetadata: coreServices.pluginMetadata,
    metrics: metricsServiceRef,
  },
  async factory(deps) {
    const real = DefaultSchedulerService.create(deps);
    if (deps.pluginMetadata.getId() !== 'scorecards') return real;
    return {
      ...real,
      triggerTask: real.triggerTask.bind(real),
      getScheduledTasks: real.getScheduledTasks.bind(real),
      createScheduledTaskRunner: real.createScheduledTaskRunner.bind(real),
      scheduleTask: async task => void reach.tasks.set(task.id, task),
    };
  },
});

/** The catalog provider the bench seeds the entities through. */
const seed = createTestEntityProviderModule('bench-cycle');

const reachPlugin = createBackendPlugin({
  pluginId: 'bench',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogServiceRef, auth: coreServices.auth },
      async init({ catalog, auth }) {
        reach.catalog = catalog;
        reach.credentials = await auth.getOwnServiceCredentials();
      },
    });
  },
});

/** (a): every listed entity, whole, as the pass streams them; nothing else. */
async function stream() {
  let n = 0;
  for await (const page of reach.catalog!.streamEntities(
    { filter: { kind: LISTED_KINDS } },
    { credentials: reach.credentials! },
  ))
    n += page.length;
  return n;
}

/** How many entities are listed, and their etags (while waiting for the catalog). */
async function etags() {
  let n = 0;
  const all: string[] = [];
  for await (const page of reach.catalog!.streamEntities(
    { filter: { kind: LISTED_KINDS } },
    { credentials: reach.credentials! },
  )) {
    n += page.length;
    for (const e of page) all.push(e.metadata.etag ?? '');
  }
  return { n, etags: all.join() };
}

/** (b): the scheduled full pass. */
async function grade() {
  const task = reach.tasks.get('scorecards:evaluate');
  if (!task)
    throw new Error(`no scorecards:evaluate: ${[...reach.tasks.keys()]}`);
  await task.fn(new AbortController().signal);
}

async function timed(fn: () => Promise<unknown>) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (xs: number[]) =>
  `min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}`;

async function main() {
  console.log(
    `bench/scorecards/cycle.sh ${N} ${ROUNDS}  (node ${process.version})`,
  );
  const backend = createBackend();
  backend.add(
    rootConfig({
      backend: backendConfig(PORT, { client: 'pg', connection: url }),
      catalog: {
        rules: [
          {
            allow: [
              'Group',
              'User',
              'System',
              'Component',
              'Location',
              'Model',
              'Dataset',
              'Pipeline',
            ],
          },
        ],
      },
    }),
  );
  backend.add(scheduler);
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@convergence/backstage-plugin-catalog-backend-module-mlops'),
  );
  backend.add(import('@convergence/backstage-plugin-scorecards-backend'));
  backend.add(seed.module);
  backend.add(reachPlugin);
  await backend.start();

  const entities = generate(N);
  let t = Date.now();
  // In deltas of a few thousand: the catalog inserts one mutation in one
  // transaction, and a full one of 50,000 took ~15 min on PostgreSQL here
  // (~30 s for 20,000): within a transaction its statistics stay stale.
  for (let i = 0; i < entities.length; i += SEED_CHUNK) {
    await seed.connection().applyMutation({
      type: 'delta',
      added: entities
        .slice(i, i + SEED_CHUNK)
        .map(entity => ({ entity, locationKey: 'bench-cycle' })),
      removed: [],
    });
  }
  console.log(
    `seeded ${
      entities.length
    } entities (${N} graded, ${GROUPS} groups) in ${fmt(
      Date.now() - t,
    )}; waiting for the catalog to process them`,
  );
  // Processed: all listed; stitched: the etags stop changing (relations
  // emitted by an entity's neighbours land with their stitching).
  t = Date.now();
  let last = '';
  for (;;) {
    const { items, totalItems } = await reach.catalog!.queryEntities(
      { filter: { kind: LISTED_KINDS }, limit: 1 },
      { credentials: reach.credentials! },
    );
    void items;
    if (totalItems >= entities.length) {
      await sleep(3000);
      const now = await etags();
      if (now.n === entities.length && now.etags === last) break;
      last = now.etags;
    } else {
      process.stdout.write(
        `\r  ${totalItems} of ${entities.length} processed (${fmt(
          Date.now() - t,
        )})`,
      );
      await sleep(5000);
    }
  }
  console.log(`\ncatalog processed and stitched in ${fmt(Date.now() - t)}`);

  const first = await timed(grade);
  console.log(`first pass (empty store, every result inserted): ${fmt(first)}`);
  // Warm-up: one of each.
  await timed(stream);
  await timed(grade);

  const baseline: number[] = [];
  const pass: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const which of order) {
      if (which === 'a') baseline.push(await timed(stream));
      else pass.push(await timed(grade));
    }
    console.log(
      `round ${r + 1} (${order.join(' then ')}): stream ${fmt(
        baseline[r],
      )}, full pass ${fmt(pass[r])}, ratio ${(pass[r] / baseline[r]).toFixed(
        2,
      )}`,
    );
  }
  const a = median(baseline);
  const b = median(pass);
  console.log(
    [
      '',
      `${N} graded entities (+${GROUPS} groups), PostgreSQL, ${ROUNDS} rounds, medians:`,
      `  (a) stream the listed entities from the catalog: ${fmt(a)} (${spread(
        baseline,
      )})`,
      `  (b) full grading pass (read, grade, persist):     ${fmt(b)} (${spread(
        pass,
      )})`,
      `  ratio (b)/(a): ${(b / a).toFixed(2)}  (goal <= 2: ${
        b / a <= 2 ? 'holds' : 'does not hold'
      }); median of the rounds' own ratios: ${median(
        pass.map((p, r) => p / baseline[r]),
      ).toFixed(2)}`,
      `  first pass into an empty store: ${fmt(first)} (${(first / a).toFixed(
        2,
      )}x the stream)`,
    ].join('\n'),
  );
  await backend.stop();
}

runMain(main);
