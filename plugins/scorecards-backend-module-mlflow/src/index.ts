/**
 * Facts about entities read from MLflow, for Convergence scorecards.
 *
 * @packageDocumentation
 */
export {
  scorecardsModuleMlflowFacts as default,
  MlflowFactProvider,
} from './facts';
