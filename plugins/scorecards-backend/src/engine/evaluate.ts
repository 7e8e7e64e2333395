import {
  CheckResult,
  EntityScorecardResult,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  CheckContext,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CompiledScorecard } from './definitions';

/**
 * Grades one entity against one scorecard. A level is reached when every
 * check of it and of the levels below passes, is exempt or does not apply.
 * A check that throws fails with its error as the message: one bad check never
 * stops the others.
 */
export function evaluateScorecard(
  scorecard: CompiledScorecard,
  checks: ReadonlyMap<string, ScorecardCheck>,
  ctx: CheckContext,
  exemptCheckIds: ReadonlySet<string>,
): EntityScorecardResult {
  const results: CheckResult[] = [];
  let level: string | null = null;
  let reachable = true;
  for (const l of scorecard.levels) {
    for (const checkId of l.checks) {
      let result: CheckResult;
      try {
        const verdict = checks.get(checkId)!.evaluate(ctx);
        result = { checkId, ...verdict };
      } catch (error) {
        result = {
          checkId,
          status: 'fail',
          message: `check failed to run: ${(error as Error).message}`,
        };
      }
      if (result.status === 'fail' && exemptCheckIds.has(checkId)) {
        result = { ...result, status: 'exempt' };
      }
      if (result.message === undefined) delete result.message;
      results.push(result);
    }
    const levelHolds = results.every(r => r.status !== 'fail');
    if (reachable && levelHolds) level = l.name;
    else reachable = false;
  }
  const applicable = results.filter(r => r.status !== 'na');
  const ok = applicable.filter(
    r => r.status === 'pass' || r.status === 'exempt',
  ).length;
  return {
    entityRef: stringifyEntityRef(ctx.entity),
    scorecardId: scorecard.id,
    level,
    score: applicable.length ? ok / applicable.length : 1,
    checks: results,
    evaluatedAt: ctx.now.toISOString(),
  };
}
