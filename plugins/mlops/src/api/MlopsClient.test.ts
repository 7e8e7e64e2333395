import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  NotAllowedError,
  NotFoundError,
  ResponseError,
  serializeError,
} from '@backstage/errors';
import { registerMswTestHooks } from '@backstage/test-utils';
import { LineageResponse } from '@convergence/backstage-plugin-mlops-common';
import { MlopsClient } from './MlopsClient';

const server = setupServer();
registerMswTestHooks(server);

/** What a Backstage backend's error handler answers a request failing with `error`. */
const failingWith = (status: number, error: Error, statusText?: string) =>
  HttpResponse.json(
    { error: serializeError(error), response: { statusCode: status } },
    { status, statusText },
  );

const base = 'http://backstage/api/mlops';
const client = new MlopsClient({
  discoveryApi: {
    getBaseUrl: async pluginId => `http://backstage/api/${pluginId}`,
  },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

const lineage: LineageResponse = {
  root: {
    entityRef: 'dataset:default/card-transactions',
    kind: 'Dataset',
    namespace: 'default',
    name: 'card-transactions',
  },
  direction: 'downstream',
  depth: 6,
  entities: [],
  totals: { entities: 0, hidden: 0, byKind: {}, byOwner: {}, owners: 0 },
  truncated: false,
};

describe('MlopsClient', () => {
  it('reads downstream lineage with the given depth', async () => {
    let url: URL | undefined;
    server.use(
      http.get(
        `${base}/lineage/dataset/default/card-transactions`,
        ({ request }) => {
          url = new URL(request.url);
          return HttpResponse.json(lineage);
        },
      ),
    );
    await expect(
      client.getLineage('dataset:default/card-transactions', {
        direction: 'downstream',
        depth: 3,
      }),
    ).resolves.toEqual(lineage);
    expect(url?.searchParams.get('direction')).toBe('downstream');
    expect(url?.searchParams.get('depth')).toBe('3');
  });

  it('leaves the depth to the backend when none is given and defaults to downstream', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/lineage/model/default/x`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json(lineage);
      }),
    );
    await client.getLineage({ kind: 'Model', namespace: 'default', name: 'x' });
    expect(url?.searchParams.get('direction')).toBe('downstream');
    expect(url?.searchParams.has('depth')).toBe(false);
  });

  it('encodes an awkward name and namespace in the path', async () => {
    let path = '';
    server.use(
      http.get(`${base}/lineage/*`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json(lineage);
      }),
    );
    await client.getLineage(
      { kind: 'Model', namespace: 'ml/prod', name: 'fraud.v2 "ü"' },
      { direction: 'upstream' },
    );
    expect(path).toBe(
      '/api/mlops/lineage/model/ml%2Fprod/fraud.v2%20%22%C3%BC%22',
    );
  });

  it('lists the notices of an entity', async () => {
    const items = [
      {
        id: 'n1',
        entityRef: 'model:default/fraud.v2 "ü"',
        type: 'incident',
        sentBy: 'user:default/ana',
        sentAt: '2026-11-30T06:00:00.000Z',
        recipients: ['group:default/payments'],
      },
    ];
    server.use(
      http.get(
        `${base}/lineage/model/default/fraud.v2%20%22%C3%BC%22/notices`,
        () => HttpResponse.json({ items }),
      ),
    );
    await expect(
      client.listNotices('model:default/fraud.v2 "ü"'),
    ).resolves.toEqual({ items });
  });

  it('posts a notice as JSON', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(
        `${base}/lineage/dataset/default/card-transactions/notices`,
        async ({ request }) => {
          body = await request.json();
          contentType = request.headers.get('content-type');
          return HttpResponse.json(
            {
              id: 'n2',
              entityRef: 'dataset:default/card-transactions',
              type: 'deprecation',
              effectiveDate: '2027-03-01',
              sentBy: 'user:default/ana',
              sentAt: '2026-11-30T06:00:00.000Z',
              recipients: ['group:default/a', 'group:default/b'],
            },
            { status: 201 },
          );
        },
      ),
    );
    const notice = await client.sendNotice(
      'dataset:default/card-transactions',
      { type: 'deprecation', effectiveDate: '2027-03-01' },
    );
    expect(body).toEqual({ type: 'deprecation', effectiveDate: '2027-03-01' });
    expect(contentType).toBe('application/json');
    expect(notice.recipients).toHaveLength(2);
  });

  it("rejects with the server's error on a refused notice", async () => {
    server.use(
      http.post(`${base}/lineage/dataset/default/x/notices`, () =>
        failingWith(
          403,
          new NotAllowedError('You may not mlops.lineage.notify'),
          'Forbidden',
        ),
      ),
    );
    const error = await client
      .sendNotice('dataset:default/x', { type: 'incident' })
      .then(
        () => undefined,
        e => e,
      );
    expect(ResponseError.is(error)).toBe(true);
    expect(error).toMatchObject({
      statusCode: 403,
      cause: {
        name: 'NotAllowedError',
        message: 'You may not mlops.lineage.notify',
      },
    });
  });

  it('rejects with a 404 for an unknown entity', async () => {
    server.use(
      http.get(`${base}/lineage/model/default/gone`, () =>
        failingWith(404, new NotFoundError('No entity model:default/gone')),
      ),
    );
    await expect(client.getLineage('model:default/gone')).rejects.toMatchObject(
      {
        name: 'ResponseError',
        statusCode: 404,
        cause: { message: 'No entity model:default/gone' },
      },
    );
  });

  it('refuses a ref without a kind before calling the backend', async () => {
    await expect(client.listNotices('fraud-detector')).rejects.toThrow(/kind/);
  });
});
