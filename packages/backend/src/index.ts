/*
 * The Convergence portal backend (new backend system).
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleConvergencePolicy } from './modules/permissionPolicy';
import { searchModuleLunrEngine } from './modules/searchEngine';
import { catalogModuleLocalGit } from './modules/localGitCatalog';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in locally; configure real providers under auth.providers
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
// Kubeflow Pipelines sources under catalog.providers.kubeflow (none by default).
backend.add(
  import('@convergence/backstage-plugin-catalog-backend-module-kubeflow'),
);
// MLflow registries under catalog.providers.mlflow (none by default).
backend.add(
  import('@convergence/backstage-plugin-catalog-backend-module-mlflow'),
);
// Convergence: the Model, Dataset and Pipeline kinds
backend.add(
  import('@convergence/backstage-plugin-catalog-backend-module-mlops'),
);

// permissions: Convergence's own policy (readers read, owners act)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleConvergencePolicy);

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
// mlops:entities:validate, mlflow:model:register, publish:local-git
backend.add(
  import('@convergence/backstage-plugin-scaffolder-backend-module-mlops'),
);
// Reads the repositories publish:local-git creates into the catalog.
backend.add(catalogModuleLocalGit);
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs
backend.add(import('@backstage/plugin-techdocs-backend'));

// search: Postgres engine when the database is Postgres, Lunr otherwise (one
// that finds nothing, rather than failing, for a type with no documents yet)
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(searchModuleLunrEngine);
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// Convergence: lineage impact and downstream notices (/api/mlops)
backend.add(import('@convergence/backstage-plugin-mlops-backend'));

// Convergence: ownership scorecards (/api/scorecards)
backend.add(import('@convergence/backstage-plugin-scorecards-backend'));
// facts.kubeflow and facts.mlflow for scorecard checks
backend.add(
  import('@convergence/backstage-plugin-scorecards-backend-module-kubeflow'),
);
backend.add(
  import('@convergence/backstage-plugin-scorecards-backend-module-mlflow'),
);

// AI agents: Backstage actions over MCP (/api/mcp-actions/v1), see
// backend.actions and mcpActions in app-config.yaml
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// user settings, notifications, signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
