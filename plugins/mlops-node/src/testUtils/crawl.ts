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
import { SetupServer, setupServer } from 'msw/node';
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
 * `@backstage/types`): one provider source, as in {@link CrawlerTestKit}.
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
 * A crawling provider connected by a {@link CrawlerTestKit}, with the fake
 * API `api` it crawls and assertions on its next refresh:
 *
 * - `expectToApply()` refreshes, expects the crawl to apply one mutation
 *   with as many entities as `refresh()` counted, and returns them.
 * - `expectToRetry(answers, { attempts })`: requests whose path ends in a key
 *   of `answers` (as {@link failPaths} takes them, e.g. 503 or 429) get that
 *   answer on their first `attempts` attempts; expects the crawl to retry
 *   them and apply as `expectToApply()` does (returning the entities), and
 *   `api` to have given every answer at least once (a path suffix that fits
 *   no request fails the test). `api.fail` is cleared afterwards.
 * - `expectToFailChangingNothing(error, answers?)` expects the refresh to
 *   fail with `error`, to apply nothing and to have logged (with the mock
 *   `logger`) that the catalog keeps its current entities. With `answers`
 *   (as {@link failPaths} takes them), `api` gives them on every attempt
 *   during that refresh only.
 *
 * @public
 */
export type ConnectedTestCrawler<
  A extends FakeApiState,
  P extends CountingProvider,
> = TestCrawler<P> & {
  api: A;
  expectToApply(): Promise<Entity[]>;
  expectToRetry(
    answers: Record<string, () => Response>,
    options: { attempts: number },
  ): Promise<Entity[]>;
  expectToFailChangingNothing(
    error: RegExp | string,
    answers?: Record<string, () => Response>,
  ): Promise<void>;
};

/**
 * An entity provider whose `refresh()` crawls once and resolves to the number
 * of entities it applied, as `CrawlingEntityProvider`'s does.
 *
 * @public
 */
export type CountingProvider = EntityProvider & {
  refresh(): Promise<number>;
};

/**
 * The msw server, fake platform API and crawlers of one crawling provider's
 * tests (see {@link createCrawlerTestKit}).
 *
 * @public
 */
export type CrawlerTestKit<
  A extends FakeApiState,
  P extends CountingProvider,
> = {
  /** The msw server of the test file, with msw's test hooks registered. */
  server: SetupServer;
  /** Serves `api` again, e.g. after `server.resetHandlers()`. */
  serve(api: A): void;
  /**
   * Serves `api` and connects a provider as {@link connectTestCrawler} does,
   * from the kit's source with `more.source` laid over it and a catalog
   * holding `more.entities` (by default the kit's `entities`).
   */
  connect(
    api: A,
    more?: { source?: JsonObject; entities?: Entity[] },
  ): Promise<ConnectedTestCrawler<A, P>>;
  /**
   * Expects the kit's `readSources`, the provider's reader of the sources
   * under `catalog.providers.<platform>`, to refuse what every platform
   * source refuses, naming the key: no `baseUrl`, a `baseUrl` that is not an
   * http(s) URL, no `defaultOwner`. Returns a function that reads one source
   * (`x`) for the provider's own checks.
   */
  expectSourceChecks(): (source: JsonObject) => () => unknown;
};

/**
 * The msw server, fake platform API and crawlers of one crawling provider's
 * tests; make it once, at the top of the test file (it registers msw's test
 * hooks: the handlers a test adds are removed after it).
 *
 * `handlers` answers a test's fake API state `api` with the handler maker
 * `fake` (see {@link createFakeApi}): under `<source.baseUrl><apiPath>`,
 * expecting `source.token` when the source has one. `connect(api)` returns a
 * {@link ConnectedTestCrawler}, whose assertions make `api` fail;
 * `expectSourceChecks()` checks what every source of `platform` refuses.
 *
 * @public
 */
export function createCrawlerTestKit<
  A extends FakeApiState,
  S,
  P extends CountingProvider,
>(
  options: TestCrawlerOptions<S, P> & {
    source: { baseUrl: string };
    apiPath?: string;
    handlers: (fake: FakeApi, api: A) => RequestHandler[];
  },
): CrawlerTestKit<A, P> {
  const { platform, readSources } = options;
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
    async connect(api, more = {}) {
      serve(api);
      const crawler = await connectTestCrawler({
        ...options,
        source: { ...options.source, ...more.source },
        entities: more.entities ?? options.entities,
      });
      return withCrawlAssertions({ ...crawler, api });
    },
    expectSourceChecks() {
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
    },
  };
}

/** `crawler` with the assertions of a {@link ConnectedTestCrawler}. */
function withCrawlAssertions<
  A extends FakeApiState,
  P extends CountingProvider,
>(crawler: TestCrawler<P> & { api: A }): ConnectedTestCrawler<A, P> {
  const { provider, mutations, logger, api } = crawler;
  const expectToApply = async () => {
    const applied = mutations.length;
    const count = await provider.refresh();
    expect(mutations).toHaveLength(applied + 1);
    const entities = entitiesOf(mutations[applied]);
    expect(entities).toHaveLength(count);
    return entities;
  };
  return {
    ...crawler,
    expectToApply,
    async expectToRetry(answers, { attempts }) {
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
      api.fail = failPaths(counted, { attempts });
      try {
        const entities = await expectToApply();
        expect([...given].sort()).toEqual(Object.keys(answers).sort());
        return entities;
      } finally {
        api.fail = undefined;
      }
    },
    async expectToFailChangingNothing(error, answers) {
      const applied = mutations.length;
      if (answers) api.fail = failPaths(answers);
      try {
        await expect(provider.refresh()).rejects.toThrow(error);
      } finally {
        if (answers) api.fail = undefined;
      }
      expect(mutations).toHaveLength(applied);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('the catalog keeps its current entities'),
      );
    },
  };
}
