import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogCrawlerModuleDeps } from '@convergence/backstage-plugin-mlops-node';
import { MlflowEntityProvider } from './providers/MlflowEntityProvider';
import { WEBHOOK_PATH, createWebhookRouter } from './webhooks';

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
        ...catalogCrawlerModuleDeps,
        httpRouter: coreServices.httpRouter,
        cache: coreServices.cache,
      },
      async init({ config, processing, httpRouter, cache, ...services }) {
        const { logger } = services;
        const providers = MlflowEntityProvider.fromConfig(config, services);
        processing.addEntityProvider(providers);
        if (providers.some(p => p.webhookSecret)) {
          // Authenticated by MLflow's HMAC signature instead of a Backstage token.
          httpRouter.addAuthPolicy({
            path: WEBHOOK_PATH,
            allow: 'unauthenticated',
          });
          // Delivery ids live in the cache service, shared by replicas.
          httpRouter.use(createWebhookRouter({ providers, logger, cache }));
        }
      },
    });
  },
});
