import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Query parameters; undefined values are left out.
 *
 * @public
 */
export type Query = Record<string, string | number | boolean | undefined>;

/**
 * Options of {@link PlatformApiClient}.
 *
 * @public
 */
export interface PlatformApiClientOptions {
  /** The API's base URL, e.g. `https://mlflow.example.com`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; never logged or put in errors. */
  token?: string;
  /** Retries after the first attempt for 429, 5xx, network errors and timeouts. Default 4. */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter. Default 500 ms. */
  minDelayMs?: number;
  /** Upper bound of one backoff delay (and of a Retry-After wait). Default 15 s. */
  maxDelayMs?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  logger?: LoggerService;
  /** Replaceable in tests so that retries do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How {@link PlatformApiClient.pages} walks a token-paged list whose pages
 * are `P` and items `T`.
 *
 * @public
 */
export type PagingOptions<P, T> = {
  query?: Query;
  /** The query parameter that carries the token, e.g. `page_token`. */
  tokenParam: string;
  items: (page: P) => T[] | undefined;
  nextToken: (page: P) => string | undefined;
  /** Sent with every request as POST body instead of a GET query. */
  method?: 'GET' | 'POST';
};

/**
 * An answer that is not 2xx (after retries), or a request that never got one.
 *
 * @public
 */
export class PlatformApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PlatformApiError';
  }
}

const RETRY_STATUS = (status: number) => status === 429 || status >= 500;

/**
 * A small JSON client for the REST APIs of ML platforms (MLflow, Kubeflow
 * Pipelines): bearer auth, retries with exponential backoff with jitter
 * on 429, 5xx, network errors and timeouts (honouring Retry-After), and
 * token-based paging.
 *
 * @public
 */
export class PlatformApiClient {
  private readonly baseUrl: string;
  private readonly retries: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PlatformApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retries = options.retries ?? 4;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  /** The absolute URL of `path` with `query`. */
  url(path: string, query: Query = {}): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', this.url(path, query));
  }

  /**
   * Like {@link PlatformApiClient.get}, but undefined when the API answers
   * 404: for one object that may be gone (a deleted run), never for a list,
   * where a 404 means a wrong base URL.
   */
  async getOptional<T>(path: string, query?: Query): Promise<T | undefined> {
    try {
      return await this.get<T>(path, query);
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', this.url(path), body);
  }

  /**
   * Every item of a token-paged list, page by page. Stops when the API returns
   * no next-page token; a failure on any page (after retries) throws, so a
   * caller never mistakes a partial list for a complete one.
   */
  async *pages<P, T>(
    path: string,
    options: PagingOptions<P, T>,
  ): AsyncGenerator<T[]> {
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const page: P =
        options.method === 'POST'
          ? await this.post<P>(path, {
              ...options.query,
              ...(token && { [options.tokenParam]: token }),
            })
          : await this.get<P>(path, {
              ...options.query,
              [options.tokenParam]: token,
            });
      yield options.items(page) ?? [];
      token = options.nextToken(page) || undefined;
      if (token && seen.has(token)) {
        throw new PlatformApiError(
          `${path} returned the page token ${token} twice; stopping to avoid a loop`,
        );
      }
      if (token) seen.add(token);
    } while (token);
  }

  /**
   * Every item of a token-paged list (see {@link PlatformApiClient.pages}),
   * or a failure: never part of the list.
   */
  async list<P, T>(path: string, options: PagingOptions<P, T>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of this.pages<P, T>(path, options)) {
      all.push(...page);
    }
    return all;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.token)
      headers.Authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const what = `${method} ${url}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response | undefined;
      let failure: string;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.ok) return (await response.json()) as T;
        const text = (await response.text()).slice(0, 300);
        failure = `${response.status} ${response.statusText}${
          text ? `: ${text}` : ''
        }`;
        if (!RETRY_STATUS(response.status)) {
          throw new PlatformApiError(
            `${what} failed: ${failure}`,
            response.status,
          );
        }
      } catch (error) {
        if (error instanceof PlatformApiError) throw error;
        const e = error as Error;
        failure =
          e.name === 'TimeoutError'
            ? `timed out after ${this.timeoutMs} ms`
            : `${e.message}${
                (e as any).cause?.code ? ` (${(e as any).cause.code})` : ''
              }`;
      }
      if (attempt >= this.retries) {
        throw new PlatformApiError(
          `${what} failed after ${attempt + 1} attempts: ${failure}`,
          response?.status,
        );
      }
      const delay = this.delay(attempt, response);
      this.options.logger?.warn(
        `${what} failed (${failure}); retry ${attempt + 1} of ${
          this.retries
        } in ${delay} ms`,
      );
      await this.sleep(delay);
    }
  }

  private delay(attempt: number, response?: Response) {
    const retryAfter = Number(response?.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
      return Math.min(retryAfter * 1000, this.maxDelayMs);
    }
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
