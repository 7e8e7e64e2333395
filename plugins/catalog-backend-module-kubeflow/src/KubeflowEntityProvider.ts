import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { PipelineEntityV1alpha1 } from '@convergence/backstage-plugin-mlops-common';
import {
  CrawlingEntityProvider,
  CrawlingEntityProviderDeps,
  fetchEach,
  PlatformApiError,
  PlatformSourceConfig,
  Query,
  readPlatformSources,
} from '@convergence/backstage-plugin-mlops-node';
import {
  ArtifactTarget,
  MappingOptions,
  pipelineToEntity,
  toArtifactTarget,
} from './mapping';
import {
  KfpPipeline,
  KfpRecurringRun,
  KfpRun,
  ListPipelineVersions,
  ListPipelines,
  ListRecurringRuns,
  ListRuns,
} from './types';

const API = '/apis/v2beta1';

/**
 * When the API cannot filter runs by pipeline, the latest runs are looked for
 * among at most this many of the newest runs.
 */
const RUN_SCAN_LIMIT = 1000;

/** The API lists runs of every pipeline when asked for one pipeline's. */
class NoPipelineFilter extends Error {}

/** One configured source under `catalog.providers.kubeflow.<id>`. */
export type KubeflowSourceConfig = MappingOptions &
  PlatformSourceConfig & {
    namespace?: string;
  };

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 30 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};

/** Reads every source under `catalog.providers.kubeflow`; a bad value fails with its key named. */
export function readKubeflowSources(config: Config): KubeflowSourceConfig[] {
  return readPlatformSources(
    config,
    'kubeflow',
    DEFAULT_SCHEDULE,
    (c, source) => ({
      ...source,
      namespace: c.getOptionalString('namespace'),
      lifecycle: c.getOptionalString('lifecycle') ?? 'production',
      type: c.getOptionalString('type') ?? 'training',
    }),
  );
}

/**
 * Reads pipelines, their latest versions, recurring runs and latest runs from
 * a Kubeflow Pipelines API (v2beta1) into Pipeline entities. A crawl either
 * completes and replaces this provider's entities in one full mutation, or
 * fails and changes nothing.
 *
 * @public
 */
export class KubeflowEntityProvider extends CrawlingEntityProvider {
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      scheduler: SchedulerService;
      catalog: CatalogService;
      auth: AuthService;
    },
  ): KubeflowEntityProvider[] {
    return readKubeflowSources(config).map(
      source => new KubeflowEntityProvider(source, deps),
    );
  }

  constructor(
    private readonly source: KubeflowSourceConfig,
    private readonly services: CrawlingEntityProviderDeps & {
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {
    super('kubeflow', source, services);
  }

  /** Every pipeline as an entity; throws if any request fails after retries. */
  async crawl(): Promise<PipelineEntityV1alpha1[]> {
    const { namespace, pageSize } = this.source;
    const query = { namespace, page_size: pageSize };

    const pipelines: KfpPipeline[] = [];
    for await (const page of this.client.pages<ListPipelines, KfpPipeline>(
      `${API}/pipelines`,
      {
        query,
        tokenParam: 'page_token',
        items: p => p.pipelines,
        nextToken: p => p.next_page_token,
      },
    )) {
      pipelines.push(...page);
    }
    const ids = new Set(pipelines.map(p => p.pipeline_id));

    const versions = await fetchEach([...ids], 4, async id => {
      const { pipeline_versions } = await this.client.get<ListPipelineVersions>(
        `${API}/pipelines/${encodeURIComponent(id)}/versions`,
        { page_size: 1, sort_by: 'created_at desc' },
      );
      return pipeline_versions?.[0];
    });

    // The enabled recurring run of each pipeline (the newest when several are).
    const recurring = new Map<string, KfpRecurringRun>();
    for await (const page of this.client.pages<
      ListRecurringRuns,
      KfpRecurringRun
    >(`${API}/recurringruns`, {
      query: { ...query, sort_by: 'created_at desc' },
      tokenParam: 'page_token',
      items: p => p.recurringRuns,
      nextToken: p => p.next_page_token,
    })) {
      for (const r of page) {
        const id = r.pipeline_version_reference?.pipeline_id;
        if (!id || !ids.has(id)) continue;
        const current = recurring.get(id);
        if (
          !current ||
          (current.status !== 'ENABLED' && r.status === 'ENABLED')
        )
          recurring.set(id, r);
      }
    }

    const lastRuns = await this.latestRuns([...ids], query);

    const targets = await this.artifactTargets();
    const byName = new Map<string, PipelineEntityV1alpha1>();
    for (const pipeline of pipelines) {
      const entity = pipelineToEntity(
        {
          pipeline,
          version: versions.get(pipeline.pipeline_id),
          recurringRun: recurring.get(pipeline.pipeline_id),
          lastRun: lastRuns.get(pipeline.pipeline_id),
          targets,
        },
        this.source,
      );
      const clash = byName.get(entity.metadata.name);
      if (clash) {
        this.services.logger.warn(
          `${this.getProviderName()}: pipelines ${
            clash.metadata.annotations?.['kubeflow.org/pipeline-id']
          } and ${pipeline.pipeline_id} both map to the entity name ${
            entity.metadata.name
          }; keeping the first`,
        );
        continue;
      }
      byName.set(entity.metadata.name, entity);
    }
    return [...byName.values()];
  }

  /**
   * The newest run of each pipeline: one request per pipeline, filtered by
   * `pipeline_id`, newest first, one run long. Kubeflow Pipelines releases
   * without that filter (before kubeflow/pipelines#13680) answer 400, and a
   * server that drops the filter answers another pipeline's run; then the
   * newest runs are read instead, at most {@link RUN_SCAN_LIMIT} of them.
   */
  private async latestRuns(
    ids: string[],
    query: Query,
  ): Promise<Map<string, KfpRun>> {
    if (ids.length === 0) return new Map();
    const latestOf = async (id: string) => {
      let runs: KfpRun[] | undefined;
      try {
        ({ runs } = await this.client.get<ListRuns>(`${API}/runs`, {
          ...query,
          page_size: 1,
          sort_by: 'created_at desc',
          // URL-encoded JSON, as the Kubeflow UI sends it (the server
          // unescapes the parameter once more).
          filter: encodeURIComponent(
            JSON.stringify({
              predicates: [
                { key: 'pipeline_id', operation: 'EQUALS', string_value: id },
              ],
            }),
          ),
        }));
      } catch (error) {
        if (error instanceof PlatformApiError && error.status === 400) {
          // e.g. no support for filtering on unrecognized field "pipeline_id"
          const answer = error.message.split(' failed: ').pop();
          throw new NoPipelineFilter(`it answered ${answer}`);
        }
        throw error;
      }
      const run = runs?.[0];
      if (run && run.pipeline_version_reference?.pipeline_id !== id) {
        throw new NoPipelineFilter(
          `asked for the runs of pipeline ${id}, it answered run ${run.run_id} of another`,
        );
      }
      return run;
    };
    try {
      // The first answer shows whether the filter works, before the rest.
      const first = await latestOf(ids[0]);
      const found = await fetchEach(ids.slice(1), 4, latestOf);
      if (first) found.set(ids[0], first);
      return found;
    } catch (error) {
      if (!(error instanceof NoPipelineFilter)) throw error;
      return this.scanLatestRuns(ids, query, error.message);
    }
  }

  /** The newest run of each pipeline among at most RUN_SCAN_LIMIT newest runs. */
  private async scanLatestRuns(
    ids: string[],
    query: Query,
    reason: string,
  ): Promise<Map<string, KfpRun>> {
    const wanted = new Set(ids);
    const found = new Map<string, KfpRun>();
    let read = 0;
    let complete = true;
    for await (const page of this.client.pages<ListRuns, KfpRun>(
      `${API}/runs`,
      {
        query: { ...query, sort_by: 'created_at desc' },
        tokenParam: 'page_token',
        items: p => p.runs,
        nextToken: p => p.next_page_token,
      },
    )) {
      for (const run of page) {
        const id = run.pipeline_version_reference?.pipeline_id;
        if (id && wanted.has(id) && !found.has(id)) found.set(id, run);
      }
      read += page.length;
      if (found.size === wanted.size) break;
      if (read >= RUN_SCAN_LIMIT) {
        complete = false;
        break;
      }
    }
    const missing = ids.filter(id => !found.has(id));
    if (!complete && missing.length > 0) {
      const shown = missing.slice(0, 20).join(', ');
      this.services.logger.warn(
        `${this.getProviderName()}: Kubeflow cannot filter runs by pipeline ` +
          `(${reason}), so last runs were looked for among the newest ${read} runs; ` +
          `${missing.length} pipelines have none there and show no last run: ${shown}` +
          `${missing.length > 20 ? ', …' : ''}`,
      );
    }
    return found;
  }

  /** Models and Datasets in the catalog that artifacts can be matched to. */
  private async artifactTargets(): Promise<ArtifactTarget[]> {
    const credentials = await this.services.auth.getOwnServiceCredentials();
    const { items } = await this.services.catalog.getEntities(
      {
        filter: { kind: ['Model', 'Dataset'] },
        fields: [
          'apiVersion',
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials },
    );
    return items.flatMap(e => toArtifactTarget(e) ?? []);
  }
}
