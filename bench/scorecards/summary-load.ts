/*
 * The owner summary (GET /api/scorecards/summary?owner=<group>) on PostgreSQL
 * with N stored results, with permissions enabled and the portal's real
 * policy (the permission backend and `backend/modules`'
 * permissionModuleConvergencePolicy), against baselines measured in the same
 * run: an authenticated catalog read, and the floor — the cheapest
 * authenticated route a Backstage plugin can have (it checks the caller and
 * answers {}), which is what the platform's HTTP stack and authentication
 * cost before any plugin code runs.
 *
 * Seeding, through public entry points only: a first backend runs the
 * scorecards plugin on a catalog of N generated Models, Datasets and
 * Pipelines owned by 200 teams (catalogServiceMock from
 * @backstage/plugin-catalog-node/testUtils as the catalog, its streamEntities
 * paging linearly), and its scheduled
 * full pass grades and stores them. It stops; the measured backends run the
 * real catalog (the same organisation: acme > 10 departments > 200 teams, one
 * user per team, from a generated file location), the scorecards plugin on
 * the stored results, the permission backend with the portal's policy, the
 * auth backend with guest sign-in and the floor plugin.
 *
 * The caller is by default a signed-in user (user:default/bench-user, a
 * member of team-0; a guest user token, an ES256 JWT verified on every
 * request, as from the browser), so every permission decision goes to the
 * permission backend and the policy; with `service`, a service with a static
 * token.
 *
 * Scenarios, for each replica count in R (e.g. "1,2": R backend processes
 * share the port through Node's cluster module, as replicas share a load
 * balancer):
 *
 *  1. cache miss, sequential: M requests one after another, each for an
 *     owner and days the backend has not answered yet (so none is cached),
 *     the owners cycling through all 211 groups (teams of 250 results,
 *     departments of 5,000, the organisation of all N), alternating with a
 *     floor request and a cached summary request. Goal (issue 14): p99 of
 *     the misses < 150 ms.
 *  2. batch (POST /summaries/by-owners, when the backend has it): M/10
 *     sequential requests for a department's 20 teams, each with days not
 *     asked before.
 *  3. closed loop: C concurrent clients for `seconds`, K runs alternating
 *     catalog read, floor and the summary of dept-0 (cached after the first
 *     request); medians of the K runs.
 *  4. open loop: a fixed overall rate (autocannon overallRate, latencies
 *     corrected for coordinated omission), K runs alternating the floor and
 *     the summary of all 211 owners in turn (cached; each key expires after
 *     60 s, so some requests are misses, as in production). Goal (issue 14):
 *     summary p99 within 1.25x of the floor's p99 at 300 req/s.
 *
 * autocannon runs in its own process (plain JavaScript, see LOAD_RUNNER).
 * Run through summary-load.sh, which provides the database.
 *
 *   summary-load.ts [N=50000] [C=50] [seconds=10] [R=1] [K=3] [user|service] [rate=300] [M=400]
 */
import cluster from 'cluster';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import Router from 'express-promise-router';
import {
  addPortalPermissionAndAuth,
  portalConfig,
  rootConfig,
  runMain,
  signInAsGuest,
} from '../lib/backend';
import { Load, runLoad } from '../lib/load';
import {
  department,
  DEPARTMENTS,
  organisation,
  team,
  TEAMS,
  TEAMS_PER_DEPARTMENT,
} from '../lib/org';

type LoadOptions = Omit<import('../lib/load').LoadOptions, 'url' | 'token'>;

const N = Number(process.argv[2] ?? 50_000);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const SECONDS = Number(process.argv[4] ?? 10);
const REPLICAS = (process.argv[5] ?? '1').split(',').map(Number);
const REPEAT = Number(process.argv[6] ?? 3);
const CALLER = process.argv[7] ?? 'user';
const RATE = Number(process.argv[8] ?? 300);
const MISSES = Number(process.argv[9] ?? 400);
if (CALLER !== 'service' && CALLER !== 'user')
  throw new Error(`caller must be 'service' or 'user', not '${CALLER}'`);
const TOKEN = 'bench-static-token-0123456789';
const PORT = Number(process.env.BENCH_PORT ?? 7300);
const url = process.env.CONVERGENCE_TEST_POSTGRES_URL!;
// The primary names the file; the backends it forks inherit the name.
const ORG_FILE = (process.env.BENCH_ORG_FILE ??= path.join(
  os.tmpdir(),
  `summary-load-org-${process.pid}.yaml`,
));

/** Every group, as full refs: the organisation, its departments, their teams. */
const OWNERS = [
  'group:default/acme',
  ...Array.from(
    { length: DEPARTMENTS },
    (_, d) => `group:default/${department(d)}`,
  ),
  ...Array.from({ length: TEAMS }, (_, t) => `group:default/${team(t)}`),
];
const levelOf = (owner: string) =>
  owner.endsWith('/acme')
    ? 'organisation'
    : owner.includes('/dept-')
    ? 'department'
    : 'team';

const summaryPath = (owner: string, days = 90) =>
  `/api/scorecards/summary?owner=${encodeURIComponent(owner)}&days=${days}`;
const HOT_SUMMARY = summaryPath('group:default/dept-0');
const CATALOG_READ = '/api/catalog/entities/by-name/group/default/dept-0';
const FLOOR = '/api/floor/ping';

/** N ML entities owned by the teams; a third fall short of the top level. */
function mlEntities(): Entity[] {
  const pick = <T>(i: number, xs: T[]) => xs[i % xs.length];
  const out: Entity[] = [];
  for (let i = 0; i < N; i++) {
    const kind = pick(i, ['Model', 'Dataset', 'Pipeline']);
    const full = i % 3 !== 0;
    const spec: Record<string, unknown> = {
      type: 't',
      lifecycle: pick(i, ['production', 'experimental']),
      owner: `group:default/${team(i % TEAMS)}`,
      system: `system:default/s-${i % 40}`,
    };
    if (kind === 'Model') {
      Object.assign(spec, {
        license: full ? 'MIT' : undefined,
        trainedOn: [`dataset:default/d-${(i + 1) % N}`],
        evaluatedOn: full ? [`dataset:default/d-${(i + 4) % N}`] : [],
        producedBy: `pipeline:default/p-${(i + 2) % N}`,
        versions: [{ version: '1', aliases: full ? ['champion'] : [] }],
        card: full
          ? { intendedUse: 'x', limitations: 'y', evaluationData: 'z' }
          : undefined,
      });
    } else if (kind === 'Dataset') {
      Object.assign(spec, {
        classification: full ? 'confidential' : undefined,
        containsPii: i % 2 === 0,
        retention: full ? 'P1Y' : undefined,
      });
    } else {
      Object.assign(spec, {
        schedule: full ? '0 3 * * *' : undefined,
        lastRun: {
          status: full ? 'succeeded' : 'failed',
          finishedAt: new Date(
            Date.now() - (i % 30) * 86_400_000,
          ).toISOString(),
        },
      });
    }
    out.push({
      apiVersion: 'convergence.dev/v1alpha1',
      kind,
      metadata: {
        name: `${kind === 'Model' ? 'm' : kind === 'Dataset' ? 'd' : 'p'}-${i}`,
        namespace: 'default',
        description: full ? 'generated' : undefined,
        annotations: full
          ? { 'convergence.dev/monitoring-url': 'https://x' }
          : {},
      },
      spec: JSON.parse(JSON.stringify(spec)),
    });
  }
  return out;
}

/** The floor: a plugin route that authenticates the caller and answers {}. */
const floorPlugin = createBackendPlugin({
  pluginId: 'floor',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.get('/ping', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user', 'service'] });
          res.json({});
        });
        httpRouter.use(router);
      },
    });
  },
});

const NEVER = {
  frequency: { hours: 24 },
  timeout: { minutes: 5 },
  initialDelay: { hours: 24 },
};

function config(role: 'seed' | 'serve') {
  return {
    ...portalConfig(PORT, { client: 'pg', connection: url }, TOKEN, {
      permission: role === 'serve',
    }),
    catalog: {
      rules: [{ allow: ['Group', 'User', 'Location'] }],
      locations: [{ type: 'file', target: ORG_FILE }],
    },
    scorecards: {
      // The seeding backend grades at once; the measured ones never.
      schedule:
        role === 'seed'
          ? {
              frequency: { hours: 24 },
              timeout: { minutes: 30 },
              initialDelay: { seconds: 1 },
            }
          : NEVER,
      incremental: { schedule: NEVER },
    },
  };
}

/**
 * The seeding backend's catalog: catalogServiceMock over the entities, except
 * that streamEntities pages through them after one filter pass; the mock's
 * own re-filters every entity for every page, which is quadratic at 50,000.
 */
function seedingCatalog(entities: Entity[]) {
  const mock = catalogServiceMock({ entities });
  async function* streamEntities(request?: {
    filter?: unknown;
    pageSize?: number;
  }): AsyncIterable<Entity[]> {
    const kinds = (request?.filter as { kind?: string | string[] } | undefined)
      ?.kind;
    const wanted = kinds
      ? new Set([kinds].flat().map(k => k.toLocaleLowerCase('en-US')))
      : undefined;
    const listed = wanted
      ? entities.filter(e => wanted.has(e.kind.toLocaleLowerCase('en-US')))
      : entities;
    const size = request?.pageSize ?? 500;
    for (let i = 0; i < listed.length; i += size) {
      yield listed.slice(i, i + size);
    }
  }
  const catalog = new Proxy(mock, {
    get(target, prop) {
      if (prop === 'streamEntities') return streamEntities;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });
}

/** One backend process: the seeding one, or a measured replica. */
async function startBackend(role: 'seed' | 'serve') {
  const backend = createBackend();
  backend.add(rootConfig(config(role)));
  backend.add(import('@convergence/backstage-plugin-scorecards-backend'));
  if (role === 'seed') {
    backend.add(seedingCatalog([...organisation(), ...mlEntities()]));
  } else {
    backend.add(import('@backstage/plugin-catalog-backend'));
    addPortalPermissionAndAuth(backend);
    backend.add(floorPlugin);
  }
  await backend.start();
  process.send!('ready');
}

/** Load from a separate process, as the caller. */
const load = (options: LoadOptions): Promise<Load> =>
  runLoad({ ...options, url: `http://localhost:${PORT}`, token: callerToken });

const mid = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
};
/** The q-quantile of the values (nearest rank). */
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const median = (runs: Load[]): Load => ({
  p50: mid(runs.map(r => r.p50)),
  p99: mid(runs.map(r => r.p99)),
  rps: mid(runs.map(r => r.rps)),
  failed: runs.reduce((sum, r) => sum + r.failed, 0),
});

async function forkBackends(count: number, role: 'seed' | 'serve') {
  const workers = Array.from({ length: count }, () =>
    cluster.fork({ BENCH_ROLE: role }),
  );
  await Promise.all(
    workers.map(
      w =>
        new Promise<void>((resolve, reject) => {
          // The TypeScript loader also sends messages; wait for ours.
          w.on('message', m => m === 'ready' && resolve());
          w.once('exit', code =>
            reject(new Error(`a backend exited with ${code} while starting`)),
          );
        }),
    ),
  );
  return workers;
}

async function stopAll(workers: ReturnType<typeof cluster.fork>[]) {
  await Promise.all(
    workers.map(
      w =>
        new Promise<void>(resolve => {
          if (w.isDead()) resolve();
          else {
            w.once('exit', () => resolve());
            w.kill('SIGTERM');
          }
        }),
    ),
  );
}

/** The caller's token: the static one, or a user's from the guest sign-in. */
let callerToken = TOKEN;

/** No answer within this many ms fails the run rather than hanging it. */
const REQUEST_TIMEOUT_MS = 30_000;

async function get(target: string, token = callerToken) {
  const res = await fetch(`http://localhost:${PORT}${target}`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`${target}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** How many entities a summary answer counts, over its scorecards. */
const entitiesIn = (answer: { summaries: Array<{ entities: number }> }) =>
  answer.summaries.reduce((sum, s) => sum + s.entities, 0);

/** A days value no earlier request used, so the answer is never cached. */
let freshDays = 1;
const nextDays = (): number => {
  freshDays = freshDays >= 730 ? 1 : freshDays + 1;
  return freshDays === 90 ? nextDays() : freshDays;
};

/** Grades the N entities with the scorecards plugin, which stores them. */
async function seed() {
  const t0 = performance.now();
  const [seeder] = await forkBackends(1, 'seed');
  for (;;) {
    // No owner: everything stored; a new days value each time skips the cache.
    const graded = entitiesIn(
      await get(`/api/scorecards/summary?days=${nextDays()}`, TOKEN),
    );
    if (graded >= N) break;
    await new Promise(r => setTimeout(r, 2000));
  }
  await stopAll([seeder]);
  console.log(
    `seeded: the scorecards plugin graded and stored ${N} entities in ${(
      (performance.now() - t0) /
      1000
    ).toFixed(1)} s`,
  );
}

/** Waits until the catalog has the whole organisation and the summary sees all N results. */
async function waitForCatalog() {
  for (;;) {
    try {
      const answer = await get(summaryPath('group:default/acme', nextDays()));
      if (answer.owners?.length === OWNERS.length && entitiesIn(answer) >= N)
        return;
    } catch {
      // not ready yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function timedGet(target: string) {
  const t0 = performance.now();
  await get(target);
  return performance.now() - t0;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const stats = (values: number[]) =>
  `p50 ${ms(quantile(values, 0.5))}, p99 ${ms(
    quantile(values, 0.99),
  )}, max ${ms(Math.max(...values))}`;

/** Scenario 1: sequential cache misses, against the floor and cached answers. */
async function cacheMisses(rows: string[]) {
  const floor: number[] = [];
  const hit: number[] = [];
  const miss: number[] = [];
  const missByLevel = new Map<string, number[]>();
  // Warm-up, not counted.
  for (let i = 0; i < 20; i++) {
    await get(FLOOR);
    await get(HOT_SUMMARY);
  }
  for (let i = 0; i < MISSES; i++) {
    const owner = OWNERS[i % OWNERS.length];
    floor.push(await timedGet(FLOOR));
    hit.push(await timedGet(HOT_SUMMARY));
    const t = await timedGet(summaryPath(owner, nextDays()));
    miss.push(t);
    const level = levelOf(owner);
    missByLevel.set(level, [...(missByLevel.get(level) ?? []), t]);
  }
  const p99 = quantile(miss, 0.99);
  rows.push(
    `    cache miss, sequential, ${MISSES} requests each (distinct owner and days per miss, owners cycling through all ${OWNERS.length} groups):`,
    `      floor (baseline):          ${stats(floor)}`,
    `      summary, cached:           ${stats(hit)}`,
    `      summary, cache miss:       ${stats(miss)}`,
    ...[...missByLevel.entries()].map(
      ([level, values]) =>
        `        misses for ${`${level} owners`.padEnd(19)} (${
          values.length
        }): ${stats(values)}`,
    ),
    `      p99 ratio miss/floor ${(p99 / quantile(floor, 0.99)).toFixed(
      2,
    )}; goal p99 < 150 ms: ${p99 < 150 ? 'met' : 'NOT met'}`,
  );
}

/** The batch route's answer for `owners`, with days no request used before. */
const summariesByOwners = (owners: string[]) =>
  fetch(`http://localhost:${PORT}/api/scorecards/summaries/by-owners`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${callerToken}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ owners, days: nextDays() }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });

/** Scenario 2: the batch route, a department's teams per request. */
async function batch(rows: string[]) {
  const probe = await summariesByOwners([OWNERS[0]]);
  if (probe.status === 404) {
    rows.push(
      '    batch: POST /summaries/by-owners is not in this backend; skipped',
    );
    return;
  }
  const count = Math.max(10, Math.round(MISSES / 10));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const d = i % DEPARTMENTS;
    const owners = Array.from(
      { length: TEAMS_PER_DEPARTMENT },
      (_, k) => `group:default/${team(d * TEAMS_PER_DEPARTMENT + k)}`,
    );
    const t0 = performance.now();
    const res = await summariesByOwners(owners);
    if (!res.ok)
      throw new Error(`by-owners: ${res.status} ${await res.text()}`);
    await res.json();
    times.push(performance.now() - t0);
  }
  rows.push(
    `    batch, sequential, ${count} requests of ${TEAMS_PER_DEPARTMENT} teams each, none cached: ${stats(
      times,
    )}`,
  );
}

/** Scenario 3: closed loop, C clients, as before. */
async function closedLoop(rows: string[]) {
  const baselines: Load[] = [];
  const floors: Load[] = [];
  const summaries: Load[] = [];
  const base = { connections: CONNECTIONS, seconds: SECONDS };
  for (let k = 0; k < REPEAT; k++) {
    baselines.push(await load({ ...base, paths: [CATALOG_READ] }));
    floors.push(await load({ ...base, paths: [FLOOR] }));
    summaries.push(await load({ ...base, paths: [HOT_SUMMARY] }));
  }
  const baseline = median(baselines);
  const floor = median(floors);
  const measured = median(summaries);
  const row = (name: string, r: Load, all: Load[]) =>
    `      ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(
      r.rps,
    )} req/s  (p99 of each run: ${all.map(a => a.p99).join(', ')} ms)${
      r.failed ? `, ${r.failed} FAILED requests` : ''
    }`;
  rows.push(
    `    closed loop, ${CONNECTIONS} clients, ${SECONDS} s per run, median of ${REPEAT} runs:`,
    row('catalog entity read (baseline)', baseline, baselines),
    row('floor: authenticate, answer {}', floor, floors),
    row('summary of dept-0 (cached)    ', measured, summaries),
    `      p99 ratio summary/catalog read: ${(
      measured.p99 / baseline.p99
    ).toFixed(2)}, summary/floor: ${(measured.p99 / floor.p99).toFixed(2)}`,
  );
}

/** Scenario 4: open loop at a fixed rate, summary against the floor. */
async function openLoop(rows: string[]) {
  const paths = OWNERS.map(o => summaryPath(o));
  // Every owner's answer cached once, as in a running portal.
  for (const p of paths) await get(p);
  const floors: Load[] = [];
  const summaries: Load[] = [];
  // Enough connections that none waits for a free one at this rate.
  const base = {
    connections: Math.max(100, Math.ceil(RATE / 3)),
    seconds: SECONDS,
    overallRate: RATE,
  };
  for (let k = 0; k < REPEAT; k++) {
    if (k % 2) {
      summaries.push(await load({ ...base, paths }));
      floors.push(await load({ ...base, paths: [FLOOR] }));
    } else {
      floors.push(await load({ ...base, paths: [FLOOR] }));
      summaries.push(await load({ ...base, paths }));
    }
  }
  const floor = median(floors);
  const measured = median(summaries);
  const ratio = measured.p99 / floor.p99;
  const row = (name: string, r: Load, all: Load[]) =>
    `      ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(
      r.rps,
    )} req/s done  (p99 of each run: ${all.map(a => a.p99).join(', ')} ms)${
      r.failed ? `, ${r.failed} FAILED requests` : ''
    }`;
  // The goal is only meaningful when both routes kept up with the rate.
  const keptUp = (r: Load) => r.rps >= 0.95 * RATE && !r.failed;
  rows.push(
    `    open loop at ${RATE} req/s (${base.connections} connections, ${SECONDS} s per run, median of ${REPEAT} runs, alternating):`,
    row('floor (baseline)             ', floor, floors),
    row(`summary, ${OWNERS.length} owners in turn`, measured, summaries),
    `      p99 ratio summary/floor ${ratio.toFixed(2)}; goal ≤ 1.25: ${
      !keptUp(measured) || !keptUp(floor)
        ? `NOT met (${
            keptUp(measured) ? 'the floor' : 'the summary'
          } did not keep up with ${RATE} req/s without failures)`
        : ratio <= 1.25
        ? 'met'
        : 'NOT met'
    }`,
  );
}

async function main() {
  if (!url)
    throw new Error(
      'CONVERGENCE_TEST_POSTGRES_URL is not set; run summary-load.sh',
    );
  fs.writeFileSync(
    ORG_FILE,
    organisation()
      .map(e => stringify(e))
      .join('---\n'),
  );
  try {
    await seed();
    const rows: string[] = [];
    let workers: ReturnType<typeof cluster.fork>[] = [];
    for (const replicas of REPLICAS) {
      await stopAll(workers);
      workers = await forkBackends(replicas, 'serve');
      // The catalog first, so that the sign-in finds the user and its team.
      callerToken = TOKEN;
      await waitForCatalog();
      if (CALLER === 'user') callerToken = await signInAsGuest(PORT);
      const hot = await get(HOT_SUMMARY);
      console.log(
        `${replicas} replica(s): the summary of dept-0 covers ${entitiesIn(
          hot,
        )} results of ${hot.owners.length} owners; measuring …`,
      );
      rows.push(`  ${replicas} replica(s):`);
      const step = (what: string) =>
        console.log(`  ${new Date().toISOString().slice(11, 19)} ${what}`);
      // Each scenario's figures are printed as soon as it ends, and again
      // together at the end.
      const scenarios: Array<[string, (into: string[]) => Promise<void>]> = [
        ['cache misses, sequential', cacheMisses],
        ['batch', batch],
        ['closed loop', closedLoop],
        ['open loop', openLoop],
      ];
      for (const [name, run] of scenarios) {
        step(name);
        const into: string[] = [];
        await run(into);
        console.log(into.join('\n'));
        rows.push(...into);
      }
    }
    await stopAll(workers);
    console.log(
      `\nsummary-load: ${N} results on PostgreSQL, permissions enabled (the portal's policy), caller: ${
        CALLER === 'user' ? 'signed-in user user:default/bench-user' : 'service'
      }, NODE_ENV=${process.env.NODE_ENV}, ${os.cpus().length} CPUs`,
    );
    console.log(rows.join('\n'));
  } finally {
    fs.rmSync(ORG_FILE, { force: true });
  }
}

const role = process.env.BENCH_ROLE;
if (cluster.isPrimary) {
  runMain(main);
} else {
  startBackend(role === 'seed' ? 'seed' : 'serve').catch(e => {
    console.error(e);
    process.exit(1);
  });
}
