/**
 * Catalog module for the Convergence ML kinds (Model, Dataset, Pipeline).
 *
 * @packageDocumentation
 */
export { catalogModuleMlops as default } from './module';
export { MlopsEntitiesProcessor } from './processor/MlopsEntitiesProcessor';
