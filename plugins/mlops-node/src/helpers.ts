import { createHash } from 'crypto';
import pLimit from 'p-limit';

/** A letter or digit that accent folding leaves outside ASCII (模, ß, ø). */
const NON_ASCII_ALNUM = /(?!\p{ASCII})[\p{L}\p{N}]/u;

/** Lower case, runs of other characters as `-`, at most `max` characters. */
const clean = (name: string, max: number) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, max)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');

/**
 * A valid catalog entity name from a name in another system, the same in
 * every provider so that their references meet (an MLflow model and the
 * Kubeflow artifact named after it): accents folded (`Modèle` → `modele`),
 * lower case, runs of other characters as `-`, at most 63 characters. When
 * letters or digits with no ASCII form are dropped (`模型`, `Straße`), or
 * nothing is left, 8 hex digits of the name's SHA-256 follow the rest (or
 * `fallback`), so that such names stay apart: `模型` → `model-c98e118e`.
 *
 * @public
 */
export function toEntityName(name: string, fallback = 'unnamed'): string {
  const folded = name.normalize('NFKD').replace(/\p{M}+/gu, '');
  const base = clean(folded, 63);
  if (base && !NON_ASCII_ALNUM.test(folded)) return base;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${clean(folded, 54) || fallback}-${hash}`;
}

/**
 * An owner from another system as an entity ref: a bare name means a group.
 *
 * @public
 */
export function toOwnerRef(owner: string): string {
  return owner.includes(':') ? owner : `group:${owner}`;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight (p-limit, as
 * Backstage uses); rejects on the first failure.
 *
 * @public
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const run = pLimit(limit);
  await Promise.all(items.map(item => run(() => fn(item))));
}

/**
 * Fetches each distinct id, at most `limit` at a time, and keeps what was
 * found, by id; empty ids are skipped. Rejects on the first failure.
 *
 * @public
 */
export async function fetchEach<T>(
  ids: ReadonlyArray<string | undefined>,
  limit: number,
  fetch: (id: string) => Promise<T | undefined>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const distinct = [...new Set(ids)].filter((id): id is string => !!id);
  await forEachLimited(distinct, limit, async id => {
    const value = await fetch(id);
    if (value !== undefined) found.set(id, value);
  });
  return found;
}
