import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { ScorecardsClient } from './client';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = new ScorecardsClient({
  discoveryApi: { getBaseUrl: async () => 'http://backstage/api/scorecards' },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

describe('ScorecardsClient', () => {
  it('reads an entity by its ref', async () => {
    server.use(
      http.get(
        'http://backstage/api/scorecards/entities/model/default/fraud-detector',
        () =>
          HttpResponse.json({ results: [{ level: 'Gold' }], exemptions: [] }),
      ),
    );
    await expect(
      client.getEntityResults('model:default/fraud-detector'),
    ).resolves.toEqual({
      results: [{ level: 'Gold' }],
      exemptions: [],
    });
  });

  it('reads a ref without namespace from the default one, encoding the name', async () => {
    server.use(
      http.get(
        'http://backstage/api/scorecards/entities/model/default/fraud%20d%C3%A9tector.v2',
        () => HttpResponse.json({ results: [], exemptions: [] }),
      ),
    );
    await expect(
      client.getEntityResults('model:fraud détector.v2'),
    ).resolves.toEqual({ results: [], exemptions: [] });
  });

  it('refuses a ref without a kind before calling the backend', async () => {
    await expect(client.getEntityResults('fraud-detector')).rejects.toThrow(
      /missing or empty kind/,
    );
  });

  it('passes summary filters as query parameters', async () => {
    let url = '';
    server.use(
      http.get('http://backstage/api/scorecards/summary', ({ request }) => {
        url = request.url;
        return HttpResponse.json({ summaries: [], trend: [] });
      }),
    );
    await client.getSummary({ owner: 'group:default/fraud-ml', days: 30 });
    expect(new URL(url).searchParams.get('owner')).toBe(
      'group:default/fraud-ml',
    );
    expect(new URL(url).searchParams.get('days')).toBe('30');
  });

  it("surfaces the backend's error message", async () => {
    server.use(
      http.post(
        'http://backstage/api/scorecards/entities/model/default/x/exemptions',
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message: 'expiresAt: must be in the future',
              },
              response: { statusCode: 400 },
            },
            { status: 400 },
          ),
      ),
    );
    await expect(
      client.createExemption('model:default/x', {
        checkId: 'c',
        reason: 'r',
        expiresAt: '2001-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      cause: {
        name: 'InputError',
        message: 'expiresAt: must be in the future',
      },
    });
  });

  it("keeps the server's error name, e.g. a refused refresh", async () => {
    server.use(
      http.post(
        'http://backstage/api/scorecards/entities/model/default/x/refresh',
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: 'You may not scorecards.entity.refresh',
              },
              response: { statusCode: 403 },
            },
            { status: 403, statusText: 'Forbidden' },
          ),
      ),
    );
    const error = await client.refreshEntity('model:default/x').then(
      () => undefined,
      e => e,
    );
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.message).toBe('Request failed with 403 Forbidden');
    expect(error.body.error.name).toBe('NotAllowedError');
    expect(error.cause.message).toBe('You may not scorecards.entity.refresh');
  });

  it('answers a non-JSON failure with its status', async () => {
    server.use(
      http.get(
        'http://backstage/api/scorecards/definitions',
        () =>
          new HttpResponse('upstream down', {
            status: 502,
            statusText: 'Bad Gateway',
          }),
      ),
    );
    await expect(client.getDefinitions()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 502,
      message: 'Request failed with 502 Bad Gateway',
    });
  });

  it("asks for many owners' summaries in one request", async () => {
    let body: unknown;
    const item = {
      owner: 'group:default/fraud-ml',
      owners: ['group:default/fraud-ml'],
      summaries: [],
      trend: [{ day: '2026-11-29', scorecardId: 'ml', score: 0.5 }],
    };
    server.use(
      http.post(
        'http://backstage/api/scorecards/summaries/by-owners',
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json({ items: [item] });
        },
      ),
    );
    await expect(
      client.getSummaries({ owners: ['fraud-ml'], days: 30 }),
    ).resolves.toEqual({ items: [item] });
    expect(body).toEqual({ owners: ['fraud-ml'], days: 30 });
    await client.getSummaries({ owners: ['group:a/"quoted\\name'] });
    expect(body).toEqual({ owners: ['group:a/"quoted\\name'] });
  });
});
