import { createHash } from 'crypto';
import { CacheService } from '@backstage/backend-plugin-api';

/** A summary ready to send: its JSON bytes and their strong ETag. */
export type CachedJson = { body: Buffer; etag: string };

type Answer = CachedJson & { computedAt: number };

/** What replicas share through `coreServices.cache`. */
type SharedAnswer = { computedAt: number; json: string };

type Entry = {
  /**
   * When the answer should be recomputed; a recomputation moves it on by a
   * TTL at its start, so that only one runs at a time.
   */
  expires: number;
  /** The answer, or the first computation of it. */
  value: Promise<Answer>;
};

function toAnswer({ computedAt, json }: SharedAnswer): Answer {
  const body = Buffer.from(json, 'utf8');
  const hash = createHash('sha1').update(body).digest('base64url');
  return { body, etag: `"${hash}"`, computedAt };
}

/**
 * Caches serialized summaries for callers who may read the whole catalog.
 *
 * Two levels: an in-process map of ready-to-send bytes with their ETag (no
 * serialization, encoding or hashing per request) and the shared
 * `coreServices.cache`, so that replicas share one computation.
 *
 * Only the first caller of a key waits for a computation: an expired answer
 * is still served while one recomputation runs in the background (stale
 * while revalidate), and concurrent first callers share one computation
 * (single flight). `clear()` drops everything, so that a caller who just
 * refreshed an entity sees the new result.
 */
export class SummaryCache {
  private readonly local = new Map<string, Entry>();
  /** Shared answers computed before this are not taken (see `clear()`). */
  private clearedAt = -Infinity;

  constructor(
    private readonly options: {
      shared?: CacheService;
      ttlSeconds: number;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  private expiry() {
    return this.now() + this.options.ttlSeconds * 1000;
  }

  /** The answer for `key`, computed at most once per TTL per process. */
  get(key: string, compute: () => Promise<unknown>): Promise<CachedJson> {
    const hit = this.local.get(key);
    if (!hit) {
      const entry: Entry = {
        expires: this.expiry(),
        value: this.load(key, compute),
      };
      this.local.set(key, entry);
      // A failed computation is not remembered.
      entry.value.catch(() => this.forget(key, entry));
      return entry.value;
    }
    if (hit.expires <= this.now()) {
      hit.expires = this.expiry();
      hit.value
        .then(current => this.load(key, compute, current.computedAt))
        .then(
          value => {
            hit.value = Promise.resolve(value);
          },
          // The next caller computes afresh, and sees the error if it persists.
          () => this.forget(key, hit),
        );
    }
    return hit.value;
  }

  /**
   * Forgets every answer, e.g. after an evaluation: the next caller waits for
   * a new computation, and the shared answers computed until now are not
   * taken either.
   */
  clear() {
    this.local.clear();
    this.clearedAt = this.now();
  }

  private forget(key: string, entry: Entry) {
    if (this.local.get(key) === entry) this.local.delete(key);
  }

  /**
   * The shared answer if it is newer than `newerThan` (another replica
   * computed it), else a new computation, which is then shared.
   */
  private async load(
    key: string,
    compute: () => Promise<unknown>,
    newerThan = -Infinity,
  ): Promise<Answer> {
    const { shared, ttlSeconds } = this.options;
    const stored = await shared?.get<SharedAnswer>(key);
    if (stored && stored.computedAt > Math.max(newerThan, this.clearedAt))
      return toAnswer(stored);
    const computedAt = this.now();
    const answer = { computedAt, json: JSON.stringify(await compute()) };
    await shared?.set(key, answer, { ttl: { seconds: ttlSeconds } });
    return toAnswer(answer);
  }
}
