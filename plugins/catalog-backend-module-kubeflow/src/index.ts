/**
 * Kubeflow Pipelines (and TFX-on-Kubeflow) in the Backstage catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleKubeflow as default } from './module';
export { KubeflowEntityProvider } from './providers/KubeflowEntityProvider';
export {
  readKubeflowSources,
  type KubeflowSourceConfig,
} from './providers/KubeflowEntityProviderConfig';
export type { MappingOptions as KubeflowMappingOptions } from './providers/mapping';
export {
  KubeflowClient,
  KubeflowRunFilterUnsupportedError,
  type KubeflowListOptions,
} from './client/KubeflowClient';
export type {
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
  KfpVersionReference,
} from './client/types';
