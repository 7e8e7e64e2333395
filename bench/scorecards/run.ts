/*
 * bench/scorecards: the scorecards engine against Tech Insights run as its
 * users run it, and against a plain hand-written loop, on the same estate and
 * the same 17 checks ("ML production readiness"), in one run.
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs \
 *     bench/scorecards/run.ts [--entities 20000] [--rounds 5] [--postgres] [--self-check] [--clock cpu] [--warm-up 2000]
 *
 * Method
 * - Estate (entities.ts): N graded Models, Datasets and Pipelines (default
 *   20,000) plus 50 Groups and 10 Users, with the relations the catalog emits
 *   and deliberately awkward values (blank strings, owners that are Users or
 *   missing, lineage to missing entities, runs in progress, 7 and 7.5 days old).
 * - Ours: ScorecardGrader, the package's public engine (configured scorecards
 *   and built-in checks compiled once), grading the raw entities: statuses,
 *   messages, level and score, as the plugin stores them.
 * - Plain loop (plainLoop.ts): the same 17 checks as if-statements over the
 *   same entities, statuses, level and score only. Its results must equal
 *   ours on every round.
 * - Tech Insights (techInsights.ts): a FactRetriever reads the raw entities
 *   from a catalog over HTTP with CatalogClient and computes the checks'
 *   inputs; the plugin's own context (buildTechInsightsContext) runs it and
 *   stores the facts with its knex persistence (SQLite in memory, or
 *   PostgreSQL with --postgres); the checks are json-rules-engine rules with
 *   our thresholds for the jsonfc checker, run per entity with runChecks,
 *   which reads the facts back from the database. Its boolean verdicts are
 *   compared per check with ours (pass or n/a = true): the two engines decide
 *   independently, from different code. --self-check sets Tech Insights'
 *   ran-recently threshold to 6 days and requires that exactly that check
 *   disagrees (proving the comparison can disagree).
 * - Figures: check evaluation alone (entities, or Tech Insights' facts, in
 *   memory: ours, the plain loop, Tech Insights' runChecks over an in-memory
 *   fact store) and the whole cycle (catalog read over HTTP + grading for
 *   ours; catalog read + facts computed + stored + read back + rules for
 *   Tech Insights; nothing is persisted by ours, results stay in memory as
 *   Tech Insights' check results do). Stored facts are deleted before the
 *   timed cycle, so Tech Insights reads one row per entity (its best case).
 * - Isolation: each timed part (Tech Insights' check evaluation, ours, the
 *   plain loop, and each whole cycle) runs in its OWN fresh child process per
 *   round (this file forked with `--worker <part>` and --expose-gc), so no
 *   part runs on the heap or JIT state another left behind (measured in one
 *   process, ours and the plain loop ran 2–4× slower right after Tech
 *   Insights). Each child generates the same estate from the same seed,
 *   builds what its part needs (its own catalog server; Tech Insights: its
 *   context and its own database, facts retrieved, stored and read back),
 *   runs the part once untimed on the first 2,000 graded entities of the
 *   same data (warm-up; --warm-up N), forces a GC, then times one run over
 *   all of them, and writes its time and its verdicts as JSON to a file the
 *   parent reads; the parent compares the verdicts of the children.
 * - --rounds rounds (default 5); the order of the children alternates (ours
 *   first on even rounds, Tech Insights first on odd ones). Each figure:
 *   median and min–max; ratios of medians and the per-round range.
 * - Goals (issue 14): ours ≥ 100× Tech Insights' check evaluation, and within
 *   4× of the plain loop. The default run takes about 6½ minutes.
 */
import { fork } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { CatalogClient } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { BENCH_SCORECARD_CONFIG } from './definition';
import { FlatTechInsightFact } from '@backstage-community/plugin-tech-insights-node';
import { ScorecardGrader } from '@convergence/backstage-plugin-scorecards-backend';
import { median } from '../lib/stats';
import { generateEstate, NOW } from './entities';
import { PLAIN_LEVEL_ENDS, plainLoop } from './plainLoop';
import {
  readinessFacts,
  readinessRules,
  startCatalogServer,
  startTechInsights,
} from './techInsights';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const selfCheck = process.argv.includes('--self-check');
const N = Number(arg('entities') ?? 20_000);
const ROUNDS = Number(arg('rounds') ?? (selfCheck ? 1 : 5));
const postgres = process.argv.includes('--postgres')
  ? Object.entries(process.env).find(([k]) =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
    )?.[1] ??
    (() => {
      throw new Error(
        '--postgres needs BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING',
      );
    })()
  : undefined;
const SCORECARD = 'ml-production-readiness';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/**
 * Milliseconds the part takes: wall-clock time, or with --clock cpu this
 * process's CPU time (user + system; steadier on a busy machine, but it
 * leaves out PostgreSQL's own work).
 */
const cpuClock = arg('clock') === 'cpu';
async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  gc();
  // Let the collector's helper threads finish sweeping before the clock starts.
  await new Promise(resolve => setTimeout(resolve, 20));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return [value, cpuClock ? (cpu.user + cpu.system) / 1000 : wall];
}

const STATUS = ['pass', 'fail', 'na'];

/** The facts a json-rules-engine condition reads. */
function factsOf(condition: any): string[] {
  if (condition.fact) return [condition.fact];
  return [
    ...new Set(
      [...(condition.all ?? []), ...(condition.any ?? [])].flatMap(factsOf),
    ),
  ];
}
const pickFacts = (facts: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.map(n => [n, facts[n]]));

/** Ours' verdicts as a child writes them. */
type OursResult = {
  entityRef: string;
  level: string | null;
  score: number;
  checks: { checkId: string; status: string; message?: string }[];
};
/** The plain loop's verdicts as a child writes them. */
type PlainOut = { statuses: number[]; levels: number[]; scores: number[] };
/** Tech Insights' verdicts as a child writes them: per entity, [check id, result]. */
type TiOut = [string, boolean][][];

/** Where ours and the plain loop differ (statuses, level, score); empty when they agree. */
function comparePlain(
  ours: OursResult[],
  plain: PlainOut,
  levels: string[],
): string[] {
  const out: string[] = [];
  ours.forEach((r, i) => {
    r.checks.forEach((c, j) => {
      if (c.status !== STATUS[plain.statuses[i * 17 + j]])
        out.push(
          `${r.entityRef} ${c.checkId}: ours ${c.status}, plain ${
            STATUS[plain.statuses[i * 17 + j]]
          }`,
        );
    });
    const level = plain.levels[i] < 0 ? null : levels[plain.levels[i]];
    if (r.level !== level)
      out.push(`${r.entityRef} level: ours ${r.level}, plain ${level}`);
    if (r.score !== plain.scores[i])
      out.push(
        `${r.entityRef} score: ours ${r.score}, plain ${plain.scores[i]}`,
      );
  });
  return out;
}

/**
 * The warm-up in each child: the part run once, untimed, on the first
 * WARM_UP graded entities of the same estate (the catalog read and Tech
 * Insights' fact retrieval in full), enough for the JIT to compile every
 * path the timed run takes, and short enough for the default run to take
 * less than 10 minutes (Tech Insights' rules take ~0.7 ms per entity).
 */
const WARM_UP = Number(arg('warm-up') ?? 2_000);
const PARTS = ['oursEval', 'plain', 'tiEval', 'oursCycle', 'tiCycle'] as const;
type Part = (typeof PARTS)[number];

/**
 * A child: builds what `part` needs on the estate generated from the seed,
 * runs it once untimed (warm-up), forces a GC, times one run and writes
 * { ms, verdicts, problems } as JSON to `out`.
 */
async function worker(part: Part, out: string) {
  const estate = generateEstate(N);
  const graded = estate.filter(
    e => e.apiVersion === 'convergence.dev/v1alpha1',
  );
  const refs = graded.map(e => stringifyEntityRef(e));
  const problems: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  // `n`: how many graded entities are evaluated (all when timed, WARM_UP in the warm-up).
  let run: (n: number) => unknown;
  let before = async () => {};
  let verdicts: (value: any) => unknown;
  if (part === 'oursEval' || part === 'plain' || part === 'oursCycle') {
    const grader = ScorecardGrader.fromConfig(BENCH_SCORECARD_CONFIG);
    const ours = (rs: ReturnType<typeof grader.grade>): OursResult[] =>
      rs
        .filter(r => r.scorecardId === SCORECARD)
        .map(r => ({
          entityRef: r.entityRef,
          level: r.level,
          score: r.score,
          checks: r.checks.map(c => ({
            checkId: c.checkId,
            status: c.status,
            message: c.message,
          })),
        }));
    if (part === 'oursEval') {
      const related = ScorecardGrader.index(estate);
      run = n => grader.grade(graded.slice(0, n), { related, now: NOW });
      verdicts = ours;
    } else if (part === 'plain') {
      const related = ScorecardGrader.index(estate);
      run = n => plainLoop(graded.slice(0, n), related, NOW);
      verdicts = (p: ReturnType<typeof plainLoop>): PlainOut => ({
        statuses: Array.from(p.statuses),
        levels: Array.from(p.levels),
        scores: Array.from(p.scores),
      });
    } else {
      const catalog = await startCatalogServer(estate);
      cleanups.push(catalog.close);
      const catalogClient = new CatalogClient({
        discoveryApi: catalog.discovery,
      });
      const mlKinds = new Set(['model', 'dataset', 'pipeline']);
      run = async n => {
        const { items } = await catalogClient.getEntities({
          filter: { kind: ['group', 'user', 'model', 'dataset', 'pipeline'] },
        });
        const ml = items.filter(e => mlKinds.has(e.kind.toLowerCase()));
        return grader.grade(n < ml.length ? ml.slice(0, n) : items, {
          related: ScorecardGrader.index(items),
          now: NOW,
        });
      };
      verdicts = ours;
    }
  } else {
    const catalog = await startCatalogServer(estate);
    cleanups.push(catalog.close);
    const ti = await startTechInsights({
      discovery: catalog.discovery,
      now: NOW,
      rules: readinessRules(selfCheck ? 6 : 7),
      postgres,
      problems,
    });
    cleanups.unshift(ti.close);
    verdicts = (rs: { check: { id: string }; result: boolean }[][]): TiOut =>
      rs.map(r => r.map(t => [t.check.id, t.result]));
    if (part === 'tiEval') {
      // Facts retrieved, stored by Tech Insights' context and read back once;
      // the timed part is runChecks over them in memory.
      await ti.retrieveFacts();
      const facts = new Map<string, { [id: string]: FlatTechInsightFact }>();
      for (const ref of refs) facts.set(ref, await ti.readFacts(ref));
      const checker = ti.inMemoryChecker(facts);
      run = async n => {
        const rs = [];
        for (const ref of refs.slice(0, n))
          rs.push(await checker.runChecks(ref));
        return rs;
      };
    } else {
      run = async n => {
        await ti.retrieveFacts();
        const rs = [];
        for (const ref of refs.slice(0, n))
          rs.push(await ti.checker.runChecks(ref));
        return rs;
      };
      // Stored facts deleted after the warm-up: one row per entity is read.
      before = async () => {
        await ti.reset();
      };
    }
  }
  await run(Math.min(WARM_UP, graded.length)); // warm-up, on the same data
  await before();
  const [value, ms] = await timed(() => run(graded.length));
  const result = { ms, verdicts: verdicts(value), problems };
  for (const cleanup of cleanups) await cleanup();
  fs.writeFileSync(out, JSON.stringify(result));
}

/** Runs `part` in a fresh child process; its time, verdicts and Tech Insights' logged problems. */
function runChild(
  part: Part,
  dir: string,
): Promise<{ ms: number; verdicts: any; problems: string[] }> {
  const out = path.join(dir, `${part}.json`);
  const args = ['--worker', part, '--entities', String(N), '--out', out];
  if (postgres) args.push('--postgres');
  if (selfCheck) args.push('--self-check');
  if (cpuClock) args.push('--clock', 'cpu');
  args.push('--warm-up', String(WARM_UP));
  const execArgv = process.execArgv.includes('--expose-gc')
    ? process.execArgv
    : [...process.execArgv, '--expose-gc'];
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { execArgv, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', code => {
      if (code !== 0) {
        reject(new Error(`the ${part} child exited with ${code}`));
        return;
      }
      const result = JSON.parse(fs.readFileSync(out, 'utf8'));
      fs.rmSync(out);
      resolve(result);
    });
  });
}

async function main() {
  const estate = generateEstate(N);
  const related = ScorecardGrader.index(estate);
  const grader = ScorecardGrader.fromConfig(BENCH_SCORECARD_CONFIG);
  const scorecard = grader.scorecards.find(s => s.id === SCORECARD)!;
  const checkIds = scorecard.levels.flatMap(l => l.checks);
  const levelNames = scorecard.levels.map(l => l.name);
  const levelEnds = scorecard.levels.map(
    (_, l) => scorecard.levels.slice(0, l + 1).flatMap(x => x.checks).length,
  );
  if (levelEnds.join() !== PLAIN_LEVEL_ENDS.join())
    throw new Error(`the scorecard's checks changed: ${checkIds.join(', ')}`);
  const graded = estate.filter(
    e => e.apiVersion === 'convergence.dev/v1alpha1',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scorecards-'));

  const times: Record<Part, number[]> = {
    oursEval: [],
    plain: [],
    tiEval: [],
    oursCycle: [],
    tiCycle: [],
  };
  const agree = new Map(checkIds.map(id => [id, 0]));
  const examples = new Map<string, string[]>();
  // The facts each Tech Insights rule reads, to show with a disagreement.
  const rules = readinessRules();
  const factNames = new Map(checkIds.map(id => [id, factsOf(rules[id])]));
  let plainMismatches: string[] = [];
  const problems: string[] = [];
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    const results: Partial<Record<Part, any>> = {};
    const parts = round % 2 === 1 ? [...PARTS].reverse() : [...PARTS];
    for (const part of parts) {
      const r = await runChild(part, dir);
      results[part] = r.verdicts;
      times[part].push(r.ms);
      problems.push(...r.problems);
      if (process.env.BENCH_DEBUG)
        console.log(`round ${round} ${part} ${r.ms.toFixed(1)} ms`);
    }
    if (problems.length)
      throw new Error(`Tech Insights logged: ${problems.join('; ')}`);
    // Verdicts: ours against the plain loop, and Tech Insights (cycle and
    // in-memory alike) against ours, per check.
    const ours = results.oursEval as OursResult[];
    if (ours.length !== graded.length)
      throw new Error(`ours graded ${ours.length} of ${graded.length}`);
    plainMismatches = comparePlain(ours, results.plain, levelNames);
    const cycleOurs = results.oursCycle as OursResult[];
    if (
      JSON.stringify(cycleOurs.map(r => r.checks)) !==
      JSON.stringify(ours.map(r => r.checks))
    )
      throw new Error('ours graded the estate read over HTTP differently');
    const tiResults = results.tiCycle as TiOut;
    if (JSON.stringify(tiResults) !== JSON.stringify(results.tiEval))
      throw new Error(
        "Tech Insights' in-memory checker decided differently from its cycle",
      );
    if (round === ROUNDS) {
      ours.forEach((r, i) => {
        const byId = new Map(tiResults[i]);
        for (const c of r.checks) {
          const theirs = byId.get(c.checkId);
          if (theirs === (c.status !== 'fail')) {
            agree.set(c.checkId, agree.get(c.checkId)! + 1);
          } else {
            const list = examples.get(c.checkId) ?? [];
            if (list.length < 3)
              list.push(
                `${r.entityRef}: ours ${c.status}${
                  c.message ? ` (${c.message})` : ''
                }, Tech Insights ${theirs}; facts ${JSON.stringify(
                  pickFacts(
                    readinessFacts(graded[i], related, NOW),
                    factNames.get(c.checkId)!,
                  ),
                )}`,
              );
            examples.set(c.checkId, list);
          }
        }
      });
    }
  }
  const wall = (performance.now() - started) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });

  const fmt = (ms: number) =>
    ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
  const line = (label: string, key: Part) => {
    const xs = times[key];
    return `  ${label.padEnd(44)} ${fmt(median(xs)).padStart(9)}  (${fmt(
      Math.min(...xs),
    )}–${fmt(Math.max(...xs))})  ${((graded.length / median(xs)) * 1000)
      .toFixed(0)
      .padStart(9)} entities/s`;
  };
  const ratio = (a: Part, b: Part) => median(times[a]) / median(times[b]);
  const ratioSpread = (a: Part, b: Part) => {
    const rs = times[a].map((x, i) => x / times[b][i]);
    return `per round ${Math.min(...rs).toFixed(1)}–${Math.max(...rs).toFixed(
      1,
    )}`;
  };
  console.log(
    `scorecards: ${graded.length} entities × ${
      checkIds.length
    } checks, ${ROUNDS} rounds, each part in its own process (warm-up on ${Math.min(
      WARM_UP,
      graded.length,
    )} entities, GC, timed run; median, min–max), Tech Insights on ${
      postgres ? 'PostgreSQL' : 'SQLite (in memory)'
    }, ${cpuClock ? 'CPU' : 'wall-clock'} time${
      selfCheck
        ? ', SELF-CHECK (Tech Insights ran-recently threshold 6 days)'
        : ''
    }; ${wall.toFixed(0)} s`,
  );
  console.log('check evaluation (entities or facts already in memory):');
  console.log(line('Tech Insights jsonfc runChecks (baseline)', 'tiEval'));
  console.log(line('Convergence ScorecardGrader', 'oursEval'));
  console.log(line('plain hand-written loop (floor)', 'plain'));
  console.log('whole cycle (catalog over HTTP → verdicts in memory):');
  console.log(
    line('Tech Insights: retrieve + store + read + rules', 'tiCycle'),
  );
  console.log(line('Convergence: read + grade', 'oursCycle'));
  const speedUp = ratio('tiEval', 'oursEval');
  const offFloor = ratio('oursEval', 'plain');
  console.log('ratios (of medians):');
  console.log(
    `  ours vs Tech Insights, check evaluation: ${speedUp.toFixed(
      1,
    )}× faster (${ratioSpread('tiEval', 'oursEval')}; goal ≥ 100×: ${
      speedUp >= 100 ? 'met' : 'NOT met'
    })`,
  );
  console.log(
    `  ours vs plain loop:                      ${offFloor.toFixed(
      2,
    )}× the plain loop's time (${ratioSpread(
      'oursEval',
      'plain',
    )}; goal ≤ 4×: ${offFloor <= 4 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  ours vs Tech Insights, whole cycle:      ${ratio(
      'tiCycle',
      'oursCycle',
    ).toFixed(1)}× faster (${ratioSpread('tiCycle', 'oursCycle')})`,
  );
  console.log(
    'agreement per check (Tech Insights true = ours pass or n/a), last round:',
  );
  for (const id of checkIds) {
    const pct = (agree.get(id)! / graded.length) * 100;
    console.log(`  ${id.padEnd(32)} ${pct.toFixed(2).padStart(6)} %`);
    for (const ex of examples.get(id) ?? []) console.log(`      e.g. ${ex}`);
  }
  const disagreeing = checkIds.filter(id => agree.get(id)! !== graded.length);
  console.log(
    `plain loop vs ours: ${
      plainMismatches.length
        ? `${plainMismatches.length} differences, e.g. ${plainMismatches
            .slice(0, 3)
            .join('; ')}`
        : 'same statuses, levels and scores for every entity'
    }`,
  );
  if (problems.length)
    console.log(`Tech Insights logged: ${problems.slice(0, 5).join('; ')}`);
  let ok = plainMismatches.length === 0 && problems.length === 0;
  if (selfCheck) {
    const expected = disagreeing.join() === 'pipeline-ran-recently';
    console.log(
      `self-check: ${
        expected
          ? 'the comparison caught the changed threshold (only pipeline-ran-recently disagrees)'
          : `FAILED: disagreeing checks ${disagreeing.join(', ') || 'none'}`
      }`,
    );
    ok &&= expected;
  } else ok &&= disagreeing.length === 0;
  process.exit(ok ? 0 : 1);
}

const workerPart = arg('worker');
if (workerPart !== undefined && !PARTS.includes(workerPart as Part))
  throw new Error(`unknown part ${workerPart}`);
(workerPart
  ? worker(workerPart as Part, arg('out')!).then(() => process.exit(0))
  : main()
).catch(e => {
  console.error(e);
  process.exit(1);
});
