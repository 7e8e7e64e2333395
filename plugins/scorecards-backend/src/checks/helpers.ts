import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MLOPS_RELATION_FIELDS } from '@convergence/backstage-plugin-mlops-common';
import {
  CheckContext,
  CheckVerdict,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';

// A verdict without a message is the same frozen object every time: the
// checks run once per entity and check, so they allocate only to explain a
// failure.
const PASS: CheckVerdict = Object.freeze({
  status: 'pass',
  message: undefined,
});
const NA: CheckVerdict = Object.freeze({ status: 'na', message: undefined });

export const pass = (message?: string): CheckVerdict =>
  message === undefined ? PASS : { status: 'pass', message };
export const fail = (message: string): CheckVerdict => ({
  status: 'fail',
  message,
});
export const na = (message?: string): CheckVerdict =>
  message === undefined ? NA : { status: 'na', message };

/** A verdict whose message never changes, frozen: built once, returned for every entity. */
export const fixed = (verdict: CheckVerdict): CheckVerdict =>
  Object.freeze(verdict);

/** Entity kinds and refs are ASCII: plain toLowerCase is exact and far cheaper than a locale-aware one. */
export const kindOf = (e: Entity) => e.kind.toLowerCase();
/** Whether the entity is of this kind (given in its usual spelling), letter case aside; the usual spelling is compared first, without lower-casing. */
export const isKind = (e: Entity, kind: string) =>
  e.kind === kind || e.kind.toLowerCase() === kind.toLowerCase();
export const spec = (e: Entity) => (e.spec ?? {}) as Record<string, any>;
export const isProduction = (e: Entity) => spec(e).lifecycle === 'production';

/** A spec reference resolved to a full, lower-case entity ref. */
export function resolveRef(
  e: Entity,
  ref: string,
  defaultKind: string,
): string | undefined {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: e.metadata.namespace ?? 'default',
    });
    return stringifyEntityRef(parsed).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Where the entity's relations of one type point: full, lower-case entity
 * refs, each once. The catalog holds a relation whichever side declared it
 * (a Model's spec.producedBy or a Pipeline's spec.produces), so checks read
 * lineage, ownership and dependencies here rather than from one spec field.
 */
export function relationTargets(e: Entity, type: string): string[] {
  const relations = e.relations;
  if (!relations) return [];
  const targets: string[] = [];
  let seen: Set<string> | undefined;
  for (let i = 0; i < relations.length; i++) {
    if (relations[i].type !== type) continue;
    const target = relations[i].targetRef.toLowerCase();
    // A short list is searched; a long one (a team's ownerOf) gets a set.
    if (seen ? seen.has(target) : targets.includes(target)) continue;
    targets.push(target);
    if (seen) seen.add(target);
    else if (targets.length > 16) seen = new Set(targets);
  }
  return targets;
}

/** What {@link scanRelations} found; one object, reused by every call. */
export type RelationScan = {
  /** Relations of the type (a target named twice counts twice). */
  count: number;
  /** Of them, those whose target the catalog has … */
  found: number;
  /** … and of those, the targets not in production. */
  notProduction: number;
};
const scan: RelationScan = { count: 0, found: 0, notProduction: 0 };

/**
 * Counts the entity's relations of one type and their targets in the
 * catalog without building any list: the checks' common, passing case. The
 * result is overwritten by the next call.
 */
export function scanRelations(ctx: CheckContext, type: string): RelationScan {
  scan.count = scan.found = scan.notProduction = 0;
  const relations = ctx.entity.relations;
  if (!relations) return scan;
  for (let i = 0; i < relations.length; i++) {
    if (relations[i].type !== type) continue;
    scan.count++;
    const target = ctx.related.get(relations[i].targetRef.toLowerCase());
    if (target) {
      scan.found++;
      if (!isProduction(target)) scan.notProduction++;
    }
  }
  return scan;
}

/** The entities of these full refs that the catalog has, and the refs it does not. */
export function lookup(ctx: CheckContext, refs: string[]) {
  const found: Entity[] = [];
  const missing: string[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const target = ctx.related.get(ref.toLowerCase());
    if (target) found.push(target);
    else missing.push(ref);
  }
  return { found, missing };
}

/** The refs the catalog does not have, or undefined when it has them all. */
export function missingOf(
  ctx: CheckContext,
  refs: string[],
): string[] | undefined {
  let missing: string[] | undefined;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    if (!ctx.related.has(ref.toLowerCase())) (missing ??= []).push(ref);
  }
  return missing;
}

/** noLineage's sentences by kind and relation: a few, each built once. */
const noLineageSentences = new Map<string, string>();

/**
 * What an entity without any relation of this lineage type lacks, naming
 * every spec field that declares it, on this side and on the other, e.g.
 * "spec.producedBy is empty and no Pipeline lists it in spec.produces".
 */
export function noLineage(e: Entity, relation: string): string {
  const kind = kindOf(e);
  // The same few sentences for every entity: each is built once.
  const key = `${kind} ${relation}`;
  let sentence = noLineageSentences.get(key);
  if (sentence === undefined) {
    sentence = noLineageSentence(kind, relation);
    if (noLineageSentences.size < 1000) noLineageSentences.set(key, sentence);
  }
  return sentence;
}

function noLineageSentence(kind: string, relation: string): string {
  const own = MLOPS_RELATION_FIELDS.filter(
    f => f.kind.toLowerCase() === kind && f.relation === relation,
  ).map(f => `spec.${f.field}`);
  const others = MLOPS_RELATION_FIELDS.filter(
    f => f.reverse === relation && f.targetKinds.includes(kind),
  ).map(f => `no ${f.kind} lists it in spec.${f.field}`);
  return [
    own.length ? `${own.join(' and ')} is empty` : `no ${relation} relation`,
    ...others,
  ].join(' and ');
}

/** Whether a dataset's spec says it holds personal data: spec.containsPii, or a schema field marked pii. */
export function holdsPersonalData(s: Record<string, any>): boolean {
  if (s.containsPii === true) return true;
  const fields = s.schema?.fields ?? [];
  for (let i = 0; i < fields.length; i++) if (fields[i]?.pii) return true;
  return false;
}

export const present = (v: unknown) =>
  typeof v === 'string' && v.trim().length > 0;

/** The models a Component depends on (full, lower-case refs). */
export const servedModels = (e: Entity) =>
  isKind(e, 'Component')
    ? relationTargets(e, RELATION_DEPENDS_ON).filter(r =>
        r.startsWith('model:'),
      )
    : [];

/** True for a Component that depends on a model. */
export function servesModel(e: Entity): boolean {
  if (!isKind(e, 'Component') || !e.relations) return false;
  const relations = e.relations;
  for (let i = 0; i < relations.length; i++) {
    const r = relations[i];
    if (
      r.type === RELATION_DEPENDS_ON &&
      r.targetRef.toLowerCase().startsWith('model:')
    )
      return true;
  }
  return false;
}

/** Decides from an entity's apiVersion and kind alone. */
export type KindGuard = (e: Entity) => boolean;

const kindGuards = new WeakMap<ScorecardCheck, KindGuard>();

/**
 * Declares that the check answers n/a, without a message, for every entity
 * the guard rejects, and that the guard reads only the entity's apiVersion
 * and kind. The engine then decides once per apiVersion and kind, not per
 * entity, which checks to run.
 */
export function onlyForKinds(check: ScorecardCheck, guard: KindGuard) {
  kindGuards.set(check, guard);
}

/** The check's kind guard, if it declared one. */
export const kindGuardOf = (check: ScorecardCheck): KindGuard | undefined =>
  kindGuards.get(check);
