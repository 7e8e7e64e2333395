/*
 * The owner summary (GET /api/scorecards/summary?owner=<parent team>) on
 * PostgreSQL with N stored results, under C concurrent clients, against an
 * authenticated catalog read in the same run as the baseline. autocannon runs
 * in its own process. Run through
 * summary-load.sh, which provides the database. Goal (issue 4): p99 < 50 ms.
 */
import path from 'path';
import knexFactory from 'knex';
import { execFile } from 'child_process';
import { promisify } from 'util';

const execFileAsync = promisify(execFile);
type Load = { p50: number; p99: number; rps: number };
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { DatabaseScorecardStore } from '../../plugins/scorecards-backend/src/database/DatabaseScorecardStore';
import { StoredResult } from '../../plugins/scorecards-backend/src/database/ScorecardStore';

const N = Number(process.argv[2] ?? 50_000);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const SECONDS = Number(process.argv[4] ?? 20);
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

/** Load from a separate process (its own event loop and core), as real clients would. */
async function run(target: string): Promise<Load> {
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
      `Authorization=Bearer ${TOKEN}`,
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

async function main() {
  if (!url)
    throw new Error(
      'CONVERGENCE_TEST_POSTGRES_URL is not set; run summary-load.sh',
    );
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
  await backend.start();

  // Seed N results straight into the plugin's database.
  const knex = knexFactory({
    client: 'pg',
    connection: `${url}/backstage_plugin_scorecards`,
  });
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
  console.log(
    `seeded ${N} results in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Wait until the catalog has the groups (the summary walks the hierarchy).
  for (;;) {
    const res = await fetch(
      `http://localhost:${PORT}/api/catalog/entities/by-name/group/default/product-ml`,
      {
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    );
    if (res.ok) break;
    await new Promise(r => setTimeout(r, 500));
  }
  const summary = await (
    await fetch(
      `http://localhost:${PORT}/api/scorecards/summary?owner=group:default/product-ml`,
      {
        headers: { Authorization: `Bearer ${TOKEN}` },
      },
    )
  ).json();
  console.log(
    `summary of product-ml covers ${
      summary.summaries[0]?.entities
    } entities (owners ${summary.owners.join(', ')})`,
  );

  const baseline = await run(
    '/api/catalog/entities/by-name/group/default/product-ml',
  );
  const measured = await run(
    '/api/scorecards/summary?owner=group:default/product-ml',
  );
  const row = (name: string, r: Load) =>
    `  ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(r.rps)} req/s`;
  console.log(
    `\nsummary-load: ${N} results on PostgreSQL, ${CONNECTIONS} clients, ${SECONDS} s each`,
  );
  console.log(row('catalog entity read (baseline)', baseline));
  console.log(row('owner summary                 ', measured));
  console.log(
    `  p99 ratio summary/baseline: ${(measured.p99 / baseline.p99).toFixed(
      2,
    )}  (goal p99 < 50 ms: ${measured.p99 < 50 ? 'met' : 'NOT met'})`,
  );
  await knex.destroy();
  await backend.stop();
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
