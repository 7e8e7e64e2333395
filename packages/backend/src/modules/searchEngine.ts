import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';

type Query = Parameters<LunrSearchEngine['query']>[0];
type ResultSet = Awaited<ReturnType<LunrSearchEngine['query']>>;

/**
 * Backstage's in-memory Lunr engine, except that a query for document types
 * none of which has an index yet finds nothing instead of failing with
 * MissingIndexError (a 500). Lunr builds no index for a type whose collator
 * delivered no documents: TechDocs before any documentation is built, or any
 * type in the seconds after start-up before its first collation. The search
 * router has already refused types that no collator declares (400).
 */
export class LunrSearchEngineWithEmptyTypes extends LunrSearchEngine {
  async query(query: Query): Promise<ResultSet> {
    const types = query.types ?? [];
    if (types.length > 0 && !types.some(type => this.lunrIndices[type])) {
      return { results: [], numberOfResults: 0 };
    }
    return super.query(query);
  }
}

/**
 * The search engine when the database is not PostgreSQL (where
 * `@backstage/plugin-search-backend-module-pg` registers its own engine):
 * Lunr, answering empty for document types with no documents.
 */
export const searchModuleLunrEngine = createBackendModule({
  pluginId: 'search',
  moduleId: 'convergence-lunr-engine',
  register(env) {
    env.registerInit({
      deps: {
        searchEngineRegistry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ searchEngineRegistry, database, logger }) {
        if (await PgSearchEngine.supported(database)) return;
        searchEngineRegistry.setSearchEngine(
          new LunrSearchEngineWithEmptyTypes({ logger }),
        );
      },
    });
  },
});
