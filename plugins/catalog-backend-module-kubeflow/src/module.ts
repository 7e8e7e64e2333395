import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCrawlerModuleDeps } from '@convergence/backstage-plugin-mlops-node';
import { KubeflowEntityProvider } from './providers/KubeflowEntityProvider';

/**
 * Reads Kubeflow Pipelines into the catalog as Pipeline entities, one
 * provider per source under `catalog.providers.kubeflow`.
 *
 * @public
 */
export const catalogModuleKubeflow = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kubeflow',
  register(reg) {
    reg.registerInit({
      deps: catalogCrawlerModuleDeps,
      async init({ config, processing, ...services }) {
        processing.addEntityProvider(
          KubeflowEntityProvider.fromConfig(config, services),
        );
      },
    });
  },
});
