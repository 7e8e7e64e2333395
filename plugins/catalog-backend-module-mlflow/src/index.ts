/**
 * MLflow model registries in the Backstage catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleMlflow as default } from './module';
export { MlflowEntityProvider } from './providers/MlflowEntityProvider';
export {
  readMlflowSources,
  type MlflowSourceConfig,
} from './providers/MlflowEntityProviderConfig';
export {
  MLFLOW_DATASET_DIGEST_ANNOTATION,
  type MappingOptions as MlflowMappingOptions,
} from './providers/mapping';
export { MlflowClient, type MlflowSearchOptions } from './client/MlflowClient';
export type {
  MlflowDatasetInput,
  MlflowLoggedModel,
  MlflowMetric,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  MlflowTag,
} from './client/types';
