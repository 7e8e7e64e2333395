import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { SummaryCache } from './SummaryCache';

describe('SummaryCache', () => {
  it('computes once for concurrent callers and serves JSON text', async () => {
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
    expect(new Set(answers)).toEqual(new Set(['{"n":1}']));
  });

  it('recomputes after the TTL and after clear()', async () => {
    let clock = 0;
    const cache = new SummaryCache({ ttlSeconds: 60, now: () => clock });
    let runs = 0;
    const compute = async () => ({ n: ++runs });
    expect(await cache.get('k', compute)).toBe('{"n":1}');
    clock = 59_000;
    expect(await cache.get('k', compute)).toBe('{"n":1}');
    clock = 61_000;
    expect(await cache.get('k', compute)).toBe('{"n":2}');
    cache.clear();
    expect(await cache.get('k', compute)).toBe('{"n":3}');
  });

  it('does not remember a failed computation', async () => {
    const cache = new SummaryCache({ ttlSeconds: 60 });
    await expect(
      cache.get('k', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await cache.get('k', async () => ({ ok: true }))).toBe(
      '{"ok":true}',
    );
  });

  it('shares answers between replicas through the shared cache', async () => {
    // The real memory store that coreServices.cache uses by default.
    const shared = CacheManager.fromConfig(
      mockServices.rootConfig({
        data: { backend: { cache: { store: 'memory' } } },
      }),
    ).forPlugin('scorecards');
    const a = new SummaryCache({ shared, ttlSeconds: 60 });
    const b = new SummaryCache({ shared, ttlSeconds: 60 });
    await a.get('k', async () => ({ from: 'a' }));
    expect(await b.get('k', async () => ({ from: 'b' }))).toBe('{"from":"a"}');
    expect(await shared.get('k')).toBe('{"from":"a"}');
  });
});
