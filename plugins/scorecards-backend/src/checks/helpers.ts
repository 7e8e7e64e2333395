import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
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

/** The referenced entities that the catalog has, and the ones it does not. */
export function lookup(ctx: CheckContext, refs: string[], defaultKind: string) {
  const found: Entity[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const full = resolveRef(ctx.entity, ref, defaultKind);
    const target = full ? ctx.related.get(full) : undefined;
    if (target) found.push(target);
    else missing.push(ref);
  }
  return { found, missing };
}

export function asArray(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export const present = (v: unknown) =>
  typeof v === 'string' && v.trim().length > 0;

/** True for a Component that declares dependsOn a model. */
export const servesModel = (e: Entity) =>
  kindOf(e) === 'component' &&
  asArray(spec(e).dependsOn).some(r => r.toLowerCase().startsWith('model:'));
