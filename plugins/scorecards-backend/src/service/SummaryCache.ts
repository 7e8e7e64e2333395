import { createHash } from 'crypto';
import { LRUCache } from 'lru-cache';
import { CacheService } from '@backstage/backend-plugin-api';

/** A summary ready to send: its JSON bytes and their strong ETag. */
export type CachedJson = { body: Buffer; etag: string };

type Answer = CachedJson & {
  computedAt: number;
  /** False for an answer that is sent but not kept (see {@link SummaryCache.uncached}). */
  keep: boolean;
};

/** What replicas share through `coreServices.cache`. */
type SharedAnswer = { computedAt: number; json: string };

/** How a computation is passed to the LRU's fetchMethod. */
type Compute = () => Promise<unknown>;

/** A computed value to send once and not cache. */
class Uncached {
  constructor(readonly value: unknown) {}
}

function toAnswer({ computedAt, json }: SharedAnswer, keep = true): Answer {
  const body = Buffer.from(json, 'utf8');
  const hash = createHash('sha1').update(body).digest('base64url');
  return { body, etag: `"${hash}"`, computedAt, keep };
}

/**
 * Caches serialized summaries for callers who may read the whole catalog.
 *
 * Two levels: a bounded in-process LRU (`lru-cache`, at most `maxEntries`
 * answers) of ready-to-send bytes with their ETag (no serialization, encoding
 * or hashing per request), and the shared `coreServices.cache`, so that
 * replicas share one computation.
 *
 * Only the first caller of a key waits for a computation: an expired answer
 * is still served while one recomputation runs in the background (stale
 * while revalidate), and concurrent first callers share one computation
 * (single flight). `clear()` drops everything, so that a caller who just
 * refreshed an entity sees the new result. A computation may return
 * {@link SummaryCache.uncached}: its answer is sent to the callers waiting
 * for it and kept nowhere.
 */
export class SummaryCache {
  /** Marks a computed value as one to send but not to cache. */
  static uncached(value: unknown): unknown {
    return new Uncached(value);
  }

  private readonly lru: LRUCache<string, Answer, Compute>;
  /** Shared answers computed before this are not taken (see `clear()`). */
  private clearedAt = -Infinity;
  private readonly origin: number;

  constructor(
    private readonly options: {
      shared?: CacheService;
      ttlSeconds: number;
      /** How many answers this process keeps at most; default 500. */
      maxEntries?: number;
      now?: () => number;
    },
  ) {
    this.origin = this.now();
    this.lru = new LRUCache<string, Answer, Compute>({
      max: options.maxEntries ?? 500,
      ttl: options.ttlSeconds * 1000,
      // Stale while revalidate: fetch() answers with the expired value and
      // recomputes once in the background. A failed recomputation drops it.
      allowStale: true,
      // clear() aborts running computations; their callers still get the
      // answer, which is then not kept.
      ignoreFetchAbort: true,
      // lru-cache reads a start time of 0 as "no TTL": count from 1.
      perf: { now: () => this.now() - this.origin + 1 },
      ttlResolution: 0,
      fetchMethod: (key, stale, { context }) =>
        this.load(key, context, stale?.computedAt),
    });
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The answer for `key`, computed at most once per TTL per process. */
  async get(key: string, compute: Compute): Promise<CachedJson> {
    const answer = await this.lru.fetch(key, { context: compute });
    if (!answer) throw new Error(`No summary computed for ${key}`);
    if (!answer.keep && this.lru.peek(key, { allowStale: true }) === answer)
      this.lru.delete(key);
    return answer;
  }

  /**
   * Forgets every answer, e.g. after an evaluation: the next caller waits for
   * a new computation, and the shared answers computed until now are not
   * taken either.
   */
  clear() {
    this.lru.clear();
    this.clearedAt = this.now();
  }

  /**
   * The shared answer if it is newer than `newerThan` (another replica
   * computed it), else a new computation, which is then shared unless it is
   * {@link SummaryCache.uncached}.
   */
  private async load(
    key: string,
    compute: Compute,
    newerThan = -Infinity,
  ): Promise<Answer> {
    const { shared, ttlSeconds } = this.options;
    const stored = await shared?.get<SharedAnswer>(key);
    if (stored && stored.computedAt > Math.max(newerThan, this.clearedAt))
      return toAnswer(stored);
    const computedAt = this.now();
    const value = await compute();
    if (value instanceof Uncached)
      return toAnswer({ computedAt, json: JSON.stringify(value.value) }, false);
    const answer = { computedAt, json: JSON.stringify(value) };
    await shared?.set(key, answer, { ttl: { seconds: ttlSeconds } });
    return toAnswer(answer);
  }
}
