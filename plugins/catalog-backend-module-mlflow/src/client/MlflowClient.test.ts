import { setupServer } from 'msw/node';
import { HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import {
  PlatformApiClient,
  PlatformApiError,
} from '@convergence/backstage-plugin-mlops-node';
import {
  FakeApiState,
  createFakeApi,
  offsetPageAnswer,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import { MlflowClient } from './MlflowClient';

const notFound = () =>
  HttpResponse.json(
    { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such thing' },
    { status: 404 },
  );

const BASE = 'http://mlflow.test';
const server = setupServer();
registerMswTestHooks(server);

/** An MLflow with models `m0`…`m4` (version 1 each), run `r1` and logged model `m-1`. */
function serveMlflow(state: FakeApiState) {
  const api = createFakeApi(state, {
    baseUrl: `${BASE}/api/2.0/mlflow`,
    token: 'tok',
  });
  const models = Array.from({ length: 5 }, (_, i) => ({ name: `m${i}` }));
  server.use(
    api.get('/registered-models/search', url =>
      offsetPageAnswer(models, url, {
        key: 'registered_models',
        sizeParam: 'max_results',
      }),
    ),
    api.get('/registered-models/get', url => {
      const model = models.find(m => m.name === url.searchParams.get('name'));
      return model
        ? HttpResponse.json({ registered_model: model })
        : notFound();
    }),
    api.get('/model-versions/search', url =>
      offsetPageAnswer(
        models.map(m => ({ name: m.name, version: '1' })),
        url,
        { key: 'model_versions', sizeParam: 'max_results' },
      ),
    ),
    api.get('/runs/get', url =>
      url.searchParams.get('run_id') === 'r1'
        ? HttpResponse.json({ run: { info: { run_id: 'r1' } } })
        : notFound(),
    ),
    api.get('/logged-models/:id', (_url, params) =>
      params.id === 'm-1'
        ? HttpResponse.json({ model: { info: { model_id: 'm-1' } } })
        : notFound(),
    ),
  );
}

function setup() {
  const state: FakeApiState = { calls: [] };
  serveMlflow(state);
  // Retries without waiting.
  const api = new PlatformApiClient({
    baseUrl: BASE,
    token: 'tok',
    sleep: async () => {},
  });
  return { state, client: new MlflowClient(api) };
}

describe('MlflowClient', () => {
  it('pages through a search to the end, sending the filter and page size', async () => {
    const { state, client } = setup();
    const models = await client.searchRegisteredModels({
      filter: "name LIKE 'm%'",
      pageSize: 2,
    });
    expect(models.map(m => m.name)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(
      state.calls.map(c =>
        Object.fromEntries(new URLSearchParams(c.split('?')[1])),
      ),
    ).toEqual([
      { max_results: '2', filter: "name LIKE 'm%'" },
      { max_results: '2', filter: "name LIKE 'm%'", page_token: '2' },
      { max_results: '2', filter: "name LIKE 'm%'", page_token: '4' },
    ]);
    const versions = await client.searchModelVersions({ pageSize: 3 });
    expect(versions).toHaveLength(5);
    expect(state.calls.slice(3)).toEqual([
      '/api/2.0/mlflow/model-versions/search?max_results=3',
      '/api/2.0/mlflow/model-versions/search?max_results=3&page_token=3',
    ]);
  });

  it('reads single objects, and answers undefined for those MLflow does not have (404)', async () => {
    const { client } = setup();
    await expect(client.getRegisteredModel('m3')).resolves.toEqual({
      name: 'm3',
    });
    await expect(client.getRegisteredModel("it's gone")).resolves.toBe(
      undefined,
    );
    await expect(client.getRun('r1')).resolves.toEqual({
      info: { run_id: 'r1' },
    });
    await expect(client.getRun('deleted')).resolves.toBeUndefined();
    await expect(client.getLoggedModel('m-1')).resolves.toEqual({
      info: { model_id: 'm-1' },
    });
    await expect(client.getLoggedModel('m/2')).resolves.toBeUndefined();
  });

  it('fails with the status on other errors, and never returns part of a list', async () => {
    const { state, client } = setup();
    state.fail = (path, _attempt, url) => {
      if (path.endsWith('/runs/get'))
        return HttpResponse.json({ error_code: 'BAD' }, { status: 400 });
      // The second page of every search fails for good.
      if (url.searchParams.get('page_token') === '2')
        return new HttpResponse(null, { status: 503 });
      return undefined;
    };
    const error = await client.getRun('r1').catch(e => e);
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error.status).toBe(400);
    await expect(
      client.searchRegisteredModels({ pageSize: 2 }),
    ).rejects.toThrow(/page_token=2 failed after 5 attempts: 503/);

    // A 404 on a list is a wrong base URL, not an empty list.
    state.fail = path => (path.endsWith('/search') ? notFound() : undefined);
    await expect(client.searchModelVersions()).rejects.toMatchObject({
      status: 404,
    });
  });

  it("sends its PlatformApiClient's token", async () => {
    const { state } = setup();
    const client = new MlflowClient(
      new PlatformApiClient({ baseUrl: `${BASE}/`, token: 'other' }),
    );
    // The fake answers 401 to another token.
    await expect(client.getRun('r1')).rejects.toMatchObject({ status: 401 });
    expect(state.calls).toEqual(['/api/2.0/mlflow/runs/get?run_id=r1']);
  });
});
