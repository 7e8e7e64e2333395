import {
  PlatformApiClient,
  PlatformApiError,
} from '@convergence/backstage-plugin-mlops-node';
import {
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
} from './types';

const API = '/apis/v2beta1';

/** Pages of the list calls. */
type ListPipelines = { pipelines?: KfpPipeline[]; next_page_token?: string };
type ListPipelineVersions = { pipeline_versions?: KfpPipelineVersion[] };
type ListRecurringRuns = {
  recurringRuns?: KfpRecurringRun[];
  next_page_token?: string;
};
type ListRuns = { runs?: KfpRun[]; next_page_token?: string };

/**
 * What every list call may send: the profile namespace (multi-user
 * installs) and the page size.
 *
 * @public
 */
export type KubeflowListOptions = { namespace?: string; pageSize?: number };

/**
 * The Kubeflow Pipelines API cannot filter runs by pipeline: it refused
 * the `pipeline_id` filter (400, releases before kubeflow/pipelines#13680),
 * or dropped it and answered another pipeline's run.
 *
 * @public
 */
export class KubeflowRunFilterUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeflowRunFilterUnsupportedError';
  }
}

const newestFirst = 'created_at desc';

/**
 * A typed client of the Kubeflow Pipelines v2beta1 REST API parts the
 * provider reads. Lists page through `page_token` to the end and fail
 * rather than return part of a list; a single object the API does not have
 * (404) is undefined. Failures are `PlatformApiError`s (with the HTTP
 * status), after `PlatformApiClient`'s retries of 429, 5xx, network errors
 * and timeouts.
 *
 * @public
 */
export class KubeflowClient {
  /**
   * @param api - reaches Kubeflow Pipelines: base URL, bearer token, retries
   */
  constructor(private readonly api: PlatformApiClient) {}

  /** Every pipeline (of the namespace). */
  async listPipelines(
    options: KubeflowListOptions = {},
  ): Promise<KfpPipeline[]> {
    return this.api.list<ListPipelines, KfpPipeline>(`${API}/pipelines`, {
      query: { namespace: options.namespace, page_size: options.pageSize },
      tokenParam: 'page_token',
      items: p => p.pipelines,
      nextToken: p => p.next_page_token,
    });
  }

  /** One pipeline, or undefined when the API has none with that id. */
  async getPipeline(pipelineId: string): Promise<KfpPipeline | undefined> {
    return this.api.getOptional<KfpPipeline>(
      `${API}/pipelines/${encodeURIComponent(pipelineId)}`,
    );
  }

  /** A pipeline's newest version, or undefined when it has none. */
  async getLatestPipelineVersion(
    pipelineId: string,
  ): Promise<KfpPipelineVersion | undefined> {
    const { pipeline_versions } = await this.api.get<ListPipelineVersions>(
      `${API}/pipelines/${encodeURIComponent(pipelineId)}/versions`,
      { page_size: 1, sort_by: newestFirst },
    );
    return pipeline_versions?.[0];
  }

  /** Every recurring run (of the namespace), newest first. */
  async listRecurringRuns(
    options: KubeflowListOptions = {},
  ): Promise<KfpRecurringRun[]> {
    return this.api.list<ListRecurringRuns, KfpRecurringRun>(
      `${API}/recurringruns`,
      {
        query: {
          namespace: options.namespace,
          page_size: options.pageSize,
          sort_by: newestFirst,
        },
        tokenParam: 'page_token',
        items: p => p.recurringRuns,
        nextToken: p => p.next_page_token,
      },
    );
  }

  /**
   * The runs (of the namespace), newest first, page by page: a caller may
   * stop early, as the history can be long.
   */
  runPages(options: KubeflowListOptions = {}): AsyncGenerator<KfpRun[]> {
    return this.api.pages<ListRuns, KfpRun>(`${API}/runs`, {
      query: {
        namespace: options.namespace,
        page_size: options.pageSize,
        sort_by: newestFirst,
      },
      tokenParam: 'page_token',
      items: p => p.runs,
      nextToken: p => p.next_page_token,
    });
  }

  /**
   * A pipeline's newest run, or undefined when it never ran: one request,
   * filtered by `pipeline_id`, newest first, one run long. Throws
   * {@link KubeflowRunFilterUnsupportedError} when the API cannot filter
   * runs by pipeline.
   */
  async getLatestRun(
    pipelineId: string,
    options: { namespace?: string } = {},
  ): Promise<KfpRun | undefined> {
    let runs: KfpRun[] | undefined;
    try {
      ({ runs } = await this.api.get<ListRuns>(`${API}/runs`, {
        namespace: options.namespace,
        page_size: 1,
        sort_by: newestFirst,
        // URL-encoded JSON, as the Kubeflow UI sends it (the server
        // unescapes the parameter once more).
        filter: encodeURIComponent(
          JSON.stringify({
            predicates: [
              {
                key: 'pipeline_id',
                operation: 'EQUALS',
                string_value: pipelineId,
              },
            ],
          }),
        ),
      }));
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 400) {
        // e.g. no support for filtering on unrecognized field "pipeline_id"
        const answer = error.message.split(' failed: ').pop();
        throw new KubeflowRunFilterUnsupportedError(`it answered ${answer}`);
      }
      throw error;
    }
    const run = runs?.[0];
    if (run && run.pipeline_version_reference?.pipeline_id !== pipelineId) {
      throw new KubeflowRunFilterUnsupportedError(
        `asked for the runs of pipeline ${pipelineId}, it answered run ${run.run_id} of another`,
      );
    }
    return run;
  }

  /** One run, or undefined when the API has none with that id. */
  async getRun(runId: string): Promise<KfpRun | undefined> {
    return this.api.getOptional<KfpRun>(
      `${API}/runs/${encodeURIComponent(runId)}`,
    );
  }
}
