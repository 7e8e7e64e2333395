import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  PlatformApiClient,
  PlatformApiError,
  forEachLimited,
} from '@convergence/backstage-plugin-mlops-node';
import { CrawledModel, MappingOptions, modelToEntities } from './mapping';
import {
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  SearchModelVersions,
  SearchRegisteredModels,
} from './types';

const API = '/api/2.0/mlflow';

/** One configured source under `catalog.providers.mlflow.<id>`. */
export type MlflowSourceConfig = MappingOptions & {
  baseUrl: string;
  token?: string;
  /** An MLflow search filter for registered models, e.g. `name LIKE 'fraud-%'`. */
  nameFilter?: string;
  pageSize: number;
  /** How many of each model's newest versions are read. */
  maxVersions: number;
  /** Shared with MLflow's webhooks; webhooks are refused without it. */
  webhookSecret?: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
};

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 15 },
};

function checkUrl(key: string, value: string | undefined) {
  if (value === undefined) return;
  try {
    const { protocol } = new URL(value);
    if (protocol === 'http:' || protocol === 'https:') return;
  } catch {
    // reported below
  }
  throw new Error(`Invalid ${key}: '${value}' is not an http(s) URL`);
}

function wholeNumber(key: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `Invalid ${key}: ${value}; use a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/** Reads every source under `catalog.providers.mlflow`; a bad value fails with its key named. */
export function readMlflowSources(config: Config): MlflowSourceConfig[] {
  const root = config.getOptionalConfig('catalog.providers.mlflow');
  if (!root) return [];
  return root.keys().map(id => {
    const c = root.getConfig(id);
    const key = `catalog.providers.mlflow.${id}`;
    const baseUrl = c.getString('baseUrl');
    checkUrl(`${key}.baseUrl`, baseUrl);
    checkUrl(`${key}.uiUrl`, c.getOptionalString('uiUrl'));
    return {
      providerId: id,
      baseUrl,
      uiUrl: c.getOptionalString('uiUrl') ?? baseUrl,
      token: c.getOptionalString('token'),
      defaultOwner: c.getString('defaultOwner'),
      ownerTag: c.getOptionalString('ownerTag') ?? 'owner',
      system: c.getOptionalString('system'),
      type: c.getOptionalString('type') ?? 'unspecified',
      headlineAliases: c.getOptionalStringArray('headlineAliases') ?? [
        'champion',
        'production',
      ],
      nameFilter: c.getOptionalString('nameFilter'),
      webhookSecret: c.getOptionalString('webhookSecret'),
      pageSize: wholeNumber(
        `${key}.pageSize`,
        c.getOptionalNumber('pageSize') ?? 100,
        1,
        1000,
      ),
      maxVersions: wholeNumber(
        `${key}.maxVersions`,
        c.getOptionalNumber('maxVersions') ?? 20,
        1,
        1000,
      ),
      schedule: c.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            c.getConfig('schedule'),
          )
        : DEFAULT_SCHEDULE,
    };
  });
}

/**
 * Reads an MLflow model registry into Model and Dataset entities. A crawl
 * either completes and replaces this provider's entities in one full
 * mutation, or fails and changes nothing.
 *
 * @public
 */
export class MlflowEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly client: PlatformApiClient;

  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler: SchedulerService;
      catalog: CatalogService;
      auth: AuthService;
    },
  ): MlflowEntityProvider[] {
    return readMlflowSources(config).map(
      source => new MlflowEntityProvider(source, deps),
    );
  }

  constructor(
    private readonly source: MlflowSourceConfig,
    private readonly deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      catalog: CatalogService;
      auth: AuthService;
      /** Options of the HTTP client, e.g. shorter backoff in tests. */
      client?: Partial<ConstructorParameters<typeof PlatformApiClient>[0]>;
    },
  ) {
    this.client = new PlatformApiClient({
      baseUrl: source.baseUrl,
      token: source.token,
      logger: deps.logger,
      ...deps.client,
    });
  }

  getProviderName() {
    return `mlflow-provider:${this.source.providerId}`;
  }

  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
    await this.deps.scheduler?.scheduleTask({
      id: `${this.getProviderName()}:refresh`,
      ...this.source.schedule,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Crawls MLflow and replaces this provider's entities; throws (changing nothing) if the crawl fails. */
  async refresh(): Promise<number> {
    if (!this.connection)
      throw new Error(`${this.getProviderName()} is not connected`);
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
    await this.connection.applyMutation({
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

  /** Every registered model with its datasets; throws if any request fails after retries. */
  async crawl(): Promise<Entity[]> {
    const models: MlflowRegisteredModel[] = [];
    for await (const page of this.client.pages<
      SearchRegisteredModels,
      MlflowRegisteredModel
    >(`${API}/registered-models/search`, {
      query: {
        max_results: this.source.pageSize,
        filter: this.source.nameFilter,
      },
      tokenParam: 'page_token',
      items: p => p.registered_models,
      nextToken: p => p.next_page_token,
    })) {
      models.push(...page);
    }

    const crawled: CrawledModel[] = [];
    const { elsewhere } = await this.catalogDatasets();
    await forEachLimited(models, 4, async model => {
      crawled.push(await this.crawlModel(model));
    });

    const entities = new Map<string, Entity>();
    for (const c of crawled.sort((a, b) =>
      a.model.name.localeCompare(b.model.name),
    )) {
      const { model, datasets } = modelToEntities(c, this.source, elsewhere);
      for (const entity of [model, ...datasets]) {
        const key = `${entity.kind}:${entity.metadata.name}`;
        if (entities.has(key)) {
          if (entity.kind === 'Model') {
            this.deps.logger.warn(
              `${this.getProviderName()}: two registered models map to the entity name ${
                entity.metadata.name
              }; keeping the first`,
            );
          }
          continue;
        }
        entities.set(key, entity);
      }
    }
    return [...entities.values()];
  }

  /** One registered model with its versions and their runs. */
  private async crawlModel(
    model: MlflowRegisteredModel,
  ): Promise<CrawledModel> {
    const versions = await this.versionsOf(model.name);
    const runs = new Map<string, MlflowRun>();
    await forEachLimited(
      versions.filter(v => v.run_id),
      4,
      async v => {
        const run = await this.run(v.run_id!);
        if (run) runs.set(v.run_id!, run);
      },
    );
    return { model, versions, runs };
  }

  /**
   * Re-reads one registered model (after a webhook) and applies it as a
   * delta mutation: the model, plus datasets the catalog does not have yet.
   * Returns false when MLflow has no such model.
   */
  async refreshModel(name: string): Promise<boolean> {
    if (!this.connection)
      throw new Error(`${this.getProviderName()} is not connected`);
    let model: MlflowRegisteredModel;
    try {
      ({ registered_model: model } = await this.client.get<{
        registered_model: MlflowRegisteredModel;
      }>(`${API}/registered-models/get`, { name }));
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 404)
        return false;
      throw error;
    }
    const crawled = await this.crawlModel(model);
    const { elsewhere, all } = await this.catalogDatasets();
    const { model: entity, datasets } = modelToEntities(
      crawled,
      this.source,
      elsewhere,
    );
    await this.connection.applyMutation({
      type: 'delta',
      added: [entity, ...datasets.filter(d => !all.has(d.metadata.name))].map(
        e => ({ entity: e, locationKey: this.getProviderName() }),
      ),
      removed: [],
    });
    this.deps.logger.info(
      `${this.getProviderName()}: updated ${
        entity.metadata.name
      } from a webhook`,
    );
    return true;
  }

  /** A model's versions, newest first, at most maxVersions. */
  private async versionsOf(name: string): Promise<MlflowModelVersion[]> {
    const versions: MlflowModelVersion[] = [];
    for await (const page of this.client.pages<
      SearchModelVersions,
      MlflowModelVersion
    >(`${API}/model-versions/search`, {
      query: {
        filter: `name='${name.replace(/'/g, "\\'")}'`,
        max_results: this.source.pageSize,
      },
      tokenParam: 'page_token',
      items: p => p.model_versions,
      nextToken: p => p.next_page_token,
    })) {
      versions.push(...page);
    }
    return versions
      .sort((a, b) => Number(b.version) - Number(a.version))
      .slice(0, this.source.maxVersions);
  }

  /** A run, or undefined when MLflow no longer has it (a deleted run is data, not an outage). */
  private async run(runId: string): Promise<MlflowRun | undefined> {
    try {
      const { run } = await this.client.get<{ run: MlflowRun }>(
        `${API}/runs/get`,
        { run_id: runId },
      );
      return run;
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** Names of the catalog's Dataset entities: all, and those from elsewhere than this provider. */
  private async catalogDatasets() {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const ours = `url:${this.source.uiUrl.replace(/\/+$/, '')}/#/models/`;
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { kind: 'Dataset' },
        fields: ['metadata.name', 'metadata.annotations'],
      },
      { credentials },
    );
    const all = new Set(items.map(e => e.metadata.name));
    const elsewhere = new Set(
      items
        .filter(
          e =>
            !e.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION]?.startsWith(
              ours,
            ),
        )
        .map(e => e.metadata.name),
    );
    return { all, elsewhere };
  }

  /** The source this provider reads. */
  get sourceId() {
    return this.source.providerId;
  }

  /** The secret MLflow signs this source's webhooks with, if configured. */
  get webhookSecret() {
    return this.source.webhookSecret;
  }
}
