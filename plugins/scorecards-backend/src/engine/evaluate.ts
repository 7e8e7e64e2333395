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
  let holdsSoFar = true;
  for (const l of scorecard.levels) {
    for (const checkId of l.checks) {
      let status: CheckResult['status'];
      let message: string | undefined;
      try {
        ({ status, message } = checks.get(checkId)!.evaluate(ctx));
      } catch (error) {
        status = 'fail';
        message = `check failed to run: ${(error as Error).message}`;
      }
      if (status === 'fail' && exemptCheckIds.has(checkId)) status = 'exempt';
      if (status === 'fail') holdsSoFar = false;
      // Objects keep one shape (no delete): V8 keeps them fast.
      results.push(
        message === undefined
          ? { checkId, status }
          : { checkId, status, message },
      );
    }
    if (holdsSoFar) level = l.name;
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
