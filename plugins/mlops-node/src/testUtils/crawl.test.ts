import { HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import { PlatformApiClient } from '../PlatformApiClient';
import {
  CrawlingEntityProvider,
  CrawlingEntityProviderDeps,
} from '../CrawlingEntityProvider';
import { PlatformSourceConfig, readPlatformSources } from '../config';
import {
  createCrawlerTestKit,
  expectCrawlToApply,
  expectCrawlToFailChangingNothing,
  expectCrawlToRetry,
} from './crawl';
import {
  createFakeApi,
  createRecordingConnection,
  FakeApiState,
} from './fakeApi';

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

const kit = createCrawlerTestKit({
  platform: 'listing',
  source: { baseUrl: BASE, token: 'kit-token', defaultOwner: 'group:ml' },
  apiPath: '/api/v1',
  readSources: config =>
    readPlatformSources(config, 'listing', {}, (_, source) => source),
  create: (source, deps) => new ListingProvider(source, deps),
  handlers: (fake, api: Listing) => [
    fake.get('/models', () => HttpResponse.json({ names: api.names })),
  ],
});
// One msw server for the file: the kit's (it registers msw's test hooks).
const server = kit.server;

/** A platform listing two models, and a crawler applying what it reads. */
function crawlerOf(api: FakeApiState) {
  const fake = createFakeApi(api, { baseUrl: BASE });
  server.use(
    fake.get('/api/models', () => HttpResponse.json({ names: ['a', 'b'] })),
  );
  const client = new PlatformApiClient({
    baseUrl: BASE,
    sleep: async () => {},
  });
  const { connection, mutations } = createRecordingConnection();
  const provider = {
    async refresh() {
      const { names } = await client.get<{ names: string[] }>('/api/models');
      await connection.applyMutation({
        type: 'full',
        entities: names.map(n => ({ entity: model(n), locationKey: 'test' })),
      });
      return names.length;
    },
  };
  return { provider, mutations, api };
}

describe('expectCrawlToRetry', () => {
  it('passes when the crawl met every failing answer, retried and completed', async () => {
    const api: FakeApiState = { calls: [] };
    const entities = await expectCrawlToRetry(
      crawlerOf(api),
      { '/models': () => new HttpResponse(null, { status: 503 }) },
      { attempts: 2 },
    );
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
    expect(api.calls).toEqual(['/api/models?', '/api/models?', '/api/models?']);
    expect(api.fail).toBeUndefined();
  });

  it('fails when an answer fits no request, so a retry test cannot pass without retrying', async () => {
    const api: FakeApiState = { calls: [] };
    await expect(
      expectCrawlToRetry(
        crawlerOf(api),
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
    const entities = await expectCrawlToApply(crawler);
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

describe('expectCrawlToFailChangingNothing', () => {
  const unavailable = {
    '/models': () => new HttpResponse(null, { status: 503 }),
  };

  it('gives the failing answers on every attempt of that refresh only', async () => {
    const api: Listing = { calls: [], names: ['a', 'b'] };
    const crawler = await kit.connect(api);
    await expectCrawlToFailChangingNothing(crawler, /503/, unavailable);
    expect(api.fail).toBeUndefined();
    const entities = await expectCrawlToApply(crawler);
    expect(entities.map(e => e.metadata.name)).toEqual(['a', 'b']);
  });

  it('clears the failing answers when its expectation fails', async () => {
    const api: Listing = { calls: [], names: ['a'] };
    const crawler = await kit.connect(api);
    await expect(
      expectCrawlToFailChangingNothing(crawler, /404/, unavailable),
    ).rejects.toThrow(/Expected pattern: \/404\//);
    expect(api.fail).toBeUndefined();
    expect(crawler.mutations).toHaveLength(0);
  });

  it('refuses failing answers for a crawler without a fake api', async () => {
    const refresh = jest.fn(async () => 0);
    const crawler = await kit.connect({ calls: [], names: [] });
    await expect(
      expectCrawlToFailChangingNothing(
        { ...crawler, api: undefined, provider: { refresh } },
        /503/,
        unavailable,
      ),
    ).rejects.toThrow("failing answers need the crawler's fake api");
    expect(refresh).not.toHaveBeenCalled();
  });
});
