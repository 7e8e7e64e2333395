import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LineageService } from '../service/LineageService';
import { registerGetLineageAction } from './getLineage';
import { registerGetMlAssetAction } from './getMlAsset';
import { registerSearchMlAssetsAction } from './searchMlAssets';
import { registerValidateMlEntityAction } from './validateMlEntity';

/**
 * Registers the mlops actions (`mlops:search-ml-assets`, `mlops:get-ml-asset`,
 * `mlops:get-lineage`, `mlops:validate-ml-entity`). Every one is read-only
 * and reads the catalog with the caller's credentials, so it sees what the
 * caller sees in the portal.
 */
export function registerMlopsActions(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  lineage: LineageService;
}) {
  registerSearchMlAssetsAction(options);
  registerGetMlAssetAction(options);
  registerGetLineageAction(options);
  registerValidateMlEntityAction(options);
}
