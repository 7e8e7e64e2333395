import {
  ApiBlueprint,
  createFrontendModule,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  ALL_RELATION_PAIRS,
  ALL_RELATIONS,
  catalogGraphApiRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { MLOPS_RELATION_FIELDS } from '@convergence/backstage-plugin-mlops-common';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import ScatterPlotIcon from '@material-ui/icons/ScatterPlot';
import { mlopsApiRef, MlopsClient } from './api';

/** The ML assets page. */
const rootRouteRef = createRouteRef();

const model = { kind: 'model' };
const dataset = { kind: 'dataset' };
const pipeline = { kind: 'pipeline' };

const modelOverview = EntityCardBlueprint.make({
  name: 'model-overview',
  params: {
    type: 'info',
    filter: model,
    loader: () =>
      import('./components/ModelOverviewCard/ModelOverviewCard').then(m => (
        <m.ModelOverviewCard />
      )),
  },
});
const modelVersions = EntityCardBlueprint.make({
  name: 'model-versions',
  params: {
    filter: model,
    loader: () =>
      import('./components/ModelVersionsCard/ModelVersionsCard').then(m => (
        <m.ModelVersionsCard />
      )),
  },
});
const modelCard = EntityCardBlueprint.make({
  name: 'model-card',
  params: {
    filter: model,
    loader: () =>
      import('./components/ModelCardCard/ModelCardCard').then(m => (
        <m.ModelCardCard />
      )),
  },
});
const lineage = EntityCardBlueprint.make({
  name: 'lineage',
  params: {
    filter: { kind: { $in: ['model', 'dataset', 'pipeline'] } },
    loader: () =>
      import('./components/LineageCard/LineageCard').then(m => (
        <m.LineageCard />
      )),
  },
});
const impact = EntityCardBlueprint.make({
  name: 'impact',
  params: {
    filter: { kind: { $in: ['model', 'dataset', 'pipeline'] } },
    loader: () =>
      import('./components/ImpactCard/ImpactCard').then(m => <m.ImpactCard />),
  },
});
const datasetOverview = EntityCardBlueprint.make({
  name: 'dataset-overview',
  params: {
    type: 'info',
    filter: dataset,
    loader: () =>
      import('./components/DatasetOverviewCard/DatasetOverviewCard').then(m => (
        <m.DatasetOverviewCard />
      )),
  },
});
const datasetSchema = EntityCardBlueprint.make({
  name: 'dataset-schema',
  params: {
    filter: dataset,
    loader: () =>
      import('./components/DatasetSchemaCard/DatasetSchemaCard').then(m => (
        <m.DatasetSchemaCard />
      )),
  },
});
const pipelineOverview = EntityCardBlueprint.make({
  name: 'pipeline-overview',
  params: {
    type: 'info',
    filter: pipeline,
    loader: () =>
      import('./components/PipelineOverviewCard/PipelineOverviewCard').then(
        m => <m.PipelineOverviewCard />,
      ),
  },
});
const groupAssets = EntityCardBlueprint.make({
  name: 'group-ml-assets',
  params: {
    filter: { kind: { $in: ['group', 'user'] } },
    loader: () =>
      import('./components/GroupMlAssetsCard/GroupMlAssetsCard').then(m => (
        <m.GroupMlAssetsCard />
      )),
  },
});

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: mlopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new MlopsClient(deps),
    }),
});

const mlAssetsPage = PageBlueprint.make({
  params: {
    path: '/ml-assets',
    title: 'ML assets',
    icon: <ScatterPlotIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/MlAssetsPage/MlAssetsTable').then(m => (
        <m.MlAssetsTable />
      )),
  },
});

/**
 * The Convergence ML plugin for the new frontend system: entity cards for
 * models, datasets and pipelines (including the Impact card), the ML assets
 * page, the team card and the mlops API.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mlops',
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    api,
    modelOverview,
    modelVersions,
    modelCard,
    lineage,
    impact,
    datasetOverview,
    datasetSchema,
    pipelineOverview,
    groupAssets,
    mlAssetsPage,
  ],
});

/** Each ML relation pair once, in the direction the spec declares it. */
const mlRelationPairs = MLOPS_RELATION_FIELDS.reduce<[string, string][]>(
  (pairs, { relation, reverse }) =>
    pairs.some(
      ([a, b]) =>
        (a === relation && b === reverse) || (a === reverse && b === relation),
    )
      ? pairs
      : [...pairs, [relation, reverse]],
  [],
);

/**
 * Teaches the catalog graph the ML lineage relations (trainedOn, producedBy,
 * consumes, derivedFrom, fineTunedFrom and their reverses), so the Relations
 * card and the graph page draw them. Add it to the app's features.
 *
 * @alpha
 */
export const catalogGraphMlopsModule = createFrontendModule({
  pluginId: 'catalog-graph',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: catalogGraphApiRef,
          deps: {},
          factory: () =>
            new DefaultCatalogGraphApi({
              knownRelations: [...ALL_RELATIONS, ...mlRelationPairs.flat()],
              knownRelationPairs: [...ALL_RELATION_PAIRS, ...mlRelationPairs],
              defaultRelationTypes: { exclude: [] },
            }),
        }),
    }),
  ],
});
