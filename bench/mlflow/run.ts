/*
 * bench/mlflow: the MLflow provider's full crawl against a bare paging loop
 * over the same endpoints, on a real MLflow server (from .venv) holding
 * N registered models x V versions. Run through run.sh.
 *
 * The bare loop makes the same requests with the same concurrency (4 models
 * and 4 runs per model in flight) and only parses the JSON; the ratio is what
 * the provider adds: retries bookkeeping, mapping and entity building.
 * Goal (issue 6): ratio at most 1.5 and peak memory under 512 MB.
 */
import { execFileSync } from 'child_process';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { forEachLimited } from '@convergence/backstage-plugin-mlops-node';
import { MlflowEntityProvider } from '@convergence/backstage-plugin-catalog-backend-module-mlflow';
import {
  MlflowServer,
  venvBin,
} from '../../plugins/catalog-backend-module-mlflow/src/__testUtils__/mlflowServer';

const MODELS = Number(process.argv[2] ?? 5000);
const VERSIONS = Number(process.argv[3] ?? 3);
const ROUNDS = Number(process.argv[4] ?? 2);
const PAGE = 100;

async function getJson(url: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** The same requests as the provider, results thrown away. */
async function bareLoop(base: string) {
  const api = `${base}/api/2.0/mlflow`;
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await getJson(
      `${api}/registered-models/search?max_results=${PAGE}${
        token ? `&page_token=${encodeURIComponent(token)}` : ''
      }`,
    );
    names.push(...(page.registered_models ?? []).map((m: any) => m.name));
    token = page.next_page_token;
  } while (token);
  let runs = 0;
  await forEachLimited(names, 4, async name => {
    const runIds: string[] = [];
    let vtoken: string | undefined;
    do {
      const page = await getJson(
        `${api}/model-versions/search?filter=${encodeURIComponent(
          `name='${name}'`,
        )}&max_results=${PAGE}${
          vtoken ? `&page_token=${encodeURIComponent(vtoken)}` : ''
        }`,
      );
      runIds.push(
        ...(page.model_versions ?? []).flatMap((v: any) =>
          v.run_id ? [v.run_id] : [],
        ),
      );
      vtoken = page.next_page_token;
    } while (vtoken);
    await forEachLimited(runIds, 4, async id => {
      await getJson(`${api}/runs/get?run_id=${id}`);
      runs += 1;
    });
  });
  return { models: names.length, runs };
}

async function timed<T>(fn: () => Promise<T>) {
  if (global.gc) global.gc();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { result, seconds, peakMb: peak / 2 ** 20, startMb: rss0 / 2 ** 20 };
}

async function main() {
  // The store lives in memory (tmpfs) when the machine has one: seeding
  // 15,000 versions through fsync-ing SQLite takes several times longer.
  const server = await MlflowServer.create({
    workers: 2,
    parentDir: require('fs').existsSync('/dev/shm') ? '/dev/shm' : undefined,
  });
  try {
    console.log(`MLflow at ${server.url}; seeding ${MODELS} x ${VERSIONS} …`);
    const t0 = performance.now();
    execFileSync(
      path.join(path.dirname(venvBin('python')), 'python'),
      [
        path.resolve(__dirname, 'seed.py'),
        server.databasePath,
        String(MODELS),
        String(VERSIONS),
      ],
      { stdio: 'inherit' },
    );
    console.log(
      `seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );

    const provider = new MlflowEntityProvider(
      {
        providerId: 'bench',
        baseUrl: server.url,
        uiUrl: server.url,
        defaultOwner: 'group:default/ml-platform',
        ownerTag: 'owner',
        type: 'unspecified',
        headlineAliases: ['champion', 'production'],
        pageSize: PAGE,
        maxVersions: 20,
        schedule: { frequency: { hours: 1 }, timeout: { hours: 1 } },
      },
      {
        logger: mockServices.rootLogger({ level: 'warn' }),
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
      },
    );
    const bare: number[] = [];
    const ours: number[] = [];
    let peakMb = 0;
    let entities = 0;
    // Warm the server (SQLAlchemy, page cache) before anything is timed.
    await bareLoop(server.url);
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so drift on a noisy machine evens out.
      const runBare = () => timed(() => bareLoop(server.url));
      const runOurs = () => timed(() => provider.crawl());
      let b: Awaited<ReturnType<typeof runBare>>;
      let p: Awaited<ReturnType<typeof runOurs>>;
      if (round % 2) {
        b = await runBare();
        p = await runOurs();
      } else {
        p = await runOurs();
        b = await runBare();
      }
      bare.push(b.seconds);
      ours.push(p.seconds);
      peakMb = Math.max(peakMb, p.peakMb);
      entities = p.result.length;
      console.log(
        `round ${round}: bare loop ${b.seconds.toFixed(1)} s (${
          b.result.models
        } models, ${b.result.runs} runs), provider ${p.seconds.toFixed(
          1,
        )} s (${entities} entities), ratio ${(p.seconds / b.seconds).toFixed(
          2,
        )}, provider peak RSS ${p.peakMb.toFixed(
          0,
        )} MB (from ${p.startMb.toFixed(0)} MB)`,
      );
    }
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(ours) / median(bare);
    console.log(
      `\nmlflow crawl: ${MODELS} models x ${VERSIONS} versions, ${ROUNDS} rounds`,
    );
    console.log(`  bare paging loop: median ${median(bare).toFixed(1)} s`);
    console.log(
      `  provider crawl:   median ${median(ours).toFixed(
        1,
      )} s, ${entities} entities`,
    );
    console.log(
      `  ratio ${ratio.toFixed(2)} (goal ≤ 1.5: ${
        ratio <= 1.5 ? 'met' : 'NOT met'
      }); peak RSS ${peakMb.toFixed(0)} MB (goal < 512 MB: ${
        peakMb < 512 ? 'met' : 'NOT met'
      })`,
    );
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
