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
 * check of it and of the levels below passes, is exempt or does not apply.
 * The score counts passing and exempt checks over the others, leaving out
 * `na` and `unknown` ones.
 *
 * A check that reads the facts of a failed provider is `unknown`, naming the
 * provider. A check that throws anything else fails with its error as the
 * message: one bad check never stops the others.
 *
 * For the level, an unknown check counts as it last counted: with its last
 * known status in `previous` (the entity's stored result), it holds if that
 * was a pass, or a failure the entity is exempt from now, and blocks
 * otherwise. Without a last known status it does not block, but it never
 * lifts the level above the previous one: an outage neither raises nor lowers
 * a level.
 */
export function evaluateScorecard(
  scorecard: CompiledScorecard,
  checks: ReadonlyMap<string, ScorecardCheck>,
  ctx: CheckContext,
  exemptCheckIds: ReadonlySet<string>,
  previous?: EntityScorecardResult,
): EntityScorecardResult {
  const lastKnown = new Map(
    (previous?.checks ?? [])
      .filter(c => c.status !== 'unknown')
      .map(c => [c.checkId, c.status]),
  );
  const results: CheckResult[] = [];
  // The highest level reached when the unknown checks without a last known
  // status hold (upper) and when they do not (lower), as an index in levels.
  let upper = -1;
  let lower = -1;
  let upperHolds = true;
  let lowerHolds = true;
  scorecard.levels.forEach((l, index) => {
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
      if (status === 'fail') upperHolds = lowerHolds = false;
      if (status === 'unknown') {
        const last = lastKnown.get(checkId);
        if (last === undefined) lowerHolds = false;
        else if (
          (last === 'fail' || last === 'exempt') &&
          !exemptCheckIds.has(checkId)
        )
          upperHolds = lowerHolds = false;
      }
      // Objects keep one shape (no delete): V8 keeps them fast.
      results.push(
        message === undefined
          ? { checkId, status }
          : { checkId, status, message },
      );
    }
    if (upperHolds) upper = index;
    if (lowerHolds) lower = index;
  });
  let reached = upper;
  if (previous && upper > lower) {
    const before = scorecard.levels.findIndex(l => l.name === previous.level);
    reached = Math.max(lower, Math.min(upper, before));
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
    level: reached >= 0 ? scorecard.levels[reached].name : null,
    score: applicable.length ? ok / applicable.length : 1,
    checks: results,
    evaluatedAt: ctx.now.toISOString(),
  };
}
