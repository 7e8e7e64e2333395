import { CacheService } from '@backstage/backend-plugin-api';

type Entry = { expires: number; json: Promise<string> };

/**
 * Caches serialized summaries for callers who may read the whole catalog.
 *
 * Two levels: an in-process map of ready-to-send JSON (no parse and no
 * re-serialization per request) and the shared `coreServices.cache`, so that
 * replicas share one computation. Concurrent misses for the same key wait for
 * one computation instead of each running it (single flight).
 */
export class SummaryCache {
  private readonly local = new Map<string, Entry>();

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

  /** The JSON text for `key`, computing it at most once per TTL per process. */
  get(key: string, compute: () => Promise<unknown>): Promise<string> {
    const hit = this.local.get(key);
    if (hit && hit.expires > this.now()) return hit.json;
    const json = this.load(key, compute);
    const entry = {
      expires: this.now() + this.options.ttlSeconds * 1000,
      json,
    };
    this.local.set(key, entry);
    // A failed computation is not remembered.
    json.catch(() => {
      if (this.local.get(key) === entry) this.local.delete(key);
    });
    return json;
  }

  /** Forgets everything this process holds, e.g. after an evaluation. */
  clear() {
    this.local.clear();
  }

  private async load(key: string, compute: () => Promise<unknown>) {
    const { shared, ttlSeconds } = this.options;
    const stored = await shared?.get<string>(key);
    if (typeof stored === 'string') return stored;
    const json = JSON.stringify(await compute());
    await shared?.set(key, json, { ttl: { seconds: ttlSeconds } });
    return json;
  }
}
