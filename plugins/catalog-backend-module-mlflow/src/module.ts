import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { MlflowEntityProvider } from './MlflowEntityProvider';

/**
 * Reads MLflow model registries into the catalog as Model and Dataset
 * entities, one provider per source under `catalog.providers.mlflow`.
 *
 * @public
 */
export const catalogModuleMlflow = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mlflow',
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
          MlflowEntityProvider.fromConfig(config, {
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
