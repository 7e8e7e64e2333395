import { SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  KUBEFLOW_PIPELINE_ID_ANNOTATION,
  PipelineEntityV1alpha1,
} from '@convergence/backstage-plugin-mlops-common';
import {
  CatalogReadingCrawlerDeps,
  CrawlingEntityProvider,
  fetchEach,
} from '@convergence/backstage-plugin-mlops-node';
import {
  KubeflowClient,
  KubeflowListOptions,
  KubeflowRunFilterUnsupportedError,
} from '../client/KubeflowClient';
import { KfpRecurringRun, KfpRun } from '../client/types';
import {
  KubeflowSourceConfig,
  readKubeflowSources,
} from './KubeflowEntityProviderConfig';
import { ArtifactTarget, pipelineToEntity, toArtifactTarget } from './mapping';

/**
 * When the API cannot filter runs by pipeline, the latest runs are looked for
 * among at most this many of the newest runs.
 */
const RUN_SCAN_LIMIT = 1000;

/**
 * Reads pipelines, their latest versions, recurring runs and latest runs from
 * a Kubeflow Pipelines API (v2beta1) into Pipeline entities. A crawl either
 * completes and replaces this provider's entities in one full mutation, or
 * fails and changes nothing.
 *
 * @public
 */
export class KubeflowEntityProvider extends CrawlingEntityProvider {
  private readonly kubeflow = new KubeflowClient(this.client);

  static fromConfig(
    config: Config,
    deps: CatalogReadingCrawlerDeps & { scheduler: SchedulerService },
  ): KubeflowEntityProvider[] {
    return readKubeflowSources(config).map(
      source => new KubeflowEntityProvider(source, deps),
    );
  }

  constructor(
    private readonly source: KubeflowSourceConfig,
    private readonly services: CatalogReadingCrawlerDeps,
  ) {
    super('kubeflow', source, services);
  }

  /** Every pipeline as an entity; throws if any request fails after retries. */
  async crawl(): Promise<PipelineEntityV1alpha1[]> {
    const { namespace, pageSize } = this.source;
    const list = { namespace, pageSize };

    const pipelines = await this.kubeflow.listPipelines(list);
    const ids = new Set(pipelines.map(p => p.pipeline_id));

    const versions = await fetchEach([...ids], 4, id =>
      this.kubeflow.getLatestPipelineVersion(id),
    );

    // The enabled recurring run of each pipeline (the newest when several are).
    const recurring = new Map<string, KfpRecurringRun>();
    for (const r of await this.kubeflow.listRecurringRuns(list)) {
      const id = r.pipeline_version_reference?.pipeline_id;
      if (!id || !ids.has(id)) continue;
      const current = recurring.get(id);
      if (!current || (current.status !== 'ENABLED' && r.status === 'ENABLED'))
        recurring.set(id, r);
    }

    const lastRuns = await this.latestRuns([...ids], list);

    const targets = await this.artifactTargets();
    const entities = pipelines.map(pipeline =>
      pipelineToEntity(
        {
          pipeline,
          version: versions.get(pipeline.pipeline_id),
          recurringRun: recurring.get(pipeline.pipeline_id),
          lastRun: lastRuns.get(pipeline.pipeline_id),
          targets,
        },
        this.source,
      ),
    );
    const pipelineId = (e: PipelineEntityV1alpha1) =>
      e.metadata.annotations?.[KUBEFLOW_PIPELINE_ID_ANNOTATION];
    return this.keepFirstOfEachName(entities, (leftOut, kept) =>
      this.services.logger.warn(
        `${this.getProviderName()}: pipelines ${pipelineId(
          kept,
        )} and ${pipelineId(leftOut)} both map to the entity name ${
          leftOut.metadata.name
        }; keeping the first`,
      ),
    );
  }

  /**
   * The newest run of each pipeline: one request per pipeline, filtered by
   * `pipeline_id`, newest first, one run long. Kubeflow Pipelines releases
   * without that filter (before kubeflow/pipelines#13680) answer 400, and a
   * server that drops the filter answers another pipeline's run; then the
   * newest runs are read instead, at most 1,000 of them.
   */
  private async latestRuns(
    ids: string[],
    list: KubeflowListOptions,
  ): Promise<Map<string, KfpRun>> {
    if (ids.length === 0) return new Map();
    const latestOf = (id: string) =>
      this.kubeflow.getLatestRun(id, { namespace: list.namespace });
    try {
      // The first answer shows whether the filter works, before the rest.
      const first = await latestOf(ids[0]);
      const found = await fetchEach(ids.slice(1), 4, latestOf);
      if (first) found.set(ids[0], first);
      return found;
    } catch (error) {
      if (!(error instanceof KubeflowRunFilterUnsupportedError)) throw error;
      return this.scanLatestRuns(ids, list, error.message);
    }
  }

  /** The newest run of each pipeline among at most RUN_SCAN_LIMIT newest runs. */
  private async scanLatestRuns(
    ids: string[],
    list: KubeflowListOptions,
    reason: string,
  ): Promise<Map<string, KfpRun>> {
    const wanted = new Set(ids);
    const found = new Map<string, KfpRun>();
    let read = 0;
    let complete = true;
    for await (const page of this.kubeflow.runPages(list)) {
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
