import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMlflowRegisterAction } from './actions/mlflowRegister';
import { createPublishLocalGitAction } from './actions/publishLocalGit';
import { createValidateEntitiesAction } from './actions/validate';

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
