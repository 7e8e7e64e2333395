import {
  AuthService,
  ExtensionPoint,
  LoggerService,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  ServiceRef,
  coreServices,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessingExtensionPoint,
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  PlatformApiClient,
  PlatformApiClientOptions,
} from './PlatformApiClient';
import { PlatformSourceConfig } from './config';

/**
 * When a crawling provider's source configures no `schedule`: every 30
 * minutes, the first 15 seconds after start-up, at most 15 minutes long.
 * A provider may override parts (see `readPlatformSources`).
 *
 * @public
 */
export const DEFAULT_CRAWL_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 15 },
};

/**
 * What every crawling provider needs.
 *
 * @public
 */
export type CrawlingEntityProviderDeps = {
  logger: LoggerService;
  /** Without one the provider crawls only when refresh() is called. */
  scheduler?: SchedulerService;
  /** Options of the HTTP client, e.g. shorter backoff in tests. */
  client?: Partial<PlatformApiClientOptions>;
};

/**
 * What a crawling provider needs that also reads the catalog (e.g. for
 * entities of other providers it links to).
 *
 * @public
 */
export type CatalogReadingCrawlerDeps = CrawlingEntityProviderDeps & {
  catalog: CatalogService;
  auth: AuthService;
};

/**
 * The `registerInit` deps of a catalog module that adds crawling providers
 * which read the catalog: the providers' {@link CatalogReadingCrawlerDeps}
 * with a scheduler, the config to read their sources from, and the catalog's
 * processing extension point to add them to.
 *
 * @public
 */
export const catalogCrawlerModuleDeps: {
  config: ServiceRef<RootConfigService, 'root', 'singleton'>;
  logger: ServiceRef<LoggerService, 'plugin', 'singleton'>;
  scheduler: ServiceRef<SchedulerService, 'plugin', 'singleton'>;
  auth: ServiceRef<AuthService, 'plugin', 'singleton'>;
  catalog: ServiceRef<CatalogService, 'plugin', 'singleton'>;
  processing: ExtensionPoint<CatalogProcessingExtensionPoint>;
} = {
  config: coreServices.rootConfig,
  logger: coreServices.logger,
  scheduler: coreServices.scheduler,
  auth: coreServices.auth,
  catalog: catalogServiceRef,
  processing: catalogProcessingExtensionPoint,
};

/**
 * An entity provider that crawls an ML platform's API on a schedule. A crawl
 * either completes and replaces the provider's entities in one full
 * mutation, or fails, is logged and changes nothing: no entity is ever
 * removed because the platform was unreachable.
 *
 * @public
 */
export abstract class CrawlingEntityProvider implements EntityProvider {
  protected connection?: EntityProviderConnection;
  protected readonly client: PlatformApiClient;
  private readonly name: string;

  /**
   * @param platform - names the provider `<platform>-provider:<source id>`
   * @param platformSource - the source as `readPlatformSources` read it
   */
  constructor(
    platform: string,
    private readonly platformSource: PlatformSourceConfig,
    protected readonly deps: CrawlingEntityProviderDeps,
  ) {
    this.name = `${platform}-provider:${platformSource.providerId}`;
    this.client = new PlatformApiClient({
      baseUrl: platformSource.baseUrl,
      token: platformSource.token,
      logger: deps.logger,
      ...deps.client,
    });
  }

  getProviderName(): string {
    return this.name;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.scheduler?.scheduleTask({
      id: `${this.getProviderName()}:refresh`,
      ...this.platformSource.schedule,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Every entity of the source; throws if any part of the crawl fails. */
  abstract crawl(): Promise<Entity[]>;

  /**
   * The entities with one of each kind, namespace and name, in order: the
   * first is kept. Names from another system can meet once made entity
   * names (`toEntityName` folds case, accents and punctuation); `onClash`
   * hears of each entity left out and the one kept in its place.
   */
  protected keepFirstOfEachName<E extends Entity>(
    entities: Iterable<E>,
    onClash?: (leftOut: E, kept: E) => void,
  ): E[] {
    const kept = new Map<string, E>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      const first = kept.get(ref);
      if (first) onClash?.(entity, first);
      else kept.set(ref, entity);
    }
    return [...kept.values()];
  }

  /** The connection, once the catalog has connected the provider. */
  protected requireConnection(): EntityProviderConnection {
    if (!this.connection)
      throw new Error(`${this.getProviderName()} is not connected`);
    return this.connection;
  }

  /** Crawls and replaces this provider's entities; throws (changing nothing) if the crawl fails. */
  async refresh(): Promise<number> {
    const connection = this.requireConnection();
    const started = Date.now();
    let entities: Entity[];
    try {
      entities = await this.crawl();
    } catch (error) {
      this.deps.logger.error(
        `${this.getProviderName()}: crawl failed, the catalog keeps its current entities: ${
          (error as Error).message
        }`,
      );
      throw error;
    }
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    this.deps.logger.info(
      `${this.getProviderName()}: ${entities.length} entities in ${
        Date.now() - started
      } ms`,
    );
    return entities.length;
  }
}
