import {
  CheckResult,
  EntityScorecardResult,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  CheckContext,
  EntityFacts,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CompiledScorecard } from './definitions';

/**
 * Thrown when a check reads the facts of a provider that failed during this
 * evaluation: the check's status is then `unknown`, not `fail`.
 */
export class FactsUnavailableError extends Error {
  constructor(readonly providerId: string) {
    super(`fact provider '${providerId}' failed during this evaluation`);
    this.name = 'FactsUnavailableError';
  }
}

/**
 * Marks the facts of a failed provider in `facts`: reading them (directly, by
 * a declarative `facts.<provider>.<fact>` path or by spreading the object)
 * throws {@link FactsUnavailableError}. A check that never reads them is not
 * affected.
 */
export function markFactsUnavailable(facts: EntityFacts, providerId: string) {
  Object.defineProperty(facts, providerId, {
    // Enumerable, so that path lookups (which iterate the keys) reach it.
    enumerable: true,
    get() {
      throw new FactsUnavailableError(providerId);
    },
  });
}

/**
 * Grades one entity against one scorecard. A level is reached when every
 * check of it and of the levels below passes, is exempt, does not apply or is
 * unknown. The score counts passing and exempt checks over the others, leaving
 * out `na` and `unknown` ones.
 *
 * A check that reads the facts of a failed provider is `unknown`, naming the
 * provider. A check that throws anything else fails with its error as the
 * message: one bad check never stops the others.
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
        if (error instanceof FactsUnavailableError) {
          status = 'unknown';
          message = error.message;
        } else {
          status = 'fail';
          message = `check failed to run: ${(error as Error).message}`;
        }
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
  const applicable = results.filter(
    r => r.status !== 'na' && r.status !== 'unknown',
  );
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
