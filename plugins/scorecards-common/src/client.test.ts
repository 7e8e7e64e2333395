import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
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
    ).rejects.toThrow('expiresAt: must be in the future');
  });
});
