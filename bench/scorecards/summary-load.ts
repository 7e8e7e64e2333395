/*
 * The owner summary (GET /api/scorecards/summary?owner=<parent team>) on
 * PostgreSQL with N stored results, under C concurrent clients, against two
 * baselines in the same run: an authenticated catalog read, and the floor —
 * the cheapest authenticated route a Backstage plugin can have (it checks
 * the caller and answers {}), which is what the platform's HTTP stack and
 * authentication cost before any plugin code runs. autocannon runs
 * in its own process. Each replica count in R (e.g. "1,2") is measured in
 * turn: R backend processes share the port through Node's cluster module, as
 * replicas share a load balancer. Each measurement runs K times, alternating
 * baseline and summary, and the medians are reported (the machine is noisy).
 * The caller is a service with a static token by default; with `user`, a
 * signed-in user (a guest user token, an ES256 JWT verified on every request,
 * as from the browser). Run through summary-load.sh, which provides the
 * database. Goal (issue 4): p99 < 50 ms.
 *
 *   summary-load.ts [N=50000] [C=50] [seconds=20] [R=1] [K=3] [service|user]
 */
import cluster from 'cluster';
import path from 'path';
import knexFactory from 'knex';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { ConfigReader } from '@backstage/config';
import { DatabaseScorecardStore } from '../../plugins/scorecards-backend/src/database/DatabaseScorecardStore';
import { StoredResult } from '../../plugins/scorecards-backend/src/database/ScorecardStore';

const execFileAsync = promisify(execFile);
type Load = { p50: number; p99: number; rps: number };

const N = Number(process.argv[2] ?? 50_000);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const SECONDS = Number(process.argv[4] ?? 20);
const REPLICAS = (process.argv[5] ?? '1').split(',').map(Number);
const REPEAT = Number(process.argv[6] ?? 3);
const CALLER = process.argv[7] ?? 'service';
if (CALLER !== 'service' && CALLER !== 'user')
  throw new Error(`caller must be 'service' or 'user', not '${CALLER}'`);
const TOKEN = 'bench-static-token-0123456789';
const PORT = 7300;
const url = process.env.CONVERGENCE_TEST_POSTGRES_URL!;
const OWNERS = [
  'product-ml',
  'fraud-ml',
  'recsys-ml',
  'ml-platform',
  'data-engineering',
  'acme',
];
const CHECKS = [
  'owner-is-group',
  'has-description',
  'model-card-complete',
  'model-monitoring-link',
  'dataset-classified',
  'pipeline-ran-recently',
];
const SUMMARY = '/api/scorecards/summary?owner=group:default/product-ml';
const CATALOG_READ = '/api/catalog/entities/by-name/group/default/product-ml';
const FLOOR = '/api/floor/ping';
/** The caller's token: the static one, or a user's from the guest provider. */
let callerToken = TOKEN;
const auth = () => ({ Authorization: `Bearer ${callerToken}` });

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

/** One replica: the catalog and the scorecards plugin on the shared database. */
async function startReplica() {
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () =>
        new ConfigReader({
          backend: {
            baseUrl: `http://localhost:${PORT}`,
            listen: { port: PORT },
            database: { client: 'pg', connection: url },
            auth: {
              externalAccess: [
                { type: 'static', options: { token: TOKEN, subject: 'bench' } },
              ],
            },
          },
          app: { baseUrl: `http://localhost:${PORT}` },
          auth: {
            providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
          },
          catalog: {
            rules: [{ allow: ['Group', 'User', 'Location'] }],
            locations: [
              {
                type: 'file',
                target: path.resolve(__dirname, '../../examples/org.yaml'),
              },
            ],
          },
          scorecards: {
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 5 },
              initialDelay: { hours: 24 },
            },
          },
        }),
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@convergence/backstage-plugin-scorecards-backend'));
  backend.add(floorPlugin);
  if (CALLER === 'user') {
    backend.add(import('@backstage/plugin-auth-backend'));
    backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  }
  await backend.start();
  process.send!('ready');
}

/** Load from a separate process (its own event loop), as real clients would. */
async function load(target: string): Promise<Load> {
  const bin = require.resolve('autocannon/autocannon.js');
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      bin,
      '-j',
      '-c',
      String(CONNECTIONS),
      '-d',
      String(SECONDS),
      '-H',
      `Authorization=Bearer ${callerToken}`,
      `http://localhost:${PORT}${target}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout);
  if (result.non2xx)
    throw new Error(`${target}: ${result.non2xx} non-2xx answers`);
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
  };
}

function median(runs: Load[]): Load {
  const mid = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  };
  return {
    p50: mid(runs.map(r => r.p50)),
    p99: mid(runs.map(r => r.p99)),
    rps: mid(runs.map(r => r.rps)),
  };
}

async function fork(count: number) {
  const workers = Array.from({ length: count }, () => cluster.fork());
  await Promise.all(
    workers.map(
      w =>
        new Promise<void>((resolve, reject) => {
          // The TypeScript loader also sends messages; wait for ours.
          w.on('message', m => m === 'ready' && resolve());
          w.once('exit', code =>
            reject(new Error(`a replica exited with ${code} while starting`)),
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

async function seed() {
  const knex = knexFactory({
    client: 'pg',
    connection: `${url}/backstage_plugin_scorecards`,
  });
  // The first replica has run the plugin's migrations.
  const store = await DatabaseScorecardStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: true },
    } as any,
  });
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const batch: StoredResult[] = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const failing = CHECKS.filter((_, k) => (j + k) % 4 === 0);
      batch.push({
        entityRef: `model:default/m-${j}`,
        scorecardId: 'ml-production-readiness',
        ownerRef: `group:default/${OWNERS[j % OWNERS.length]}`,
        systemRef: `system:default/s-${j % 40}`,
        level: failing.length ? 'Bronze' : 'Gold',
        score: 1 - failing.length / CHECKS.length,
        checks: CHECKS.map(c => ({
          checkId: c,
          status: failing.includes(c) ? ('fail' as const) : ('pass' as const),
        })),
        evaluatedAt: new Date(Date.now() - (j % 30) * 86_400_000).toISOString(),
      });
    }
    await store.saveResults(batch);
  }
  await knex.destroy();
  console.log(
    `seeded ${N} results in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

/** A user token, as the browser gets it from the guest sign-in. */
async function signInAsGuest() {
  const res = await fetch(`http://localhost:${PORT}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token as string;
}

async function waitForCatalog() {
  // The summary walks the group hierarchy, so the catalog must have it.
  for (;;) {
    const res = await fetch(`http://localhost:${PORT}${CATALOG_READ}`, {
      headers: auth(),
    });
    if (res.ok) return;
    await new Promise(r => setTimeout(r, 500));
  }
}

async function main() {
  if (!url)
    throw new Error(
      'CONVERGENCE_TEST_POSTGRES_URL is not set; run summary-load.sh',
    );
  // One replica first: it creates the databases and runs the migrations.
  let workers = await fork(1);
  await seed();
  const rows: string[] = [];
  for (const replicas of REPLICAS) {
    if (workers.length !== replicas) {
      await stopAll(workers);
      workers = await fork(replicas);
    }
    if (CALLER === 'user') callerToken = await signInAsGuest();
    await waitForCatalog();
    const summary = await (
      await fetch(`http://localhost:${PORT}${SUMMARY}`, { headers: auth() })
    ).json();
    console.log(
      `${replicas} replica(s): the summary of product-ml covers ${
        summary.summaries[0]?.entities
      } entities (owners ${summary.owners.join(', ')})`,
    );
    const baselines: Load[] = [];
    const floors: Load[] = [];
    const summaries: Load[] = [];
    for (let k = 0; k < REPEAT; k++) {
      baselines.push(await load(CATALOG_READ));
      floors.push(await load(FLOOR));
      summaries.push(await load(SUMMARY));
    }
    const baseline = median(baselines);
    const floor = median(floors);
    const measured = median(summaries);
    const row = (name: string, r: Load, all: Load[]) =>
      `    ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(
        r.rps,
      )} req/s  (p99 of each run: ${all.map(a => a.p99).join(', ')} ms)`;
    rows.push(
      `  ${replicas} replica(s), median of ${REPEAT} runs:`,
      row('catalog entity read (baseline)', baseline, baselines),
      row('floor: authenticate, answer {}', floor, floors),
      row('owner summary                 ', measured, summaries),
      `    p99 ratio summary/catalog read: ${(
        measured.p99 / baseline.p99
      ).toFixed(2)}, summary/floor: ${(measured.p99 / floor.p99).toFixed(
        2,
      )}  (goal p99 < 50 ms: ${measured.p99 < 50 ? 'met' : 'NOT met'}; floor ${
        floor.p99 < 50 ? 'under' : 'over'
      } 50 ms)`,
    );
  }
  await stopAll(workers);
  console.log(
    `\nsummary-load: ${N} results on PostgreSQL, ${CONNECTIONS} clients, ${SECONDS} s each, caller: ${CALLER}, NODE_ENV=${process.env.NODE_ENV}`,
  );
  console.log(rows.join('\n'));
}

if (cluster.isPrimary) {
  main().then(
    () => process.exit(0),
    e => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  startReplica().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
