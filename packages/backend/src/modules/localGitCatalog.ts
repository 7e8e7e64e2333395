import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  LocalGitEntityProvider,
  localGitBaseDir,
} from '@convergence/backstage-plugin-scaffolder-backend-module-mlops';

/**
 * The portal's catalog module for local use: reads the repositories the
 * `publish:local-git` scaffolder action creates into the catalog, when
 * `scaffolder.localGit.baseDir` is configured (never in production).
 */
export const catalogModuleLocalGit = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-git',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, logger, scheduler, events, processing }) {
        const baseDir = localGitBaseDir(config);
        if (!baseDir) return;
        processing.addEntityProvider(
          new LocalGitEntityProvider(baseDir, { logger, scheduler, events }),
        );
      },
    });
  },
});
