import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMlflowRegisterAction } from './actions/mlflowRegister';
import { createPublishLocalGitAction } from './actions/publishLocalGit';
import { createValidateEntitiesAction } from './actions/validate';
import { LocalGitEntityProvider } from './LocalGitEntityProvider';
import { localGitBaseDir } from './localGit';

/**
 * The Convergence scaffolder actions: `mlops:entities:validate`,
 * `mlflow:model:register` and `publish:local-git`.
 *
 * @public
 */
export const scaffolderModuleMlops = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mlops',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({ scaffolder, config, auth, catalog, events }) {
        scaffolder.addActions(
          createValidateEntitiesAction({ catalog, auth }),
          createMlflowRegisterAction({ config }),
          createPublishLocalGitAction({ config, events }),
        );
      },
    });
  },
});

/**
 * Reads the repositories `publish:local-git` creates into the catalog, when
 * `scaffolder.localGit.baseDir` is configured.
 *
 * @public
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
