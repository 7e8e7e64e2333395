import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { mlopsPermissions } from '@convergence/backstage-plugin-mlops-common';
import { registerMlopsActions } from './actions';
import { DatabaseNoticeStore } from './database/DatabaseNoticeStore';
import { LineageService } from './service/LineageService';
import { createRouter } from './service/router';

/**
 * ML lineage: upstream and downstream impact over the catalog's relations,
 * filtered by the caller's read permission, and notices to the teams
 * downstream; served at /api/mlops. Registers the actions
 * `mlops:search-ml-assets`, `mlops:get-ml-asset`, `mlops:get-lineage` and
 * `mlops:validate-ml-entity`.
 *
 * @public
 */
export const mlopsPlugin = createBackendPlugin({
  pluginId: 'mlops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        deps.permissionsRegistry.addPermissions(mlopsPermissions);
        const store = await DatabaseNoticeStore.create({
          database: deps.database,
        });
        const lineage = new LineageService({
          catalog: deps.catalog,
          auth: deps.auth,
          permissions: deps.permissions,
          logger,
          store,
          notifications: deps.notifications,
          auditor: deps.auditor,
          permissionDecisionCacheSeconds: config.getOptionalNumber(
            'mlops.lineage.permissionDecisionCacheSeconds',
          ),
          maxCachedEntities: config.getOptionalNumber(
            'mlops.lineage.maxCachedEntities',
          ),
        });

        const seconds =
          config.getOptionalNumber('mlops.lineage.refreshIntervalSeconds') ??
          10;
        if (!Number.isFinite(seconds) || seconds <= 0)
          throw new Error(
            `mlops.lineage.refreshIntervalSeconds must be a positive number of seconds, not ${seconds}`,
          );
        // The caches are this process's memory: every replica refreshes its own.
        await deps.scheduler.scheduleTask({
          id: 'mlops:lineage-refresh',
          frequency: { seconds },
          timeout: { minutes: 5 },
          scope: 'local',
          fn: async () => {
            try {
              await lineage.refresh();
            } catch (error) {
              logger.warn(`Lineage cache refresh failed: ${error}`);
            }
          },
        });

        deps.httpRouter.use(
          await createRouter({ httpAuth: deps.httpAuth, lineage }),
        );
        registerMlopsActions({
          actionsRegistry: deps.actionsRegistry,
          catalog: deps.catalog,
          lineage,
        });
      },
    });
  },
});
