import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
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
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, logger, scheduler, auth, catalog, processing }) {
        processing.addEntityProvider(
          KubeflowEntityProvider.fromConfig(config, {
            logger,
            scheduler,
            auth,
            catalog,
          }),
        );
      },
    });
  },
});
