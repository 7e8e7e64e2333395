import {
  CheckResult,
  EntityScorecardResult,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  CheckContext,
  EntityFacts,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { DEFAULT_NAMESPACE, Entity } from '@backstage/catalog-model';
import { kindGuardOf, KindGuard } from '../checks/helpers';
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
  const plan = planOf(scorecard, checks);
  const { ids, levelEnds } = plan;
  const runs = plan.guarded ? checksToRun(plan, ctx.entity) : undefined;
  const anyExempt = exemptCheckIds.size > 0;
  // The last known statuses, read only when a check is unknown.
  let lastKnown: Map<string, CheckResult['status']> | undefined;
  const results: CheckResult[] = new Array(ids.length);
  // The highest level reached when the unknown checks without a last known
  // status hold (upper) and when they do not (lower), as an index in levels.
  let upper = -1;
  let lower = -1;
  let upperHolds = true;
  let lowerHolds = true;
  // The score: passing and exempt checks over all but `na` and `unknown`.
  let applicable = 0;
  let ok = 0;
  let i = 0;
  for (let level = 0; level < levelEnds.length; level++) {
    for (const end = levelEnds[level]; i < end; i++) {
      const checkId = ids[i];
      if (runs && !runs[i]) {
        // n/a for this kind: no effect on the level or the score.
        results[i] = plan.notApplicable[i];
        continue;
      }
      let status: CheckResult['status'];
      let message: string | undefined;
      let causes: string[] | undefined;
      try {
        const verdict = plan.checks[i].evaluate(ctx);
        status = verdict.status;
        message = verdict.message;
        causes = verdict.causes;
      } catch (error) {
        if (error instanceof FactsUnavailableError) {
          status = 'unknown';
          message = error.message;
        } else {
          status = 'fail';
          message = `check failed to run: ${(error as Error).message}`;
        }
      }
      if (status === 'fail' && anyExempt && exemptCheckIds.has(checkId))
        status = 'exempt';
      if (status === 'fail') upperHolds = lowerHolds = false;
      else if (status === 'unknown') {
        lastKnown ??= new Map(
          (previous?.checks ?? [])
            .filter(c => c.status !== 'unknown')
            .map(c => [c.checkId, c.status]),
        );
        const last = lastKnown.get(checkId);
        if (last === undefined) lowerHolds = false;
        else if (
          (last === 'fail' || last === 'exempt') &&
          !exemptCheckIds.has(checkId)
        )
          upperHolds = lowerHolds = false;
      }
      if (status !== 'na' && status !== 'unknown') {
        applicable++;
        if (status === 'pass' || status === 'exempt') ok++;
      }
      // Without a message, a pass or n/a is the same (frozen) object for
      // every entity; otherwise objects keep one shape (no delete), which
      // keeps V8 fast.
      if (causes !== undefined && causes.length > 0)
        // Causes name this entity's upstream: not shared.
        results[i] =
          message !== undefined
            ? { checkId, status, message, causes }
            : { checkId, status, causes };
      else if (message !== undefined)
        results[i] = explained(plan, i, status, message);
      else if (status === 'pass') results[i] = plan.passed[i];
      else if (status === 'na') results[i] = plan.notApplicable[i];
      else results[i] = { checkId, status };
    }
    if (upperHolds) upper = level;
    if (lowerHolds) lower = level;
  }
  let reached = upper;
  if (previous && upper > lower) {
    const before = scorecard.levels.findIndex(l => l.name === previous.level);
    reached = Math.max(lower, Math.min(upper, before));
  }
  return {
    entityRef: entityRefOf(ctx.entity),
    scorecardId: scorecard.id,
    level: reached >= 0 ? scorecard.levels[reached].name : null,
    score: applicable ? ok / applicable : 1,
    checks: results,
    evaluatedAt: isoString(ctx.now),
  };
}

/** A scorecard's checks resolved once: flat, in level order. */
type Plan = {
  ids: string[];
  checks: ScorecardCheck[];
  /** Where each level's checks end in `ids`. */
  levelEnds: number[];
  /** The results of a pass and of an n/a without message, per check. */
  passed: CheckResult[];
  notApplicable: CheckResult[];
  size: number;
  /**
   * Per check, the (frozen) results with a message given so far, by
   * message: most failures say the same few sentences for every entity, so
   * they are shared, as passes are, rather than kept once per entity.
   */
  explained: Map<string, CheckResult>[];
  /** The checks' kind guards (see onlyForKinds), if any has one. */
  guarded?: (KindGuard | undefined)[];
  /** Which checks run, by apiVersion, then kind. */
  byKind: Map<string, Map<string, Uint8Array>>;
};

/** Which of the plan's checks apply to the entity's kind: decided once per apiVersion and kind. */
function checksToRun(plan: Plan, entity: Entity): Uint8Array {
  let byKind = plan.byKind.get(entity.apiVersion);
  if (!byKind) {
    if (plan.byKind.size > 100) plan.byKind.clear();
    plan.byKind.set(entity.apiVersion, (byKind = new Map()));
  }
  let runs = byKind.get(entity.kind);
  if (!runs) {
    runs = Uint8Array.from(plan.guarded!, guard =>
      !guard || guard(entity) ? 1 : 0,
    );
    if (byKind.size > 100) byKind.clear();
    byKind.set(entity.kind, runs);
  }
  return runs;
}

/** How many different messages of one check are shared; more are not kept. */
const MAX_EXPLAINED = 256;

/** The result of check `i` with this status and message: a shared, frozen one when it has been seen before. */
function explained(
  plan: Plan,
  i: number,
  status: CheckResult['status'],
  message: string,
): CheckResult {
  const byMessage = plan.explained[i];
  const known = byMessage.get(message);
  if (known !== undefined && known.status === status) return known;
  const result: CheckResult = { checkId: plan.ids[i], status, message };
  if (known === undefined && byMessage.size < MAX_EXPLAINED)
    byMessage.set(message, Object.freeze(result));
  return result;
}

/** A check the map lacks fails every entity, as calling it used to. */
const missingCheck = {
  evaluate: () => {
    throw new TypeError(
      "Cannot read properties of undefined (reading 'evaluate')",
    );
  },
} as unknown as ScorecardCheck;

const plans = new WeakMap<
  CompiledScorecard,
  WeakMap<ReadonlyMap<string, ScorecardCheck>, Plan>
>();

/**
 * The scorecard's checks looked up in `checks` once, not once per entity
 * (again when the map has grown or shrunk since).
 */
function planOf(
  scorecard: CompiledScorecard,
  checks: ReadonlyMap<string, ScorecardCheck>,
): Plan {
  let byChecks = plans.get(scorecard);
  if (!byChecks) plans.set(scorecard, (byChecks = new WeakMap()));
  let plan = byChecks.get(checks);
  if (!plan || plan.size !== checks.size) {
    const ids = scorecard.levels.flatMap(l => l.checks);
    let end = 0;
    plan = {
      ids,
      checks: ids.map(id => checks.get(id) ?? missingCheck),
      levelEnds: scorecard.levels.map(l => (end += l.checks.length)),
      passed: ids.map(checkId =>
        Object.freeze({ checkId, status: 'pass' as const }),
      ),
      notApplicable: ids.map(checkId =>
        Object.freeze({ checkId, status: 'na' as const }),
      ),
      size: checks.size,
      explained: ids.map(() => new Map()),
      byKind: new Map(),
    };
    const guards = plan.checks.map(kindGuardOf);
    if (guards.some(g => g)) plan.guarded = guards;
    byChecks.set(checks, plan);
  }
  return plan;
}

/** `kind:namespace/`, lower-case, by kind and namespace as spelled. */
const refPrefixes = new Map<string, Map<string, string>>();

/**
 * `stringifyEntityRef(entity)`: the lower-case `kind:namespace/` is built
 * once per kind and namespace, not three lower-cased strings and four
 * joins per entity.
 */
function entityRefOf(entity: Entity): string {
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  let byNamespace = refPrefixes.get(kind);
  if (byNamespace === undefined) {
    if (refPrefixes.size > 1000) refPrefixes.clear();
    refPrefixes.set(kind, (byNamespace = new Map()));
  }
  let prefix = byNamespace.get(namespace);
  if (prefix === undefined) {
    prefix = `${kind.toLowerCase()}:${namespace.toLowerCase()}/`;
    if (byNamespace.size > 1000) byNamespace.clear();
    byNamespace.set(namespace, prefix);
  }
  return prefix + entity.metadata.name.toLowerCase();
}

let isoOf: Date | undefined;
let isoTime = NaN;
let iso = '';

/** `now.toISOString()`, computed once for all the entities graded at that moment. */
function isoString(now: Date): string {
  if (now !== isoOf || now.getTime() !== isoTime) {
    iso = now.toISOString();
    isoOf = now;
    isoTime = now.getTime();
  }
  return iso;
}
