/**
 * Kubeflow Pipelines (and TFX-on-Kubeflow) in the Backstage catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleKubeflow as default } from './module';
export {
  KubeflowEntityProvider,
  readKubeflowSources,
  type KubeflowSourceConfig,
} from './KubeflowEntityProvider';
