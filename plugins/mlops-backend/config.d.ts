export interface Config {
  /** Configuration of the mlops backend plugin. */
  mlops?: {
    /** The lineage service (`/api/mlops/lineage`). */
    lineage?: {
      /**
       * How often, in seconds, each backend process lists the catalog's
       * entity etags and evicts what changed from its lineage caches: the
       * most an answer can lag behind the catalog. Default 10.
       */
      refreshIntervalSeconds?: number;
      /**
       * How long, in seconds, a user's catalog read decision is reused
       * before the permission framework is asked again. Default 10; 0 asks
       * on every request.
       */
      permissionDecisionCacheSeconds?: number;
      /**
       * How many entities each backend process keeps in its lineage node
       * cache at most (least recently used ones go first). Default 100000.
       */
      maxCachedEntities?: number;
    };
  };
}
