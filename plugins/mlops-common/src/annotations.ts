/**
 * The name of the registered model in MLflow.
 * @public
 */
export const MLFLOW_REGISTERED_MODEL_ANNOTATION = 'mlflow.org/registered-model';
/**
 * The MLflow experiment that holds the model's or dataset's runs.
 * @public
 */
export const MLFLOW_EXPERIMENT_ID_ANNOTATION = 'mlflow.org/experiment-id';
/**
 * A link to the entity in the MLflow UI.
 * @public
 */
export const MLFLOW_URL_ANNOTATION = 'mlflow.org/url';
/**
 * The Kubeflow Pipelines pipeline id.
 * @public
 */
export const KUBEFLOW_PIPELINE_ID_ANNOTATION = 'kubeflow.org/pipeline-id';
/**
 * A link to the dashboard that monitors a production model.
 * @public
 */
export const MONITORING_URL_ANNOTATION = 'convergence.dev/monitoring-url';
/**
 * The Kubeflow Pipelines pipeline version the entity was read from.
 * @public
 */
export const KUBEFLOW_PIPELINE_VERSION_ID_ANNOTATION =
  'kubeflow.org/pipeline-version-id';
/**
 * On a Model or Dataset: the Kubeflow artifact it is, as an output artifact
 * name (e.g. `fraud_detector`) or an importer URI (e.g.
 * `gs://bucket/transactions/`), so that pipelines that produce or consume it
 * are linked to it.
 * @public
 */
export const KUBEFLOW_ARTIFACT_ANNOTATION = 'kubeflow.org/artifact';
