import { HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import {
  CrawlingEntityProvider,
  CrawlingEntityProviderDeps,
} from '../CrawlingEntityProvider';
import { PlatformSourceConfig, readPlatformSources } from '../config';
import { createCrawlerTestKit } from './crawl';
import { FakeApiState } from './fakeApi';

const BASE = 'http://platform.test';

const model = (name: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name },
  spec: {},
});

/** A platform that lists the names of its models under /api/v1/models. */
class ListingProvider extends CrawlingEntityProvider {
  constructor(source: PlatformSourceConfig, deps: CrawlingEntityProviderDeps) {
    super('listing', source, deps);
  }
  async crawl() {
    const { names } = await this.client.get<{ names: string[] }>(
      '/api/v1/models',
    );
    return names.map(model);
  }
}

/** The kit's fake API state: the model names the platform lists. */
type Listing = FakeApiState & { names: string[] };

/** Whether the kit's reader checks the sources (a test turns it off). */
let checking = true;

const kit = createCrawlerTestKit({
  platform: 'listing',
  source: { baseUrl: BASE, token: 'kit-token', defaultOwner: 'group:ml' },
  apiPath: '/api/v1',
  readSources: config =>
    checking
      ? readPlatformSources(config, 'listing', {}, (_, source) => source)
      : [],
  create: (source, deps) => new ListingProvider(source, deps),
  handlers: (fake, api: Listing) => [
    fake.get('/models', () => HttpResponse.json({ names: api.names })),
  ],
});

describe('expectToRetry', () => {
  it('passes when the crawl met every failing answer, retried and completed', async () => {
    const api: Listing = { calls: [], names: ['a', 'b'] };
    const crawler = await kit.connect(api);
    const entities = await crawler.expectToRetry(
      { '/models': () => new HttpResponse(null, { status: 503 }) },
      { attempts: 2 },
    );
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
    expect(api.calls).toEqual([
      '/api/v1/models?',
      '/api/v1/models?',
      '/api/v1/models?',
    ]);
    expect(api.fail).toBeUndefined();
  });

  it('fails when an answer fits no request, so a retry test cannot pass without retrying', async () => {
    const api: Listing = { calls: [], names: ['a', 'b'] };
    const crawler = await kit.connect(api);
    await expect(
      crawler.expectToRetry(
        {
          '/models': () => new HttpResponse(null, { status: 429 }),
          '/versions': () => new HttpResponse(null, { status: 503 }),
        },
        { attempts: 1 },
      ),
    ).rejects.toThrow(/expect\(received\)\.toEqual\(expected\)/);
    expect(api.fail).toBeUndefined();
  });
});

describe('createCrawlerTestKit', () => {
  it('serves the fake API under baseUrl and apiPath, and connects a crawler from the source', async () => {
    const api: Listing = { calls: [], names: ['a', 'b'] };
    const crawler = await kit.connect(api);
    expect(crawler.api).toBe(api);
    const entities = await crawler.expectToApply();
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
    expect(api.calls).toEqual(['/api/v1/models?']);
  });

  it("refuses a request without the source's token", async () => {
    const api: Listing = { calls: [], names: ['a'] };
    kit.serve(api);
    const models = `${BASE}/api/v1/models`;
    const refused = await fetch(models);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      message: 'the fake API expected its bearer token',
    });
    const wrong = await fetch(models, {
      headers: { Authorization: 'Bearer other' },
    });
    expect(wrong.status).toBe(401);
    const answered = await fetch(models, {
      headers: { Authorization: 'Bearer kit-token' },
    });
    expect(await answered.json()).toEqual({ names: ['a'] });

    // A crawler whose source has another token fails the same way.
    const crawler = await kit.connect(api, { source: { token: 'other' } });
    await expect(crawler.provider.refresh()).rejects.toThrow(/401/);
  });
});

describe('expectToFailChangingNothing', () => {
  const unavailable = {
    '/models': () => new HttpResponse(null, { status: 503 }),
  };

  it('gives the failing answers on every attempt of that refresh only', async () => {
    const api: Listing = { calls: [], names: ['a', 'b'] };
    const crawler = await kit.connect(api);
    await crawler.expectToFailChangingNothing(/503/, unavailable);
    expect(api.fail).toBeUndefined();
    const entities = await crawler.expectToApply();
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
  });

  it('clears the failing answers when its expectation fails', async () => {
    const api: Listing = { calls: [], names: ['a'] };
    const crawler = await kit.connect(api);
    await expect(
      crawler.expectToFailChangingNothing(/404/, unavailable),
    ).rejects.toThrow(/Expected pattern: \/404\//);
    expect(api.fail).toBeUndefined();
    expect(crawler.mutations).toHaveLength(0);
  });
});

describe('expectSourceChecks', () => {
  afterEach(() => {
    checking = true;
  });

  it("checks the kit's reader and returns a reader of the source x", () => {
    const read = kit.expectSourceChecks();
    expect(read({ baseUrl: 'http://x', defaultOwner: 'group:a' })()).toEqual([
      expect.objectContaining({ providerId: 'x', baseUrl: 'http://x' }),
    ]);
  });

  it('fails for a reader that refuses nothing', () => {
    checking = false;
    expect(() => kit.expectSourceChecks()).toThrow(/did not throw/);
  });
});
