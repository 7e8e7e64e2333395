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
  PlatformSourceConfig,
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

    // The newest run of each pipeline: runs are listed newest first, so the
    // listing stops once every pipeline has one.
    const lastRuns = new Map<string, KfpRun>();
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
        if (id && ids.has(id) && !lastRuns.has(id)) lastRuns.set(id, run);
      }
      if (lastRuns.size === ids.size) break;
    }

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

  /** Models and Datasets in the catalog that artifacts can be matched to. */
  private async artifactTargets(): Promise<ArtifactTarget[]> {
    const credentials = await this.services.auth.getOwnServiceCredentials();
    const { items } = await this.services.catalog.getEntities(
      {
        filter: { kind: ['Model', 'Dataset'] },
        fields: [
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
