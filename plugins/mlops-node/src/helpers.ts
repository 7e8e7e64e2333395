import pLimit from 'p-limit';

/**
 * A valid catalog entity name from a name in another system: lower-case,
 * runs of other characters as `-`, at most 63 characters.
 *
 * @public
 */
export function toEntityName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned || 'unnamed';
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
