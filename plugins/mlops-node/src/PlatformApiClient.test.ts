import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { PlatformApiClient, PlatformApiError } from './PlatformApiClient';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'http://platform.test';

/** The error a request fails with; the test fails if it succeeds. */
const failure = (request: Promise<unknown>) =>
  request.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: PlatformApiError) => e,
  );

function client(
  extra: Partial<ConstructorParameters<typeof PlatformApiClient>[0]> = {},
) {
  const waits: number[] = [];
  const c = new PlatformApiClient({
    baseUrl: `${BASE}/`,
    token: 's3cret-token',
    logger: mockServices.logger.mock(),
    sleep: async ms => {
      waits.push(ms);
    },
    ...extra,
  });
  return { c, waits };
}

describe('PlatformApiClient', () => {
  it('sends the bearer token and query, and parses JSON', async () => {
    server.use(
      http.get(`${BASE}/api/things`, ({ request }) => {
        const url = new URL(request.url);
        return HttpResponse.json({
          auth: request.headers.get('authorization'),
          q: url.searchParams.get('q'),
          absent: url.searchParams.has('absent'),
        });
      }),
    );
    const { c } = client();
    expect(await c.get('/api/things', { q: 'x y', absent: undefined })).toEqual(
      { auth: 'Bearer s3cret-token', q: 'x y', absent: false },
    );
  });

  it('retries 429 and 5xx with growing delays, honouring Retry-After', async () => {
    const answers = [
      () => new HttpResponse(null, { status: 503 }),
      () => new HttpResponse(null, { status: 502 }),
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'Retry-After': '2' },
        }),
      () => HttpResponse.json({ ok: true }),
    ];
    let calls = 0;
    server.use(http.get(`${BASE}/x`, () => answers[calls++]()));
    const { c, waits } = client({ minDelayMs: 100 });
    expect(await c.get('/x')).toEqual({ ok: true });
    expect(calls).toBe(4);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(waits[2]).toBe(2000);
  });

  it('retries network errors and gives up with a clear error', async () => {
    server.use(http.get(`${BASE}/x`, () => HttpResponse.error()));
    const { c, waits } = client({ retries: 2 });
    const error = await failure(c.get('/x'));
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error.message).toMatch(
      /^GET http:\/\/platform\.test\/x failed after 3 attempts: /,
    );
    expect(waits).toHaveLength(2);
  });

  it('retries timeouts', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/slow`, async () => {
        calls += 1;
        if (calls === 1) await new Promise(r => setTimeout(r, 500));
        return HttpResponse.json({ calls });
      }),
    );
    const { c } = client({ timeoutMs: 100 });
    expect(await c.get('/slow')).toEqual({ calls: 2 });
  });

  it('does not retry other client errors, and never puts the token in errors', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/x`, () => {
        calls += 1;
        return HttpResponse.json({ message: 'no such thing' }, { status: 404 });
      }),
    );
    const { c } = client();
    const error = await failure(c.get('/x'));
    expect(calls).toBe(1);
    expect(error.status).toBe(404);
    expect(error.message).toBe(
      'GET http://platform.test/x failed: 404 Not Found: {"message":"no such thing"}',
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('pages through a list until there is no next token', async () => {
    server.use(
      http.get(`${BASE}/list`, ({ request }) => {
        const token = new URL(request.url).searchParams.get('page_token');
        const page = Number(token ?? 0);
        return HttpResponse.json({
          items: [page * 2, page * 2 + 1],
          next: page < 2 ? String(page + 1) : '',
        });
      }),
    );
    const { c } = client();
    const all: number[] = [];
    for await (const items of c.pages<
      { items: number[]; next: string },
      number
    >('/list', {
      tokenParam: 'page_token',
      items: p => p.items,
      nextToken: p => p.next,
    })) {
      all.push(...items);
    }
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('collects every item of a paged list, or fails as a whole', async () => {
    server.use(
      http.get(`${BASE}/list`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('t') ?? 0);
        if (page === 3) return new HttpResponse(null, { status: 500 });
        return HttpResponse.json({ items: [`item ${page}`], next: page + 1 });
      }),
    );
    const { c } = client();
    const list = (last: number) =>
      c.list<{ items: string[]; next: number }, string>('/list', {
        tokenParam: 't',
        items: p => p.items,
        nextToken: p => (p.next > last ? undefined : String(p.next)),
      });
    await expect(list(2)).resolves.toEqual(['item 0', 'item 1', 'item 2']);
    await expect(list(5)).rejects.toThrow(
      'GET http://platform.test/list?t=3 failed after 5 attempts: 500',
    );
  });

  it('answers undefined for an object the API does not have (404), and fails on other errors', async () => {
    server.use(
      http.get(`${BASE}/things/:id`, ({ params }) => {
        if (params.id === 'gone')
          return new HttpResponse(null, { status: 404 });
        if (params.id === 'secret')
          return new HttpResponse(null, { status: 403 });
        return HttpResponse.json({ id: params.id });
      }),
    );
    const { c } = client();
    await expect(c.getOptional('/things/a')).resolves.toEqual({ id: 'a' });
    await expect(c.getOptional('/things/gone')).resolves.toBeUndefined();
    expect(await failure(c.getOptional('/things/secret'))).toMatchObject({
      status: 403,
    });
  });

  it('pages with POST bodies and refuses a token that repeats', async () => {
    server.use(
      http.post(`${BASE}/search`, async ({ request }) => {
        const body = (await request.json()) as { page_token?: string };
        return HttpResponse.json({
          items: [body.page_token ?? 'first'],
          next: 'same',
        });
      }),
    );
    const { c } = client();
    const seen: string[] = [];
    await expect(async () => {
      for await (const items of c.pages<
        { items: string[]; next: string },
        string
      >('/search', {
        method: 'POST',
        query: { max_results: 2 },
        tokenParam: 'page_token',
        items: p => p.items,
        nextToken: p => p.next,
      })) {
        seen.push(...items);
      }
    }).rejects.toThrow('returned the page token same twice');
    expect(seen).toEqual(['first', 'same']);
  });
});
