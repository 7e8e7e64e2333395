/*
 * bench/scorecards: our engine against Tech Insights' json-rules-engine
 * checker (@backstage-community/plugin-tech-insights-backend-module-jsonfc)
 * over the same generated entities, in the same run.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/scorecards/run.ts [N]
 *
 * Ours: the "ML production readiness" scorecard's 17 checks computed from the
 * raw entities (levels, score, messages), as the scheduled evaluation does.
 * Tech Insights: the same 17 checks as json-rules-engine rules over facts
 * that are already computed and stored (its fact retrievers' work is left out
 * of the timing, which favours it); runChecks per entity, as Tech Insights
 * does on every request. Goal (issue 4): ours at least 20× faster.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonRulesEngineFactCheckerFactory } from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import { builtinChecks } from '../../plugins/scorecards-backend/src/checks/builtin';
import { readDefinitions } from '../../plugins/scorecards-backend/src/engine/definitions';
import { evaluateScorecard } from '../../plugins/scorecards-backend/src/engine/evaluate';

const N = Number(process.argv[2] ?? 100_000);
const now = new Date('2026-11-27T06:00:00Z');
const pick = <T>(i: number, xs: T[]) => xs[i % xs.length];

function generate(n: number): Entity[] {
  const out: Entity[] = [];
  for (let g = 0; g < 50; g++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  for (let i = 0; i < n; i++) {
    const kind = pick(i, ['Model', 'Dataset', 'Pipeline']);
    const full = i % 3 !== 0;
    const spec: any = {
      type: 't',
      lifecycle: pick(i, ['production', 'experimental']),
      owner: `group:default/team-${i % 60}`,
    };
    if (kind === 'Model') {
      Object.assign(spec, {
        license: full ? 'MIT' : undefined,
        trainedOn: [`dataset:default/d-${(i + 1) % n}`],
        evaluatedOn: full ? [`dataset:default/d-${(i + 4) % n}`] : [],
        producedBy: `pipeline:default/p-${(i + 2) % n}`,
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
        schema: full
          ? { fields: [{ name: 'a', type: 'string', pii: true }] }
          : undefined,
      });
    } else {
      Object.assign(spec, {
        schedule: full ? '0 3 * * *' : undefined,
        lastRun: {
          status: full ? 'succeeded' : 'failed',
          finishedAt: full ? '2026-11-26T03:00:00Z' : '2026-05-01T00:00:00Z',
        },
      });
    }
    const name =
      kind === 'Model' ? `m-${i}` : `${kind === 'Dataset' ? 'd' : 'p'}-${i}`;
    out.push({
      apiVersion: 'convergence.dev/v1alpha1',
      kind,
      metadata: {
        name,
        namespace: 'default',
        description: full ? 'generated' : undefined,
        annotations: full
          ? { 'convergence.dev/monitoring-url': 'https://x' }
          : {},
      },
      spec,
    });
  }
  return out;
}

async function main() {
  const entities = generate(N);
  const related = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const graded = entities.filter(e => e.kind !== 'Group');
  const checks = new Map(builtinChecks.map(c => [c.id, c]));
  const [scorecard] = readDefinitions(
    new ConfigReader({}),
    new Set(checks.keys()),
  );
  const checkIds = scorecard.levels.flatMap(l => l.checks);
  const none = new Set<string>();

  // --- ours ---------------------------------------------------------------
  const t0 = performance.now();
  const ours = graded.map(entity =>
    evaluateScorecard(
      scorecard,
      checks,
      { entity, related, facts: {}, now },
      none,
    ),
  );
  const oursMs = performance.now() - t0;

  // --- Tech Insights (jsonfc) ------------------------------------------------
  // Facts as a fact retriever would have stored them: one boolean per check
  // (n/a counts as passing), computed outside the timing.
  const factsByEntity = new Map<string, Record<string, boolean>>();
  ours.forEach((r, i) =>
    factsByEntity.set(
      stringifyEntityRef(graded[i]),
      Object.fromEntries(r.checks.map(c => [c.checkId, c.status !== 'fail'])),
    ),
  );
  const schema = Object.fromEntries(
    checkIds.map(id => [id, { type: 'boolean', description: id }]),
  );
  const repository: any = {
    getLatestFactsByIds: async (_ids: string[], entityRef: string) => ({
      'ml-readiness': {
        id: 'ml-readiness',
        entity: entityRef,
        timestamp: now,
        version: '1',
        facts: factsByEntity.get(entityRef),
      },
    }),
    getLatestSchemas: async () => [schema],
  };
  const logger: any = {
    debug() {},
    info() {},
    warn() {},
    error() {},
    child: () => logger,
  };
  const checker = new JsonRulesEngineFactCheckerFactory({
    logger,
    checks: checkIds.map(id => ({
      id,
      type: 'json-rules-engine',
      name: id,
      description: id,
      factIds: ['ml-readiness'],
      rule: {
        conditions: { all: [{ fact: id, operator: 'equal', value: true }] },
      },
    })),
  }).construct(repository);

  const t1 = performance.now();
  let agree = 0;
  for (let i = 0; i < graded.length; i++) {
    const ref = stringifyEntityRef(graded[i]);
    const results = await checker.runChecks(ref);
    const failing = results.filter(r => !r.result).length;
    if (failing === ours[i].checks.filter(c => c.status === 'fail').length)
      agree++;
  }
  const jsonfcMs = performance.now() - t1;

  console.log(
    `scorecards: ${graded.length} entities × ${checkIds.length} checks`,
  );
  console.log(
    `  Tech Insights jsonfc (baseline): ${(jsonfcMs / 1000).toFixed(2)} s  (${(
      (graded.length / jsonfcMs) *
      1000
    ).toFixed(0)} entities/s)`,
  );
  console.log(
    `  Convergence engine:              ${(oursMs / 1000).toFixed(2)} s  (${(
      (graded.length / oursMs) *
      1000
    ).toFixed(0)} entities/s)`,
  );
  console.log(
    `  speed-up: ${(jsonfcMs / oursMs).toFixed(1)}×  (goal ≥ 20×: ${
      jsonfcMs / oursMs >= 20 ? 'met' : 'NOT met'
    })`,
  );
  console.log(`  results agree on ${agree} of ${graded.length} entities`);
  process.exit(agree === graded.length ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
