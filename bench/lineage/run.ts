/*
 * bench/lineage: the downstream lineage query of the mlops backend
 * (GET /api/mlops/lineage/dataset/default/<hub>?direction=downstream&depth=N)
 * for the most-connected dataset of a generated estate, against the
 * authenticated catalog read of that dataset
 * (GET /api/catalog/entities/by-name/dataset/default/<hub>) measured in the
 * same run, on the same backend, by the same caller.
 *
 * One backend process (a cluster worker) runs the real catalog with the
 * Convergence kinds module, an entity provider that applies the generated
 * estate (estate.ts: 20,000 ML entities, 2,000 services, 200 teams) as one
 * full mutation, the permission backend with the portal's real policy
 * (permissionModuleConvergencePolicy from `backend/modules`), the auth
 * backend with guest sign-in and the mlops backend plugin, on PostgreSQL
 * (run.sh starts a throwaway server), or on SQLite files with --sqlite (the
 * catalog then processes about 30 entities a second on the development
 * machine, so scale 1 takes some 12 minutes to load).
 * NODE_ENV=production. The caller is a signed-in user
 * (user:default/bench-user, a member of team-0, a user token verified on
 * every request, as from the browser).
 *
 * Measured, once the catalog has processed and stitched every entity (each
 * entity's downstream relations are exactly those the generated specs imply):
 *
 *  1. cold: the first downstream query of the hub after the backend started
 *     (nothing asked of the lineage service before), then the first query of
 *     each of the next 5 most-connected datasets; after the warm runs the
 *     backend is restarted (--restarts times) and the hub's first query is
 *     timed again. Goal (issue 16): every cold query under 2 s.
 *  2. warm, open loop: autocannon in its own process at a fixed overall rate
 *     (latencies corrected for coordinated omission), after a warm-up of a
 *     few seconds per route at that rate (not counted), K runs alternating the
 *     order of the catalog read (baseline) and the lineage query; medians of
 *     the K runs. Goal (issue 16): lineage p99 at most 1.5x the catalog
 *     read's p99 at 100 req/s; not met when a route does not keep up with the
 *     rate (under 95 % of it done) or has failed requests.
 *  3. the answer's size, and whether it agrees with the bench's own
 *     breadth-first walk over the generated specs (estate.ts): the same
 *     entities at the same depths, the same totals per kind and per owner.
 *     --self-check drops one link from the bench's walk, so that it must
 *     disagree.
 *
 * The open loop sends Accept-Encoding: gzip, as the browser showing the
 * Impact card does, to both routes (the catalog read is gzipped by the
 * backend's compression middleware, the lineage answer once with its cached
 * bytes); --identity asks for uncompressed answers instead. The single
 * requests (cold, sizes) use Node's fetch, which asks for gzip.
 *
 * Run through run.sh:
 *
 *   bench/lineage/run.sh [--scale 1] [--rate 100] [--seconds 20] [--runs 3]
 *     [--depth 20] [--restarts 2] [--others 5] [--warm-up 5] [--sqlite]
 *     [--self-check] [--identity] [--refresh-seconds N]
 */
import cluster from 'cluster';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { gzipSync } from 'zlib';
import { createBackend } from '@backstage/backend-defaults';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { LineageResponse } from '@convergence/backstage-plugin-mlops-common';
import { createTestEntityProviderModule } from '@convergence/backstage-plugin-mlops-node/testUtils';
import {
  addPortalPermissionAndAuth,
  BenchDatabase,
  portalConfig,
  rootConfig,
  runMain,
  signInAsGuest,
} from '../lib/backend';
import { Load, runLoad } from '../lib/load';
import { median } from '../lib/stats';
import {
  countBy,
  DOWNSTREAM_RELATIONS,
  Estate,
  generateEstate,
  reachDownstream,
} from './estate';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    depth: { type: 'string', default: '20' },
    restarts: { type: 'string', default: '2' },
    others: { type: 'string', default: '5' },
    'warm-up': { type: 'string', default: '5' },
    'self-check': { type: 'boolean', default: false },
    gzip: { type: 'boolean', default: true },
    identity: { type: 'boolean', default: false },
    'refresh-seconds': { type: 'string' },
    sqlite: { type: 'boolean', default: false },
  },
});
/** Both routes' answers gzipped unless --identity. */
const GZIP = args.gzip && !args.identity;
const SCALE = Number(args.scale);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const RUNS = Number(args.runs);
const DEPTH = Number(args.depth);
const RESTARTS = Number(args.restarts);
const OTHERS = Number(args.others);
const WARM_UP = Number(args['warm-up']);
for (const [name, v] of Object.entries({
  SCALE,
  RATE,
  SECONDS,
  RUNS,
  DEPTH,
})) {
  if (!(v > 0)) throw new Error(`--${name.toLowerCase()} must be positive`);
}
const TOKEN = 'bench-static-token-0123456789';
/** The backend's port (never 7007): BENCH_PORT, or 7321. */
const PORT = Number(process.env.BENCH_PORT ?? 7321);
const PG_URL = process.env.CONVERGENCE_TEST_POSTGRES_URL;
if (!args.sqlite && !PG_URL)
  throw new Error(
    'CONVERGENCE_TEST_POSTGRES_URL is not set: run through bench/lineage/run.sh (or pass --sqlite)',
  );
// The primary names the SQLite directory; the backends it forks inherit it.
const SQLITE_DIR = (process.env.BENCH_SQLITE_DIR ??= path.join(
  os.tmpdir(),
  `bench-lineage-${process.pid}`,
));
/** Where the backend processes log. */
const LOG_FILE = path.join(os.tmpdir(), `bench-lineage-${process.pid}.log`);
const COLD_GOAL_MS = 2000;
const RATIO_GOAL = 1.5;
/** No answer within this many ms fails the run rather than hanging it. */
const REQUEST_TIMEOUT_MS = 60_000;

const database: BenchDatabase = args.sqlite
  ? { client: 'better-sqlite3', connection: { directory: SQLITE_DIR } }
  : { client: 'pg', connection: PG_URL! };

/* ------------------------------------------------------------------ */
/* The backend process                                                */
/* ------------------------------------------------------------------ */

/** The entity provider that feeds the estate to the catalog. */
const seed = createTestEntityProviderModule('bench-lineage');

async function startBackend() {
  const estate = generateEstate(SCALE);
  const backend = createBackend();
  backend.add(
    rootConfig({
      ...portalConfig(PORT, database, TOKEN),
      // The plugin's defaults unless --refresh-seconds is given.
      ...(args['refresh-seconds'] && {
        mlops: {
          lineage: {
            refreshIntervalSeconds: Number(args['refresh-seconds']),
          },
        },
      }),
      catalog: {
        rules: [
          {
            allow: [
              'Group',
              'User',
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
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@convergence/backstage-plugin-catalog-backend-module-mlops'),
  );
  backend.add(seed.module);
  addPortalPermissionAndAuth(backend);
  let lineage = 'loaded';
  try {
    backend.add(
      (await import('@convergence/backstage-plugin-mlops-backend')).default,
    );
  } catch (error) {
    // Reported by the primary: the lineage figures are then not measured.
    lineage = `could not load @convergence/backstage-plugin-mlops-backend: ${
      (error as Error).message.split('\n')[0]
    }`;
  }
  await backend.start();
  if (process.env.BENCH_SEED === '1') {
    // The whole estate as one full mutation, as a provider does.
    const t0 = performance.now();
    await seed.connection().applyMutation({
      type: 'full',
      entities: [...estate.org, ...estate.items.map(i => i.entity)].map(
        entity => ({ entity, locationKey: 'bench-lineage' }),
      ),
    });
    process.send!({ seededMs: performance.now() - t0 });
  }
  process.send!({ ready: true, lineage });
}

/* ------------------------------------------------------------------ */
/* The bench (primary)                                                */
/* ------------------------------------------------------------------ */

/** Load from a separate process at the fixed rate, as the signed-in user. */
const load = (target: string, seconds = SECONDS): Promise<Load> =>
  runLoad({
    url: `http://localhost:${PORT}`,
    paths: [target],
    // Enough connections that none waits for a free one at this rate.
    connections: Math.max(100, Math.ceil(RATE / 3)),
    seconds,
    overallRate: RATE,
    token: userToken,
    gzip: GZIP,
  });

/** The signed-in user's token (guest sign-in), once the catalog has the user. */
let userToken = '';

async function request(target: string, token = userToken) {
  const t0 = performance.now();
  const res = await fetch(`http://localhost:${PORT}${target}`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok)
    throw new Error(`${target}: ${res.status} ${body.slice(0, 500)}`);
  return { ms, body };
}

type Worker = ReturnType<typeof cluster.fork>;

/** Starts the backend; resolves when it listens, with whether lineage loaded. */
async function fork(seed: boolean) {
  // The backend's log goes to a file (its shutdown logs the requests it cut
  // short); the tail is printed when it fails to start.
  cluster.setupPrimary({ silent: true });
  const worker = cluster.fork({ BENCH_SEED: seed ? '1' : '0' });
  const log = fs.createWriteStream(LOG_FILE, { flags: 'a' });
  worker.process.stdout?.pipe(log);
  worker.process.stderr?.pipe(log);
  const started = performance.now();
  const lineage = await new Promise<string>((resolve, reject) => {
    // The TypeScript loader also sends messages; wait for ours.
    worker.on('message', m => {
      if (m?.ready) resolve(m.lineage);
      if (m?.seededMs)
        console.log(
          `  the provider's full mutation of the estate took ${sec(
            m.seededMs,
          )}`,
        );
    });
    worker.once('exit', code =>
      reject(
        new Error(
          `the backend exited with ${code} while starting; the end of its log (${LOG_FILE}):\n${fs
            .readFileSync(LOG_FILE, 'utf8')
            .split('\n')
            .slice(-30)
            .join('\n')}`,
        ),
      ),
    );
  });
  return { worker, lineage, startMs: performance.now() - started };
}

async function stop(worker: Worker) {
  await new Promise<void>(resolve => {
    if (worker.isDead()) resolve();
    else {
      worker.once('exit', () => resolve());
      worker.kill('SIGTERM');
    }
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const msf = (ms: number) => `${ms.toFixed(0)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

type CatalogPage = {
  items: Array<{
    kind: string;
    metadata: { name: string; namespace?: string; etag?: string };
    relations?: Array<{ type: string; targetRef: string }>;
  }>;
  totalItems: number;
  pageInfo: { nextCursor?: string };
};

/**
 * How far the catalog is: entities listed, and how many of the generated
 * ones lack some of the downstream relations their neighbours' specs imply
 * (or have others).
 */
async function catalogProgress(estate: Estate) {
  const expected = estate.org.length + estate.items.length;
  const first = (await request(
    '/api/catalog/entities/by-query?limit=1',
    TOKEN,
  ).then(r => JSON.parse(r.body))) as CatalogPage;
  if (first.totalItems < expected)
    return { listed: first.totalItems, expected, unstitched: -1, etags: '' };
  let unstitched = 0;
  let cursor: string | undefined;
  const etags: string[] = [];
  const fields =
    'kind,metadata.name,metadata.namespace,metadata.etag,relations';
  do {
    const page = (await request(
      cursor
        ? `/api/catalog/entities/by-query?limit=2000&fields=${fields}&cursor=${encodeURIComponent(
            cursor,
          )}`
        : `/api/catalog/entities/by-query?limit=2000&fields=${fields}`,
      TOKEN,
    ).then(r => JSON.parse(r.body))) as CatalogPage;
    for (const e of page.items) {
      etags.push(e.metadata.etag ?? '');
      const ref = stringifyEntityRef({
        kind: e.kind,
        namespace: e.metadata.namespace,
        name: e.metadata.name,
      }).toLocaleLowerCase('en-US');
      const want = new Set(estate.downstream.get(ref) ?? []);
      const have = new Set(
        (e.relations ?? [])
          .filter(r => DOWNSTREAM_RELATIONS.includes(r.type))
          .map(r => r.targetRef),
      );
      if (want.size !== have.size || [...want].some(t => !have.has(t)))
        unstitched++;
    }
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return {
    listed: first.totalItems,
    expected,
    unstitched,
    etags: etags.join(),
  };
}

/**
 * Waits until the catalog lists every entity, each with exactly the
 * downstream relations the specs imply, and no etag changed between two
 * such polls (stitching done).
 */
async function waitForCatalog(estate: Estate) {
  const t0 = performance.now();
  let last = '';
  for (;;) {
    let p;
    try {
      p = await catalogProgress(estate);
    } catch (error) {
      p = undefined; // not answering yet
    }
    if (p && p.listed >= p.expected && p.unstitched === 0) {
      if (p.etags === last) break;
      last = p.etags;
    }
    process.stdout.write(
      `\r  waiting for the catalog: ${
        p
          ? `${p.listed} of ${p.expected} listed${
              p.unstitched >= 0
                ? `, ${p.unstitched} without all their relations`
                : ''
            }`
          : 'not answering'
      } (${sec(performance.now() - t0)})   `,
    );
    await sleep(5000);
  }
  process.stdout.write('\n');
  return performance.now() - t0;
}

const lineagePath = (ref: string) => {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return `/api/mlops/lineage/${encodeURIComponent(kind)}/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}?direction=downstream&depth=${DEPTH}`;
};

const sameCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every(k => (a[k] ?? 0) === (b[k] ?? 0));
};
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/**
 * Compares the service's answer with the bench's own walk; returns the
 * differences (none when they agree).
 */
function disagreements(estate: Estate, root: string, answer: LineageResponse) {
  const own = reachDownstream(estate, root, DEPTH);
  const out: string[] = [];
  if (answer.totals.entities !== own.depthOf.size)
    out.push(
      `totals.entities ${answer.totals.entities}, the bench's walk ${own.depthOf.size}`,
    );
  const byKind = countBy(estate, own.depthOf.keys(), 'kind');
  if (!sameCounts(answer.totals.byKind, byKind))
    out.push(
      `byKind {${counts(answer.totals.byKind)}}, the bench's walk {${counts(
        byKind,
      )}}`,
    );
  const byOwner = countBy(estate, own.depthOf.keys(), 'owner');
  if (!sameCounts(answer.totals.byOwner, byOwner)) out.push('byOwner differs');
  if (answer.totals.owners !== Object.keys(byOwner).length)
    out.push(
      `owners ${answer.totals.owners}, the bench's walk ${
        Object.keys(byOwner).length
      }`,
    );
  if (answer.totals.hidden !== 0)
    out.push(`hidden ${answer.totals.hidden}, expected 0 (all readable)`);
  if (answer.truncated !== own.truncated)
    out.push(
      `truncated ${answer.truncated}, the bench's walk ${own.truncated}`,
    );
  const listed = new Map(answer.entities.map(e => [e.entityRef, e.depth]));
  const missing = [...own.depthOf.keys()].filter(r => !listed.has(r));
  const extra = [...listed.keys()].filter(r => !own.depthOf.has(r));
  const deeper = [...own.depthOf].filter(
    ([r, d]) => listed.has(r) && listed.get(r) !== d,
  );
  if (missing.length)
    out.push(`${missing.length} not listed (e.g. ${missing[0]})`);
  if (extra.length)
    out.push(
      `${extra.length} listed that the walk does not reach (e.g. ${extra[0]})`,
    );
  if (deeper.length)
    out.push(
      `${deeper.length} at another depth (e.g. ${deeper[0][0]}: ${listed.get(
        deeper[0][0],
      )}, the walk ${deeper[0][1]})`,
    );
  return out;
}

async function main() {
  const began = performance.now();
  console.log(
    `bench/lineage/run.sh --scale ${SCALE} --rate ${RATE} --seconds ${SECONDS} --runs ${RUNS} --depth ${DEPTH} --restarts ${RESTARTS}${
      args.sqlite ? ' --sqlite' : ''
    }${GZIP ? '' : ' --identity'}${
      args['refresh-seconds']
        ? ` --refresh-seconds ${args['refresh-seconds']}`
        : ''
    }  (node ${process.version}, ${os.cpus().length} CPUs, NODE_ENV=${
      process.env.NODE_ENV
    }, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')})`,
  );
  const estate = generateEstate(SCALE);
  // The most-connected datasets: the largest downstream reach, by the bench's walk.
  const ranked = estate.items
    .filter(i => i.kind === 'Dataset')
    .map(i => ({ ref: i.ref, reach: reachDownstream(estate, i.ref) }))
    .sort(
      (a, b) =>
        b.reach.depthOf.size - a.reach.depthOf.size ||
        a.ref.localeCompare(b.ref),
    );
  const hub = ranked[0];
  const others = ranked.slice(1, 1 + OTHERS);
  const kinds = countBy(
    estate,
    estate.items.map(i => i.ref),
    'kind',
  );
  const atDepth = reachDownstream(estate, hub.ref, DEPTH);
  console.log(
    [
      `estate: ${estate.items.length} entities (${counts(kinds)}), ${
        estate.org.length
      } groups and users; ${[...estate.downstream.values()].reduce(
        (n, l) => n + l.length,
        0,
      )} lineage links`,
      `hub (most-connected dataset): ${hub.ref}: reaches ${
        hub.reach.depthOf.size
      } entities downstream, max depth ${
        hub.reach.maxDepth
      }; within depth ${DEPTH}: ${atDepth.depthOf.size} (${counts(
        countBy(estate, atDepth.depthOf.keys(), 'kind'),
      )}), ${
        Object.keys(countBy(estate, atDepth.depthOf.keys(), 'owner')).length
      } owners; within depth 6: ${
        reachDownstream(estate, hub.ref, 6).depthOf.size
      }`,
      `next ${others.length} datasets by reach: ${others
        .map(o => `${o.ref} (${o.reach.depthOf.size})`)
        .join(', ')}`,
    ].join('\n'),
  );

  fs.rmSync(SQLITE_DIR, { recursive: true, force: true });
  const rows: string[] = [];
  let backend = await fork(true);
  try {
    console.log(
      `backend started and the estate applied in ${sec(backend.startMs)} (${
        args.sqlite ? `SQLite files in ${SQLITE_DIR}` : 'PostgreSQL'
      }; its log: ${LOG_FILE}); lineage plugin: ${backend.lineage}`,
    );
    const caught = await waitForCatalog(estate);
    console.log(
      `catalog processed and stitched all ${
        estate.org.length + estate.items.length
      } entities ${sec(
        caught,
      )} after the mutation (relations complete, etags settled)`,
    );
    userToken = await signInAsGuest(PORT);
    if (args['self-check']) {
      // The bench's walk loses one link of the hub: the agree line must say NO.
      const dropped = estate.downstream.get(hub.ref)!.pop();
      console.log(
        `self-check: the bench's walk drops the link ${hub.ref} -> ${dropped}`,
      );
    }
    const hubRead = `/api/catalog/entities/by-name/dataset/default/${encodeURIComponent(
      hub.ref.split('/')[1],
    )}`;
    const baselineAnswer = await request(hubRead);

    let lineageOk = backend.lineage === 'loaded';
    let lineageError = lineageOk ? '' : backend.lineage;
    const colds: number[] = [];
    const otherColds: number[] = [];
    let hubAnswer: { ms: number; body: string } | undefined;
    if (lineageOk) {
      try {
        hubAnswer = await request(lineagePath(hub.ref));
      } catch (error) {
        lineageOk = false;
        lineageError = (error as Error).message;
      }
    }
    if (hubAnswer) {
      colds.push(hubAnswer.ms);
      const answer = JSON.parse(hubAnswer.body) as LineageResponse;
      const diff = disagreements(estate, hub.ref, answer);
      rows.push(
        `  results agree: ${
          diff.length === 0
            ? `yes: the service lists ${
                answer.totals.entities
              } entities downstream of the hub within depth ${DEPTH} (${counts(
                answer.totals.byKind,
              )}; ${answer.totals.owners} owners; truncated ${
                answer.truncated
              }), the bench's own walk over the generated specs the same entities at the same depths, per kind and per owner`
            : `NO: ${diff.join('; ')}`
        }`,
      );
      const gz = gzipSync(hubAnswer.body).length;
      rows.push(
        `  answer sizes: lineage ${kb(hubAnswer.body.length)} (${kb(
          gz,
        )} gzipped), catalog read ${kb(baselineAnswer.body.length)}`,
      );
      rows.push(
        `  cold: the hub's first lineage query after start ${msf(
          hubAnswer.ms,
        )} (the catalog read of the hub just before: ${msf(
          baselineAnswer.ms,
        )})`,
      );
      const walked = new Set(atDepth.depthOf.keys());
      const parts: string[] = [];
      for (const other of others) {
        const r = await request(lineagePath(other.ref));
        const a = JSON.parse(r.body) as LineageResponse;
        const diff2 = disagreements(estate, other.ref, a);
        const own = reachDownstream(estate, other.ref, DEPTH).depthOf;
        const overlap = [...own.keys()].filter(k => walked.has(k)).length;
        for (const k of own.keys()) walked.add(k);
        otherColds.push(r.ms);
        parts.push(
          `    ${other.ref}: ${msf(r.ms)}, ${
            a.totals.entities
          } entities (${overlap} of them reached by earlier queries)${
            diff2.length ? `; DISAGREES: ${diff2.join('; ')}` : '; agrees'
          }`,
        );
      }
      if (otherColds.length > 0)
        rows.push(
          `  cold, first query of the next ${
            others.length
          } datasets: median ${msf(median(otherColds))}, max ${msf(
            Math.max(...otherColds),
          )}`,
          ...parts,
        );
    } else {
      rows.push(`  lineage NOT measured: ${lineageError}`);
    }
    console.log(rows.join('\n'));

    // Warm, open loop.
    const baselines: Load[] = [];
    const lineages: Load[] = [];
    const step = (what: string) =>
      console.log(`  ${new Date().toISOString().slice(11, 19)} ${what}`);
    if (WARM_UP > 0) {
      // Not counted: each route at the rate for a few seconds.
      step(`warm-up, ${WARM_UP} s per route`);
      await load(hubRead, WARM_UP);
      if (lineageOk) await load(lineagePath(hub.ref), WARM_UP);
    }
    for (let k = 0; k < RUNS; k++) {
      const order =
        k % 2 === 0 ? ['baseline', 'lineage'] : ['lineage', 'baseline'];
      for (const which of order) {
        if (which === 'lineage' && !lineageOk) continue;
        step(`run ${k + 1}: ${which}`);
        const r = await load(
          which === 'lineage' ? lineagePath(hub.ref) : hubRead,
        );
        (which === 'lineage' ? lineages : baselines).push(r);
        console.log(
          `    p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(0)} req/s${
            r.failed ? `, ${r.failed} failed` : ''
          }`,
        );
      }
    }
    const mid = (runs: Load[]): Load => ({
      p50: median(runs.map(r => r.p50)),
      p99: median(runs.map(r => r.p99)),
      rps: median(runs.map(r => r.rps)),
      failed: runs.reduce((n, r) => n + r.failed, 0),
    });
    const row = (name: string, all: Load[]) => {
      const r = mid(all);
      return `    ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(
        0,
      )} req/s done (p99 of each run: ${all.map(a => a.p99).join(', ')} ms)${
        r.failed ? `, ${r.failed} FAILED requests` : ', no failures'
      }`;
    };
    const keptUp = (r: Load) => r.rps >= 0.95 * RATE && !r.failed;
    const base = mid(baselines);
    rows.push(
      `  warm, open loop at ${RATE} req/s, ${SECONDS} s per run, median of ${RUNS} runs, order alternating, ${
        GZIP
          ? 'answers gzipped (Accept-Encoding: gzip, as from a browser)'
          : 'answers not compressed (no Accept-Encoding)'
      }:`,
      row('catalog read of the hub (baseline)', baselines),
    );
    let warmGoal = `NOT met (lineage not measured)`;
    if (lineages.length) {
      const lin = mid(lineages);
      const ratio = lin.p99 / base.p99;
      rows.push(
        row(`lineage downstream of the hub     `, lineages),
        `    p99 ratio lineage/catalog read ${ratio.toFixed(
          2,
        )} (per run ${lineages
          .map((l, i) => (l.p99 / baselines[i].p99).toFixed(2))
          .join(', ')})`,
      );
      warmGoal =
        !keptUp(lin) || !keptUp(base)
          ? `NOT met (${
              keptUp(lin) ? 'the catalog read' : 'the lineage query'
            } did not keep up with ${RATE} req/s without failures)`
          : ratio <= RATIO_GOAL
          ? `met (${ratio.toFixed(2)})`
          : `NOT met (${ratio.toFixed(2)})`;
    }

    // Cold again after restarts: nothing cached in the new process.
    if (lineageOk) {
      for (let r = 0; r < RESTARTS; r++) {
        await stop(backend.worker);
        backend = await fork(false);
        const ready = await waitForCatalog(estate);
        userToken = await signInAsGuest(PORT);
        const first = await request(lineagePath(hub.ref));
        colds.push(first.ms);
        step(
          `restart ${r + 1}: backend up in ${sec(
            backend.startMs,
          )}, catalog complete ${sec(
            ready,
          )} later; the hub's first lineage query ${msf(first.ms)}`,
        );
      }
      rows.push(
        `  cold, the hub's first query in each of ${
          colds.length
        } backend processes: ${colds.map(msf).join(', ')} (median ${msf(
          median(colds),
        )})`,
      );
    }
    const allColds = [...colds, ...otherColds];
    const coldMax = allColds.length ? Math.max(...allColds) : NaN;
    rows.push(
      `  goal cold < 2 s: ${
        !lineageOk
          ? 'NOT met (lineage not measured)'
          : coldMax < COLD_GOAL_MS
          ? `met (slowest ${msf(coldMax)})`
          : `NOT met (slowest ${msf(coldMax)})`
      }`,
      `  goal warm p99 <= ${RATIO_GOAL}x the catalog read's at ${RATE} req/s: ${warmGoal}`,
    );
    console.log(
      `\nbench/lineage: ${estate.items.length} entities on ${
        args.sqlite ? 'SQLite' : 'PostgreSQL'
      }, permissions enabled (the portal's policy), caller: signed-in user user:default/bench-user, query depth ${DEPTH}; ${sec(
        performance.now() - began,
      )} in all`,
    );
    console.log(rows.join('\n'));
  } finally {
    await stop(backend.worker);
    if (args.sqlite) fs.rmSync(SQLITE_DIR, { recursive: true, force: true });
  }
}

if (cluster.isPrimary) {
  runMain(main);
} else {
  startBackend().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
