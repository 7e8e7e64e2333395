import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  registerMswTestHooks,
  ServiceMock,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Config, ConfigReader } from '@backstage/config';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import {
  createFakeApi,
  createRecordingConnection,
  entitiesOf,
  failPaths,
  FakeApi,
  FakeApiState,
} from './fakeApi';

/**
 * A config object as `ConfigReader` takes it (`JsonObject` of
 * `@backstage/types`): one source in {@link expectSourceChecks}.
 *
 * @public
 */
export type JsonObject = ConstructorParameters<typeof ConfigReader>[0];

/**
 * Connects `provider` to a new recording connection (see
 * {@link createRecordingConnection}): the connection and every mutation the
 * provider applies through it.
 *
 * @public
 */
export async function connectRecording(provider: EntityProvider) {
  const recording = createRecordingConnection();
  await provider.connect(recording.connection);
  return recording;
}

/**
 * How {@link connectTestCrawler} makes a crawling provider for a test.
 *
 * @public
 */
export type TestCrawlerOptions<S, P extends EntityProvider> = {
  platform: string;
  source: JsonObject;
  readSources: (config: Config) => S[];
  create: (
    source: S,
    deps: {
      logger: LoggerService;
      catalog: CatalogService;
      auth: AuthService;
      client: { sleep(ms: number): Promise<void>; timeoutMs: number };
    },
  ) => P;
  entities?: Entity[];
};

/**
 * A crawling provider connected for a test (see {@link connectTestCrawler}).
 *
 * @public
 */
export type TestCrawler<P extends EntityProvider> = {
  provider: P;
  logger: ServiceMock<LoggerService>;
  connection: EntityProviderConnection;
  mutations: EntityProviderMutation[];
};

/**
 * A crawling provider that reads the catalog, made for a test and connected
 * to a recording connection (see {@link connectRecording}): `create` makes it
 * from the source `prod` that `readSources` reads from
 * `catalog.providers.<platform>.prod` (`source`), with a mock logger (returned
 * for assertions on what was logged), a mock catalog holding `entities`, mock
 * auth, and an HTTP client that does not wait between retries.
 *
 * @public
 */
export async function connectTestCrawler<S, P extends EntityProvider>(
  options: TestCrawlerOptions<S, P>,
): Promise<TestCrawler<P>> {
  const { platform, source, readSources, create, entities = [] } = options;
  const [read] = readSources(
    new ConfigReader({
      catalog: { providers: { [platform]: { prod: source } } },
    }),
  );
  const logger = mockServices.logger.mock();
  const provider = create(read, {
    logger,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    client: { sleep: async () => {}, timeoutMs: 2000 },
  });
  return { provider, logger, ...(await connectRecording(provider)) };
}

/**
 * The msw server, fake platform API and crawler of one crawling provider's
 * tests; make it once, at the top of the test file (it registers msw's test
 * hooks: the handlers a test adds are removed after it).
 *
 * `handlers` answers a test's fake API state `api` with the handler maker
 * `fake` (see {@link createFakeApi}): under `<source.baseUrl><apiPath>`,
 * expecting `source.token` when the source has one. `connect(api)` serves
 * `api` and connects a provider as {@link connectTestCrawler} does, from
 * `source` with `more.source` laid over it and a catalog holding
 * `more.entities` (by default `entities`); the crawler carries `api`, which the crawl assertions
 * ({@link expectCrawlToRetry}, {@link expectCrawlToFailChangingNothing}) make
 * fail. `serve(api)` serves `api` again, e.g. after `server.resetHandlers()`.
 *
 * @public
 */
export function createCrawlerTestKit<
  A extends FakeApiState,
  S,
  P extends EntityProvider,
>(
  options: TestCrawlerOptions<S, P> & {
    source: { baseUrl: string };
    apiPath?: string;
    handlers: (fake: FakeApi, api: A) => RequestHandler[];
  },
) {
  const { baseUrl, token } = options.source;
  const server = setupServer();
  registerMswTestHooks(server);
  const serve = (api: A) => {
    const fake = createFakeApi(api, {
      baseUrl: `${baseUrl}${options.apiPath ?? ''}`,
      token: typeof token === 'string' ? token : undefined,
    });
    server.use(...options.handlers(fake, api));
  };
  return {
    server,
    serve,
    async connect(
      api: A,
      more: { source?: JsonObject; entities?: Entity[] } = {},
    ): Promise<TestCrawler<P> & { api: A }> {
      serve(api);
      const crawler = await connectTestCrawler({
        ...options,
        source: { ...options.source, ...more.source },
        entities: more.entities ?? options.entities,
      });
      return { ...crawler, api };
    },
  };
}

/**
 * Expects the next refresh of a crawling provider, connected to a recording
 * connection that keeps `mutations`, to fail with `error`, to apply nothing
 * and to have logged (with the mock `logger`) that the catalog keeps its
 * current entities. With `answers` (as {@link failPaths} takes them), the
 * fake API `api` gives them on every attempt during that refresh.
 *
 * @public
 */
export async function expectCrawlToFailChangingNothing(
  crawler: {
    provider: { refresh(): Promise<number> };
    mutations: EntityProviderMutation[];
    logger: LoggerService;
    api?: FakeApiState;
  },
  error: RegExp | string,
  answers?: Record<string, () => Response>,
) {
  const applied = crawler.mutations.length;
  const api = answers ? crawler.api : undefined;
  if (answers) {
    if (!api) throw new Error("failing answers need the crawler's fake api");
    api.fail = failPaths(answers);
  }
  try {
    await expect(crawler.provider.refresh()).rejects.toThrow(error);
  } finally {
    if (api) api.fail = undefined;
  }
  expect(crawler.mutations).toHaveLength(applied);
  expect(crawler.logger.error).toHaveBeenCalledWith(
    expect.stringContaining('the catalog keeps its current entities'),
  );
}

/**
 * Refreshes a provider connected to a recording connection that keeps
 * `mutations`, expects the crawl to apply one mutation with as many
 * entities as `refresh()` counted, and returns them.
 *
 * @public
 */
export async function expectCrawlToApply(crawler: {
  provider: { refresh(): Promise<number> };
  mutations: EntityProviderMutation[];
}): Promise<Entity[]> {
  const applied = crawler.mutations.length;
  const count = await crawler.provider.refresh();
  expect(crawler.mutations).toHaveLength(applied + 1);
  const entities = entitiesOf(crawler.mutations[applied]);
  expect(entities).toHaveLength(count);
  return entities;
}

/**
 * Expects a crawl whose requests meet the failing `answers` (as
 * {@link failPaths} takes them, e.g. 503 or 429) on their first
 * `options.attempts` attempts to retry them and complete: the crawler's
 * fake API `api` gave every answer at least once (a path suffix that fits no
 * request fails the test), and the crawl applied one mutation, whose
 * entities it returns. `api.fail` is cleared afterwards.
 *
 * @public
 */
export async function expectCrawlToRetry(
  crawler: {
    provider: { refresh(): Promise<number> };
    mutations: EntityProviderMutation[];
    api: FakeApiState;
  },
  answers: Record<string, () => Response>,
  options: { attempts: number },
): Promise<Entity[]> {
  const { api } = crawler;
  const given = new Set<string>();
  const counted = Object.fromEntries(
    Object.entries(answers).map(([suffix, answer]) => [
      suffix,
      () => {
        given.add(suffix);
        return answer();
      },
    ]),
  );
  api.fail = failPaths(counted, options);
  try {
    const entities = await expectCrawlToApply(crawler);
    expect([...given].sort()).toEqual(Object.keys(answers).sort());
    return entities;
  } finally {
    api.fail = undefined;
  }
}

/**
 * Expects `readSources`, a provider's reader of the sources under
 * `catalog.providers.<platform>`, to refuse what every platform source
 * refuses, naming the key: no `baseUrl`, a `baseUrl` that is not an
 * http(s) URL, no `defaultOwner`. Returns a function that reads one source
 * (`x`) for the provider's own checks.
 *
 * @public
 */
export function expectSourceChecks(
  platform: string,
  readSources: (config: Config) => unknown,
) {
  const read = (source: JsonObject) => () =>
    readSources(
      new ConfigReader({
        catalog: { providers: { [platform]: { x: source } } },
      }),
    );
  expect(read({ defaultOwner: 'group:a' })).toThrow(/baseUrl/);
  for (const url of ['ftp://x', 'not a url']) {
    expect(read({ baseUrl: url, defaultOwner: 'group:a' })).toThrow(
      `Invalid catalog.providers.${platform}.x.baseUrl: '${url}' is not an http(s) URL`,
    );
  }
  expect(read({ baseUrl: 'http://x' })).toThrow(/defaultOwner/);
  return read;
}
