/**
 * Frontend for the Convergence ML kinds: entity cards for models, datasets and
 * pipelines, lineage, the ML assets page and the team card. The new frontend
 * system entry point is `@convergence/backstage-plugin-mlops/alpha`.
 *
 * @packageDocumentation
 */
export {
  mlopsPlugin,
  MlAssetsPage,
  EntityModelOverviewCard,
  EntityModelVersionsCard,
  EntityModelCardCard,
  EntityMlLineageCard,
  EntityImpactCard,
  EntityDatasetOverviewCard,
  EntityDatasetSchemaCard,
  EntityPipelineOverviewCard,
  EntityGroupMlAssetsCard,
} from './plugin';
export { rootRouteRef as mlopsRootRouteRef } from './routes';
export { mlopsApiRef, MlopsClient } from './api';
export type { MlopsApi, MlopsEntityRef } from './api';
