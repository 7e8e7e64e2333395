/*
 * The parts of the Kubeflow Pipelines v2beta1 REST API the provider reads
 * (field names as the API returns them).
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

export type KfpPipelineVersion = {
  pipeline_id: string;
  pipeline_version_id: string;
  name?: string;
  display_name?: string;
  created_at?: string;
  /** The compiled IR; an object (the API's Struct). */
  pipeline_spec?: unknown;
};

export type KfpVersionReference = {
  pipeline_id?: string;
  pipeline_version_id?: string;
};

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

export type KfpRun = {
  run_id: string;
  display_name?: string;
  pipeline_version_reference?: KfpVersionReference;
  state?: string;
  created_at?: string;
  scheduled_at?: string;
  finished_at?: string;
};

export type ListPipelines = {
  pipelines?: KfpPipeline[];
  next_page_token?: string;
};
export type ListPipelineVersions = {
  pipeline_versions?: KfpPipelineVersion[];
  next_page_token?: string;
};
export type ListRecurringRuns = {
  recurringRuns?: KfpRecurringRun[];
  next_page_token?: string;
};
export type ListRuns = { runs?: KfpRun[]; next_page_token?: string };
