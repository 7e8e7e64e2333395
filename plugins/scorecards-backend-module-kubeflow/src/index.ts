/**
 * Facts about entities read from Kubeflow, for Convergence scorecards.
 *
 * @packageDocumentation
 */
export {
  scorecardsModuleKubeflowFacts as default,
  KubeflowFactProvider,
} from './facts';
