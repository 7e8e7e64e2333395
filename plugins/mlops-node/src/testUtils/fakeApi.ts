import { http, HttpResponse, PathParams } from 'msw';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';

/**
 * An answer a test puts in place of the fake API's: the request's path, its
 * attempt (1 for the first request of that path and query, 2 for the first
 * retry, …) and URL; undefined lets the fake answer.
 *
 * @public
 */
export type FakeApiFailure = (
  path: string,
  attempt: number,
  url: URL,
) => Response | undefined;

/**
 * A {@link FakeApiFailure} that answers a request whose path ends in a key of
 * `answers` with that key's answer (the first key that fits): on every
 * attempt, or with `options.attempts` only on that many first attempts of
 * each request, so that retries succeed.
 *
 * @public
 */
export function failPaths(
  answers: Record<string, () => Response>,
  options: { attempts?: number } = {},
): FakeApiFailure {
  return (path, attempt) => {
    if (options.attempts !== undefined && attempt > options.attempts)
      return undefined;
    const suffix = Object.keys(answers).find(s => path.endsWith(s));
    return suffix === undefined ? undefined : answers[suffix]();
  };
}

/**
 * What a fake platform API records and how it misbehaves. `fail` is read
 * at each request, so a test may change it between crawls.
 *
 * @public
 */
export type FakeApiState = {
  /** Each request as `<path>?<query>`, in order. */
  calls: string[];
  fail?: FakeApiFailure;
};

/**
 * A fake ML platform API for msw: `get(path, answer)` makes a GET handler
 * under `baseUrl` that records the request in `state.calls`, answers 401
 * unless it carries `Authorization: Bearer <token>` (when a token is
 * given), gives `state.fail` the first say, and otherwise answers with
 * `answer`.
 *
 * @public
 */
export function createFakeApi(
  state: FakeApiState,
  options: { baseUrl: string; token?: string },
) {
  const attempts = new Map<string, number>();
  return {
    get(
      path: string,
      answer: (url: URL, params: PathParams) => Response | Promise<Response>,
    ) {
      return http.get(`${options.baseUrl}${path}`, ({ request, params }) => {
        const url = new URL(request.url);
        const key = `${url.pathname}?${url.searchParams}`;
        state.calls.push(key);
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        const expected = `Bearer ${options.token}`;
        if (
          options.token !== undefined &&
          request.headers.get('authorization') !== expected
        ) {
          return HttpResponse.json(
            { message: 'the fake API expected its bearer token' },
            { status: 401 },
          );
        }
        return state.fail?.(url.pathname, attempt, url) ?? answer(url, params);
      });
    },
  };
}

/**
 * The handler maker {@link createFakeApi} returns.
 *
 * @public
 */
export type FakeApi = ReturnType<typeof createFakeApi>;

/**
 * One page of `items` as a fake API answers a list request: JSON with the
 * page under `key` and, while items remain, `next_page_token` (the offset
 * of the next page), plus any `extra` fields. The page size is the query
 * parameter `sizeParam`, 100 without it.
 *
 * @public
 */
export function offsetPageAnswer(
  items: readonly unknown[],
  url: URL,
  options: { key: string; sizeParam: string; extra?: Record<string, unknown> },
): Response {
  const size = Number(url.searchParams.get(options.sizeParam) ?? 100);
  const start = Number(url.searchParams.get('page_token') || 0);
  const next = start + size < items.length ? String(start + size) : undefined;
  return HttpResponse.json({
    [options.key]: items.slice(start, start + size),
    ...options.extra,
    ...(next && { next_page_token: next }),
  });
}

/**
 * An entity provider connection that keeps every mutation applied to it.
 *
 * @public
 */
export function createRecordingConnection(): {
  connection: EntityProviderConnection;
  mutations: EntityProviderMutation[];
} {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      mutations.push(mutation);
    },
    refresh: async () => {},
  };
  return { connection, mutations };
}

/**
 * The entities a mutation applies: all of a full one, the added ones of a
 * delta.
 *
 * @public
 */
export function entitiesOf(mutation: EntityProviderMutation): Entity[] {
  return (mutation.type === 'full' ? mutation.entities : mutation.added).map(
    e => e.entity,
  );
}
