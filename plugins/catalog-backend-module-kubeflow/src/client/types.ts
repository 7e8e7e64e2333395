/*
 * The parts of the Kubeflow Pipelines v2beta1 REST API the provider reads
 * (field names as the API returns them).
 */

/**
 * A pipeline as the Kubeflow Pipelines API answers it.
 *
 * @public
 */
export type KfpPipeline = {
  pipeline_id: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  tags?: Record<string, string>;
};

/**
 * A version of a pipeline, with its compiled spec.
 *
 * @public
 */
export type KfpPipelineVersion = {
  pipeline_id: string;
  pipeline_version_id: string;
  name?: string;
  display_name?: string;
  created_at?: string;
  /** The compiled IR; an object (the API's Struct). */
  pipeline_spec?: unknown;
};

/**
 * The pipeline (version) a run or recurring run was made from.
 *
 * @public
 */
export type KfpVersionReference = {
  pipeline_id?: string;
  pipeline_version_id?: string;
};

/**
 * A recurring run with its trigger (cron or interval).
 *
 * @public
 */
export type KfpRecurringRun = {
  recurring_run_id: string;
  display_name?: string;
  pipeline_version_reference?: KfpVersionReference;
  status?: 'ENABLED' | 'DISABLED' | string;
  created_at?: string;
  trigger?: {
    cron_schedule?: { cron?: string; start_time?: string; end_time?: string };
    periodic_schedule?: { interval_second?: string | number };
  };
};

/**
 * A run with its state and times.
 *
 * @public
 */
export type KfpRun = {
  run_id: string;
  display_name?: string;
  pipeline_version_reference?: KfpVersionReference;
  state?: string;
  created_at?: string;
  scheduled_at?: string;
  finished_at?: string;
};
