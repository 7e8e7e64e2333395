import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { MlopsEntitiesProcessor } from './processor/MlopsEntitiesProcessor';

/**
 * Adds the Model, Dataset and Pipeline kinds to the catalog.
 *
 * @public
 */
export const catalogModuleMlops = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mlops',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new MlopsEntitiesProcessor());
      },
    });
  },
});
