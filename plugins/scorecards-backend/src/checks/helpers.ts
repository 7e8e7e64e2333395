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
} from '@convergence/backstage-plugin-scorecards-node';

export const pass = (message?: string): CheckVerdict => ({
  status: 'pass',
  message,
});
export const fail = (message: string): CheckVerdict => ({
  status: 'fail',
  message,
});
export const na = (message?: string): CheckVerdict => ({
  status: 'na',
  message,
});

/** Entity kinds and refs are ASCII: plain toLowerCase is exact and far cheaper than a locale-aware one. */
export const kindOf = (e: Entity) => e.kind.toLowerCase();
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
  return [
    ...new Set(
      (e.relations ?? [])
        .filter(r => r.type === type)
        .map(r => r.targetRef.toLowerCase()),
    ),
  ];
}

/** The entities of these full refs that the catalog has, and the refs it does not. */
export function lookup(ctx: CheckContext, refs: string[]) {
  const found: Entity[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const target = ctx.related.get(ref.toLowerCase());
    if (target) found.push(target);
    else missing.push(ref);
  }
  return { found, missing };
}

/**
 * What an entity without any relation of this lineage type lacks, naming
 * every spec field that declares it, on this side and on the other, e.g.
 * "spec.producedBy is empty and no Pipeline lists it in spec.produces".
 */
export function noLineage(e: Entity, relation: string): string {
  const kind = kindOf(e);
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

export const present = (v: unknown) =>
  typeof v === 'string' && v.trim().length > 0;

/** The models a Component depends on (full, lower-case refs). */
export const servedModels = (e: Entity) =>
  kindOf(e) === 'component'
    ? relationTargets(e, RELATION_DEPENDS_ON).filter(r =>
        r.startsWith('model:'),
      )
    : [];

/** True for a Component that depends on a model. */
export const servesModel = (e: Entity) => servedModels(e).length > 0;
