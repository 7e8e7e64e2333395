import { SchedulerService } from '@backstage/backend-plugin-api';
import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  CatalogReadingCrawlerDeps,
  CrawlingEntityProvider,
  PlatformApiError,
  fetchEach,
  forEachLimited,
} from '@convergence/backstage-plugin-mlops-node';
import {
  MLFLOW_REGISTERED_MODEL_ANNOTATION,
  isModelEntity,
} from '@convergence/backstage-plugin-mlops-common';
import { MlflowClient } from '../client/MlflowClient';
import { MlflowModelVersion, MlflowRegisteredModel } from '../client/types';
import { CrawledModel, loggedModelIdOf, modelToEntities } from './mapping';
import {
  MlflowSourceConfig,
  readMlflowSources,
} from './MlflowEntityProviderConfig';

/**
 * MLflow's version-search filter for one registered model. MLflow's parser
 * (sqlparse) takes the text between the outer quotes as it stands: it knows
 * no escapes, so `''` and `\'` stay two characters and backslashes are
 * ordinary. A name without `'` goes in single quotes, one without `"` in
 * double quotes; a name with both cannot be written exactly, so it becomes a
 * LIKE pattern with `_` (any one character) for each quote and backslash
 * (the escape character of LIKE on some databases). The caller keeps only
 * versions whose name is exactly the model's.
 */
function modelVersionsFilter(name: string): string {
  if (!name.includes("'")) return `name='${name}'`;
  if (!name.includes('"')) return `name="${name}"`;
  return `name LIKE '${name.replace(/['"\\]/g, '_')}'`;
}

/**
 * True when MLflow refuses to give one item of a model (a 400): the item is
 * skipped and named. Anything else (5xx or timeouts after retries, 401/403,
 * network errors) is an outage and fails the crawl.
 */
const isRefused = (error: unknown): error is PlatformApiError =>
  error instanceof PlatformApiError && error.status === 400;

/** What MLflow gave of one registered model, and what it refused. */
type ModelRead = { crawled: CrawledModel; problems: string[] };

/**
 * Reads an MLflow model registry into Model and Dataset entities. A crawl
 * either completes and replaces this provider's entities in one full
 * mutation, or fails and changes nothing.
 *
 * @public
 */
export class MlflowEntityProvider extends CrawlingEntityProvider {
  private readonly mlflow = new MlflowClient(this.client);

  static fromConfig(
    config: Config,
    deps: CatalogReadingCrawlerDeps & { scheduler: SchedulerService },
  ): MlflowEntityProvider[] {
    return readMlflowSources(config).map(
      source => new MlflowEntityProvider(source, deps),
    );
  }

  constructor(
    private readonly source: MlflowSourceConfig,
    private readonly services: CatalogReadingCrawlerDeps,
  ) {
    super('mlflow', source, services);
  }

  /**
   * Every registered model with its datasets; throws if any request fails
   * after retries. Every registered model MLflow lists is emitted: when
   * MLflow refuses (400) part of one (its version search, a run, a logged
   * model), the model keeps what could be read, and what was skipped is
   * named in a warning and in the crawl's summary.
   */
  async crawl(): Promise<Entity[]> {
    const models = await this.mlflow.searchRegisteredModels({
      filter: this.source.nameFilter,
      pageSize: this.source.pageSize,
    });

    const crawled: CrawledModel[] = [];
    const incomplete: string[] = [];
    const leftOut: string[] = [];
    const { elsewhere } = await this.catalogDatasets();
    await forEachLimited(models, 4, async model => {
      const read = await this.crawlModel(model);
      crawled.push(read.crawled);
      if (read.problems.length) incomplete.push(JSON.stringify(model.name));
    });

    // Versions per model entity, to count those of the models kept.
    const versionsOf = new Map<Entity, number>();
    const mapped = crawled
      .sort((a, b) => a.model.name.localeCompare(b.model.name))
      .flatMap(c => {
        const { model, datasets } = modelToEntities(c, this.source, elsewhere);
        versionsOf.set(model, c.versions.length);
        return [model, ...datasets];
      });
    // A dataset several models read is emitted once, by the first of them.
    const entities = this.keepFirstOfEachName(mapped, entity => {
      if (!isModelEntity(entity)) return;
      const name = JSON.stringify(
        entity.metadata.annotations?.[MLFLOW_REGISTERED_MODEL_ANNOTATION],
      );
      leftOut.push(name);
      this.services.logger.warn(
        `${this.getProviderName()}: two registered models map to the entity name ${
          entity.metadata.name
        }; keeping the first, leaving out ${name}`,
      );
    });
    const versions = entities.reduce(
      (sum, e) => sum + (versionsOf.get(e) ?? 0),
      0,
    );
    const read = models.length - leftOut.length;
    const summary = [
      `${this.getProviderName()}: read ${read} of ${
        models.length
      } registered models (${versions} versions)`,
      ...(incomplete.length
        ? [`incomplete ${incomplete.sort().join(', ')}`]
        : []),
      ...(leftOut.length ? [`left out ${leftOut.sort().join(', ')}`] : []),
    ].join('; ');
    if (incomplete.length || leftOut.length) {
      this.services.logger.warn(summary);
    } else {
      this.services.logger.info(summary);
    }
    return entities;
  }

  /**
   * One registered model with its versions and their runs, as far as MLflow
   * gives them; what it refuses (400) is skipped, named in a warning and
   * returned as problems. Outages throw.
   */
  private async crawlModel(model: MlflowRegisteredModel): Promise<ModelRead> {
    const problems: string[] = [];
    const versions = await this.versionsOf(model, problems);
    const versionOf = (
      idOf: (v: MlflowModelVersion) => string | undefined,
      id: string,
    ) =>
      versions
        .filter(v => idOf(v) === id)
        .map(v => v.version)
        .join(', ');
    /** Reads one item; a refusal becomes a problem and the item is skipped. */
    const skipRefused =
      <T>(
        read: (id: string) => Promise<T | undefined>,
        problem: (id: string, error: PlatformApiError) => string,
      ) =>
      async (id: string) => {
        try {
          return await read(id);
        } catch (error) {
          if (!isRefused(error)) throw error;
          problems.push(problem(id, error));
          return undefined;
        }
      };
    const runs = await fetchEach(
      versions.map(v => v.run_id),
      4,
      skipRefused(
        id => this.mlflow.getRun(id),
        (id, error) =>
          `run ${id} (version ${versionOf(
            v => v.run_id,
            id,
          )}) could not be read (${
            error.message
          }), so that version has no run metrics, params or datasets`,
      ),
    );
    // MLflow 3: metrics and params logged on the versions' logged models.
    const loggedModels = await fetchEach(
      versions.map(loggedModelIdOf),
      4,
      skipRefused(
        id => this.mlflow.getLoggedModel(id),
        (id, error) =>
          `logged model ${id} (version ${versionOf(
            loggedModelIdOf,
            id,
          )}) could not be read (${
            error.message
          }), so that version has the run's metrics and params only`,
      ),
    );
    if (problems.length) {
      this.services.logger.warn(
        `${this.getProviderName()}: the registered model ${JSON.stringify(
          model.name,
        )} is kept with what MLflow gave: ${problems.join('; ')}`,
      );
    }
    return { crawled: { model, versions, runs, loggedModels }, problems };
  }

  /**
   * Re-reads one registered model (after a webhook) and applies it as a
   * delta mutation: the model, plus datasets the catalog does not have yet.
   * Returns false when MLflow has no such model.
   */
  async refreshModel(name: string): Promise<boolean> {
    const connection = this.requireConnection();
    const model = await this.mlflow.getRegisteredModel(name);
    if (!model) return false;
    const { crawled } = await this.crawlModel(model);
    const { elsewhere, all } = await this.catalogDatasets();
    const { model: entity, datasets } = modelToEntities(
      crawled,
      this.source,
      elsewhere,
    );
    await connection.applyMutation({
      type: 'delta',
      added: [entity, ...datasets.filter(d => !all.has(d.metadata.name))].map(
        e => ({ entity: e, locationKey: this.getProviderName() }),
      ),
      removed: [],
    });
    this.services.logger.info(
      `${this.getProviderName()}: updated ${
        entity.metadata.name
      } from a webhook`,
    );
    return true;
  }

  /**
   * A model's versions, newest first, at most maxVersions. When MLflow
   * refuses every version search for it (400), or the search finds none of
   * the versions MLflow lists as the model's latest, those latest versions
   * are kept, and the problem is added to `problems`.
   */
  private async versionsOf(
    model: MlflowRegisteredModel,
    problems: string[],
  ): Promise<MlflowModelVersion[]> {
    const { name } = model;
    let found: MlflowModelVersion[] | undefined;
    let refused: PlatformApiError | undefined;
    try {
      found = await this.searchVersions(modelVersionsFilter(name));
    } catch (error) {
      if (!isRefused(error)) throw error;
      // This MLflow cannot take the filter (e.g. no LIKE on versions):
      // read the versions of every model and keep this one's.
      this.services.logger.info(
        `${this.getProviderName()}: MLflow refused the version filter for ${JSON.stringify(
          name,
        )} (${error.message}); reading all versions instead`,
      );
      try {
        found = await this.searchVersions(undefined);
      } catch (fallbackError) {
        if (!isRefused(fallbackError)) throw fallbackError;
        refused = fallbackError;
      }
    }
    let versions = (found ?? []).filter(v => v.name === name);
    const latest = (model.latest_versions ?? []).filter(v => v.name === name);
    if (!versions.length && (refused || latest.length)) {
      // Never a model with fewer versions than MLflow lists as its latest.
      const why = refused
        ? `searching its versions failed (${refused.message})`
        : `MLflow lists version ${latest
            .map(v => v.version)
            .join(', ')} as latest, but searching its versions found none`;
      problems.push(
        latest.length
          ? `${why}, so only the latest versions are kept${
              refused
                ? ` (version ${latest.map(v => v.version).join(', ')})`
                : ''
            }`
          : `${why}, and MLflow lists no latest version`,
      );
      versions = latest;
    }
    return versions
      .sort((a, b) => Number(b.version) - Number(a.version))
      .slice(0, this.source.maxVersions);
  }

  /** Every model version the filter finds (all of them without one). */
  private searchVersions(filter: string | undefined) {
    return this.mlflow.searchModelVersions({
      filter,
      pageSize: this.source.pageSize,
    });
  }

  /** Names of the catalog's Dataset entities: all, and those from elsewhere than this provider. */
  private async catalogDatasets() {
    const credentials = await this.services.auth.getOwnServiceCredentials();
    const ours = `url:${this.source.uiUrl.replace(/\/+$/, '')}/#/models/`;
    const { items } = await this.services.catalog.getEntities(
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
