import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { mlopsApiRef, MlopsClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The Convergence ML plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const mlopsPlugin = createPlugin({
  id: 'mlops',
  routes: { root: rootRouteRef },
  apis: [
    createApiFactory({
      api: mlopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MlopsClient(deps),
    }),
  ],
});

/**
 * The "ML assets" page: every model, dataset and pipeline, filterable.
 *
 * @public
 */
export const MlAssetsPage = mlopsPlugin.provide(
  createRoutableExtension({
    name: 'MlAssetsPage',
    component: () =>
      import('./components/MlAssetsPage/MlAssetsPage').then(
        m => m.MlAssetsPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

const card = (name: string, load: () => Promise<() => JSX.Element>) =>
  mlopsPlugin.provide(
    createComponentExtension({ name, component: { lazy: load } }),
  );

/**
 * Model overview: type, task, framework, license, owner, production version.
 * @public
 */
export const EntityModelOverviewCard = card('EntityModelOverviewCard', () =>
  import('./components/ModelOverviewCard/ModelOverviewCard').then(
    m => m.ModelOverviewCard,
  ),
);
/**
 * Every registered version of a model with aliases and metrics.
 * @public
 */
export const EntityModelVersionsCard = card('EntityModelVersionsCard', () =>
  import('./components/ModelVersionsCard/ModelVersionsCard').then(
    m => m.ModelVersionsCard,
  ),
);
/**
 * The model card (sanitised Markdown).
 * @public
 */
export const EntityModelCardCard = card('EntityModelCardCard', () =>
  import('./components/ModelCardCard/ModelCardCard').then(m => m.ModelCardCard),
);
/**
 * Lineage of a model, dataset or pipeline.
 * @public
 */
export const EntityMlLineageCard = card('EntityMlLineageCard', () =>
  import('./components/LineageCard/LineageCard').then(m => m.LineageCard),
);
/**
 * What is downstream of a model, dataset or pipeline (grouped by kind, with
 * owners, lifecycle and the path to each), and the notices sent to the
 * downstream owners; the entity's owners can send one from here.
 * @public
 */
export const EntityImpactCard = card('EntityImpactCard', () =>
  import('./components/ImpactCard/ImpactCard').then(m => m.ImpactCard),
);
/**
 * Dataset overview: source, format, classification, retention.
 * @public
 */
export const EntityDatasetOverviewCard = card('EntityDatasetOverviewCard', () =>
  import('./components/DatasetOverviewCard/DatasetOverviewCard').then(
    m => m.DatasetOverviewCard,
  ),
);
/**
 * A dataset's schema with personal-data markers.
 * @public
 */
export const EntityDatasetSchemaCard = card('EntityDatasetSchemaCard', () =>
  import('./components/DatasetSchemaCard/DatasetSchemaCard').then(
    m => m.DatasetSchemaCard,
  ),
);
/**
 * Pipeline overview: orchestrator, schedule, last run.
 * @public
 */
export const EntityPipelineOverviewCard = card(
  'EntityPipelineOverviewCard',
  () =>
    import('./components/PipelineOverviewCard/PipelineOverviewCard').then(
      m => m.PipelineOverviewCard,
    ),
);
/**
 * The ML assets a group or user owns, for their catalog page.
 * @public
 */
export const EntityGroupMlAssetsCard = card('EntityGroupMlAssetsCard', () =>
  import('./components/GroupMlAssetsCard/GroupMlAssetsCard').then(
    m => m.GroupMlAssetsCard,
  ),
);
