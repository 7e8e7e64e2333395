/**
 * MLflow model registries in the Backstage catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleMlflow as default } from './module';
export {
  MlflowEntityProvider,
  readMlflowSources,
  type MlflowSourceConfig,
} from './MlflowEntityProvider';
export { MLFLOW_DATASET_DIGEST_ANNOTATION } from './mapping';
