import { setupServer } from 'msw/node';
import { HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { PlatformApiClient } from '../PlatformApiClient';
import { expectCrawlToRetry } from './crawl';
import {
  createFakeApi,
  createRecordingConnection,
  FakeApiState,
} from './fakeApi';

const BASE = 'http://platform.test';
const server = setupServer();
registerMswTestHooks(server);

const model = (name: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name },
  spec: {},
});

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
