import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { SummaryCache } from './SummaryCache';

const text = (p: Promise<{ body: Buffer }>) => p.then(v => v.body.toString());

/** Lets background work (a recomputation) finish. */
const settle = () => new Promise(r => setTimeout(r, 0));

function sharedCache() {
  // The real memory store that coreServices.cache uses by default.
  return CacheManager.fromConfig(
    mockServices.rootConfig({
      data: { backend: { cache: { store: 'memory' } } },
    }),
  ).forPlugin('scorecards');
}

describe('SummaryCache', () => {
  it('computes once for concurrent callers and serves JSON bytes', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60 });
    let runs = 0;
    const compute = async () => {
      runs += 1;
      await new Promise(r => setTimeout(r, 10));
      return { n: runs };
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => cache.get('k', compute)),
    );
    expect(runs).toBe(1);
    expect(new Set(answers.map(a => a.body.toString()))).toEqual(
      new Set(['{"n":1}']),
    );
    // One answer: every caller gets the same bytes and ETag.
    expect(new Set(answers).size).toBe(1);
    expect(answers[0].etag).toMatch(/^"[\w-]{27}"$/);
  });

  it('serves the expired answer while one recomputation runs', async () => {
    let clock = 0;
    const cache = new SummaryCache({ ttlSeconds: 60, now: () => clock });
    let runs = 0;
    let release = () => {};
    const compute = async () => {
      runs += 1;
      if (runs > 1) await new Promise<void>(r => (release = r));
      return { n: runs };
    };
    expect(await text(cache.get('k', compute))).toBe('{"n":1}');
    clock = 59_000;
    expect(await text(cache.get('k', compute))).toBe('{"n":1}');
    clock = 61_000;
    // Expired: nobody waits, and many callers start one recomputation.
    const during = await Promise.all(
      Array.from({ length: 5 }, () => text(cache.get('k', compute))),
    );
    expect(during).toEqual(Array(5).fill('{"n":1}'));
    expect(runs).toBe(2);
    release();
    await settle();
    expect(await text(cache.get('k', compute))).toBe('{"n":2}');
    expect(runs).toBe(2);
  });

  it('drops everything on clear(), so the next caller gets a new answer', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60 });
    let runs = 0;
    const compute = async () => ({ n: ++runs });
    expect(await text(cache.get('k', compute))).toBe('{"n":1}');
    cache.clear();
    expect(await text(cache.get('k', compute))).toBe('{"n":2}');
  });

  it('does not remember a failed computation', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60 });
    await expect(
      cache.get('k', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await text(cache.get('k', async () => ({ ok: true })))).toBe(
      '{"ok":true}',
    );
  });

  it('after a failed recomputation, the next caller computes afresh', async () => {
    let clock = 0;
    const cache = new SummaryCache({ ttlSeconds: 60, now: () => clock });
    expect(await text(cache.get('k', async () => ({ n: 1 })))).toBe('{"n":1}');
    clock = 61_000;
    const failing = async () => {
      throw new Error('database down');
    };
    expect(await text(cache.get('k', failing))).toBe('{"n":1}');
    await settle();
    await expect(cache.get('k', failing)).rejects.toThrow('database down');
  });

  it('shares answers between replicas through the shared cache', async () => {
    const shared = sharedCache();
    const a = new SummaryCache({ shared, ttlSeconds: 60 });
    const b = new SummaryCache({ shared, ttlSeconds: 60 });
    const fromA = await a.get('k', async () => ({ from: 'a' }));
    const fromB = await b.get('k', async () => ({ from: 'b' }));
    expect(fromB.body.toString()).toBe('{"from":"a"}');
    // Replicas answer with the same ETag, so a browser's copy stays valid.
    expect(fromB.etag).toBe(fromA.etag);
  });

  it('after clear(), does not take the shared answer computed before', async () => {
    let clock = 0;
    const shared = sharedCache();
    const cache = new SummaryCache({
      shared,
      ttlSeconds: 60,
      now: () => clock,
    });
    expect(await text(cache.get('k', async () => ({ v: 1 })))).toBe('{"v":1}');
    clock = 1_000;
    cache.clear();
    expect(await text(cache.get('k', async () => ({ v: 2 })))).toBe('{"v":2}');
    // Another replica now takes the new answer from the shared cache.
    const other = new SummaryCache({
      shared,
      ttlSeconds: 60,
      now: () => clock,
    });
    expect(await text(other.get('k', async () => ({ v: 'unused' })))).toBe(
      '{"v":2}',
    );
  });

  it("takes another replica's newer answer instead of recomputing", async () => {
    let clock = 0;
    const shared = sharedCache();
    const a = new SummaryCache({ shared, ttlSeconds: 60, now: () => clock });
    const b = new SummaryCache({ shared, ttlSeconds: 60, now: () => clock });
    await a.get('k', async () => ({ v: 1 }));
    await b.get('k', async () => ({ v: 'unused' }));
    clock = 61_000;
    // A recomputes first (the memory store's own TTL runs on the real clock).
    await a.get('k', async () => ({ v: 2 }));
    await settle();
    expect(await text(a.get('k', async () => ({ v: 'unused' })))).toBe(
      '{"v":2}',
    );
    let bComputed = false;
    await b.get('k', async () => {
      bComputed = true;
      return { v: 'b' };
    });
    await settle();
    expect(bComputed).toBe(false);
    expect(await text(b.get('k', async () => ({ v: 'unused' })))).toBe(
      '{"v":2}',
    );
  });

  it('keeps at most maxEntries answers, the least recently used going first', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60, maxEntries: 2 });
    const runs: string[] = [];
    const get = (key: string) =>
      text(
        cache.get(key, async () => {
          runs.push(key);
          return { key };
        }),
      );
    await get('a');
    await get('b');
    await get('a'); // a is now the most recently used
    await get('c'); // evicts b
    expect(runs).toEqual(['a', 'b', 'c']);
    await get('a');
    await get('c');
    expect(runs).toEqual(['a', 'b', 'c']);
    await get('b');
    expect(runs).toEqual(['a', 'b', 'c', 'b']);
    // However many keys callers send, the process keeps two answers.
    for (let i = 0; i < 1000; i++) await get(`owner-${i}`);
    runs.length = 0;
    await get('owner-998');
    await get('owner-999');
    await get('owner-997');
    expect(runs).toEqual(['owner-997']);
  });

  it('sends an uncached answer to its callers and keeps it nowhere', async () => {
    const shared = sharedCache();
    const cache = new SummaryCache({ shared, ttlSeconds: 60 });
    let runs = 0;
    let release = () => {};
    const compute = async () => {
      runs += 1;
      await new Promise<void>(r => (release = r));
      return SummaryCache.uncached({ owner: 'unknown', n: runs });
    };
    const waiting = Promise.all(
      Array.from({ length: 3 }, () => text(cache.get('k', compute))),
    );
    await settle();
    release();
    // Callers waiting together still share one computation.
    expect(await waiting).toEqual(Array(3).fill('{"owner":"unknown","n":1}'));
    expect(await shared.get('k')).toBeUndefined();
    const next = cache.get('k', compute);
    await settle();
    release();
    expect(await text(next)).toBe('{"owner":"unknown","n":2}');
  });

  it('answers the callers waiting when clear() runs', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60 });
    let release = () => {};
    const waiting = cache.get('k', async () => {
      await new Promise<void>(r => (release = r));
      return { v: 'before clear' };
    });
    await settle();
    cache.clear();
    release();
    expect(await text(waiting)).toBe('{"v":"before clear"}');
    // Computed before clear(): not kept.
    expect(await text(cache.get('k', async () => ({ v: 'after' })))).toBe(
      '{"v":"after"}',
    );
  });
});
