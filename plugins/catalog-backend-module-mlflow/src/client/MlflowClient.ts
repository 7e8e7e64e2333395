import { PlatformApiClient } from '@convergence/backstage-plugin-mlops-node';
import {
  MlflowLoggedModel,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from './types';

const API = '/api/2.0/mlflow';

/**
 * The searches the client pages through (`<path>/search`): the key under
 * which each page lists its items, and their type.
 */
type MlflowSearchItems = {
  'registered-models': { registered_models: MlflowRegisteredModel };
  'model-versions': { model_versions: MlflowModelVersion };
};

/**
 * What an MLflow search takes: its filter (MLflow's search syntax, e.g.
 * `name LIKE 'fraud-%'`) and page size (`max_results`).
 *
 * @public
 */
export type MlflowSearchOptions = { filter?: string; pageSize?: number };

/**
 * A typed client of the MLflow REST API 2.0 parts the provider reads.
 * Searches page through `page_token` to the end and fail rather than
 * return part of a list; a single object MLflow does not have (404) is
 * undefined. Failures are `PlatformApiError`s (with the HTTP status), after
 * `PlatformApiClient`'s retries of 429, 5xx, network errors and timeouts.
 *
 * @public
 */
export class MlflowClient {
  /**
   * @param api - reaches MLflow: base URL, bearer token, retries
   */
  constructor(private readonly api: PlatformApiClient) {}

  /** Every registered model the filter finds (all without one). */
  async searchRegisteredModels(
    options: MlflowSearchOptions = {},
  ): Promise<MlflowRegisteredModel[]> {
    return this.search('registered-models', 'registered_models', options);
  }

  /** One registered model by its exact name, or undefined. */
  async getRegisteredModel(
    name: string,
  ): Promise<MlflowRegisteredModel | undefined> {
    const answer = await this.api.getOptional<{
      registered_model: MlflowRegisteredModel;
    }>(`${API}/registered-models/get`, { name });
    return answer?.registered_model;
  }

  /** Every model version the filter finds (all of them without one). */
  async searchModelVersions(
    options: MlflowSearchOptions = {},
  ): Promise<MlflowModelVersion[]> {
    return this.search('model-versions', 'model_versions', options);
  }

  /** A run, or undefined when MLflow no longer has it (deleted). */
  async getRun(runId: string): Promise<MlflowRun | undefined> {
    const answer = await this.api.getOptional<{ run: MlflowRun }>(
      `${API}/runs/get`,
      { run_id: runId },
    );
    return answer?.run;
  }

  /**
   * An MLflow 3 logged model, or undefined when the server has none
   * (MLflow 2, or deleted).
   */
  async getLoggedModel(
    modelId: string,
  ): Promise<MlflowLoggedModel | undefined> {
    const answer = await this.api.getOptional<{ model: MlflowLoggedModel }>(
      `${API}/logged-models/${encodeURIComponent(modelId)}`,
    );
    return answer?.model;
  }

  /**
   * Every item of `<what>/search`, through `page_token`: each page lists its
   * items under `key` (absent when there are none). `MlflowSearchItems`
   * gives each search its key and the items their type.
   */
  private search<
    W extends keyof MlflowSearchItems,
    K extends keyof MlflowSearchItems[W],
  >(
    what: W,
    key: K,
    options: MlflowSearchOptions,
  ): Promise<MlflowSearchItems[W][K][]> {
    type Item = MlflowSearchItems[W][K];
    type Page = { next_page_token?: string } & Partial<Record<K, Item[]>>;
    return this.api.list<Page, Item>(`${API}/${what}/search`, {
      query: { max_results: options.pageSize, filter: options.filter },
      tokenParam: 'page_token',
      items: page => page[key],
      nextToken: page => page.next_page_token,
    });
  }
}
