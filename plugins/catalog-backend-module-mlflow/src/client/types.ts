/*
 * The parts of the MLflow REST API (2.0) the provider reads, with the field
 * names MLflow returns. Timestamps are milliseconds since the epoch (int64,
 * sent as numbers or strings).
 */

/**
 * A key and value MLflow attaches to a model, version or run.
 *
 * @public
 */
export type MlflowTag = { key: string; value: string };

/**
 * A metric value as MLflow logged it.
 *
 * @public
 */
export type MlflowMetric = {
  key: string;
  value: number;
  timestamp?: number | string;
  step?: number | string;
};

/**
 * A registered model as MLflow answers it.
 *
 * @public
 */
export type MlflowRegisteredModel = {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  description?: string;
  tags?: MlflowTag[];
  aliases?: Array<{ alias: string; version: string }>;
  /** The newest version per stage, in full; a model with these has versions to read. */
  latest_versions?: MlflowModelVersion[];
};

/**
 * A version of a registered model.
 *
 * @public
 */
export type MlflowModelVersion = {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  /** MLflow 3: the logged model this version registers. */
  model_id?: string;
  status?: string;
  tags?: MlflowTag[];
  aliases?: string[];
};

/**
 * A dataset a run logged as input, with its tags (`mlflow.data.context`).
 *
 * @public
 */
export type MlflowDatasetInput = {
  tags?: MlflowTag[];
  dataset: {
    name: string;
    digest?: string;
    source_type?: string;
    /** Usually JSON, e.g. `{"uri": "s3://bucket/path"}`. */
    source?: string;
  };
};

/**
 * A run with its metrics, params, tags and dataset inputs.
 *
 * @public
 */
export type MlflowRun = {
  info: {
    run_id: string;
    experiment_id?: string;
    status?: string;
    start_time?: number | string;
    end_time?: number | string;
  };
  data?: {
    metrics?: MlflowMetric[];
    params?: MlflowTag[];
    tags?: MlflowTag[];
  };
  inputs?: { dataset_inputs?: MlflowDatasetInput[] };
};

/**
 * MLflow 3: a logged model, with the metrics and params logged on it.
 *
 * @public
 */
export type MlflowLoggedModel = {
  info: { model_id: string; name?: string };
  data?: {
    metrics?: MlflowMetric[];
    params?: MlflowTag[];
  };
};
