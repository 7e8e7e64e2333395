import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { ScorecardsClient } from './client';
import { campaignInputFixture } from './testUtils';

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

  it('requests, approves and rejects exemptions at encoded paths with JSON bodies', async () => {
    const seen: Array<{ method: string; path: string; body: unknown }> = [];
    const record = async ({ request }: { request: Request }) => {
      const text = await request.text();
      seen.push({
        method: request.method,
        path: new URL(request.url).pathname + new URL(request.url).search,
        body: text ? JSON.parse(text) : undefined,
      });
      return HttpResponse.json({ requests: [], request: { id: 'r' } });
    };
    server.use(
      http.post(
        'http://backstage/api/scorecards/entities/dataset/default/:name/exemption-requests',
        record,
      ),
      http.get(
        'http://backstage/api/scorecards/entities/dataset/default/:name/exemption-requests',
        record,
      ),
      http.get('http://backstage/api/scorecards/exemption-requests', record),
      http.post(
        'http://backstage/api/scorecards/exemption-requests/:id/approve',
        record,
      ),
      http.post(
        'http://backstage/api/scorecards/exemption-requests/:id/reject',
        record,
      ),
    );
    const request = {
      checkId: 'dataset-pii-retention',
      reason: 'it\'s "archived"',
      expiresAt: '2027-01-01T00:00:00Z',
    };
    await client.requestExemption('dataset:default/tickets.v2 ü', request);
    await client.getExemptionRequests('dataset:tickets.v2 ü');
    await client.listExemptionRequests({
      status: 'pending',
      owner: 'group:default/ml-platform',
    });
    await client.approveExemptionRequest('a/b', { comment: 'ok' });
    await client.rejectExemptionRequest('r1');
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/api/scorecards/entities/dataset/default/tickets.v2%20%C3%BC/exemption-requests',
        body: request,
      },
      {
        method: 'GET',
        path: '/api/scorecards/entities/dataset/default/tickets.v2%20%C3%BC/exemption-requests',
        body: undefined,
      },
      {
        method: 'GET',
        path: '/api/scorecards/exemption-requests?status=pending&owner=group%3Adefault%2Fml-platform',
        body: undefined,
      },
      {
        method: 'POST',
        path: '/api/scorecards/exemption-requests/a%2Fb/approve',
        body: { comment: 'ok' },
      },
      {
        method: 'POST',
        path: '/api/scorecards/exemption-requests/r1/reject',
        body: {},
      },
    ]);
  });

  it('lists, reads, creates, updates and archives campaigns', async () => {
    const seen: string[] = [];
    const record = async ({ request }: { request: Request }) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.pathname}${url.search}`);
      if (request.method === 'DELETE')
        return new HttpResponse(null, { status: 204 });
      return HttpResponse.json({ items: [], id: 'c' });
    };
    server.use(
      http.get('http://backstage/api/scorecards/campaigns', record),
      http.post('http://backstage/api/scorecards/campaigns', record),
      http.get('http://backstage/api/scorecards/campaigns/:id', record),
      http.put('http://backstage/api/scorecards/campaigns/:id', record),
      http.delete('http://backstage/api/scorecards/campaigns/:id', record),
    );
    const input = campaignInputFixture();
    await client.listCampaigns({ state: 'open' });
    await client.getCampaign('silver-by-march', {
      owner: 'group:default/fraud-ml',
    });
    await client.createCampaign(input);
    await client.updateCampaign('silver-by-march', input);
    await expect(
      client.archiveCampaign('silver-by-march'),
    ).resolves.toBeUndefined();
    expect(seen).toEqual([
      'GET /api/scorecards/campaigns?state=open',
      'GET /api/scorecards/campaigns/silver-by-march?owner=group%3Adefault%2Ffraud-ml',
      'POST /api/scorecards/campaigns',
      'PUT /api/scorecards/campaigns/silver-by-march',
      'DELETE /api/scorecards/campaigns/silver-by-march',
    ]);
  });

  it('reads a check trend and an entity’s check changes', async () => {
    let trendUrl = '';
    server.use(
      http.get(
        'http://backstage/api/scorecards/checks/:checkId/trend',
        ({ request }) => {
          trendUrl = request.url;
          return HttpResponse.json({ points: [] });
        },
      ),
      http.get(
        'http://backstage/api/scorecards/entities/model/default/m.v1/check-changes',
        () =>
          HttpResponse.json({ entityRef: 'model:default/m.v1', changes: [] }),
      ),
    );
    await client.getCheckTrend('model card', {
      scorecardId: 'ml-production-readiness',
      owner: 'group:default/fraud-ml',
      days: 30,
    });
    const url = new URL(trendUrl);
    expect(url.pathname).toBe('/api/scorecards/checks/model%20card/trend');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      scorecardId: 'ml-production-readiness',
      owner: 'group:default/fraud-ml',
      days: '30',
    });
    await expect(client.getCheckChanges('model:m.v1')).resolves.toEqual({
      entityRef: 'model:default/m.v1',
      changes: [],
    });
  });
});
