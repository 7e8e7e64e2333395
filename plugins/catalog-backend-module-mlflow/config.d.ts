import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * MLflow model registries, one entity provider per key. Registered
       * models become Model entities and the datasets of their runs Dataset
       * entities; see the README's mapping table.
       */
      mlflow?: {
        [sourceId: string]: {
          /**
           * The MLflow tracking server, e.g. https://mlflow.example.com (serves /api/2.0/mlflow).
           * An http(s) URL without a user name or password (`user:pass@` stops the backend at start-up: put the credential in `token`).
           */
          baseUrl: string;
          /** Where links point (the MLflow UI); defaults to baseUrl. An http(s) URL without a user name or password. */
          uiUrl?: string;
          /**
           * Sent as `Authorization: Bearer <token>`.
           * @visibility secret
           */
          token?: string;
          /**
           * Enables webhooks: the secret MLflow signs them with. Point an
           * MLflow webhook at POST /api/catalog/mlflow/webhooks/<sourceId>.
           * Replayed deliveries are refused through the cache service: with
           * several backend replicas, set a shared `backend.cache` store
           * (redis, valkey, memcache), or each replica remembers only its own.
           * @visibility secret
           */
          webhookSecret?: string;
          /** Owner of models without an owner tag, e.g. group:default/ml-platform. */
          defaultOwner: string;
          /** The registered-model tag that names the owner. Default: owner. */
          ownerTag?: string;
          /** System of models without a `system` tag. */
          system?: string;
          /** spec.type of models without a `type` tag. Default: unspecified. */
          type?: string;
          /** Aliases that mark the version whose metrics head the model. Default: [champion, production]. */
          headlineAliases?: string[];
          /** An MLflow search filter for registered models, e.g. "name LIKE 'fraud-%'". */
          nameFilter?: string;
          /** Items per page of every list call (1–1000). Default: 100. */
          pageSize?: number;
          /** How many of each model's newest versions are read (1–1000). Default: 20. */
          maxVersions?: number;
          /** How often to crawl. Default: every 30 minutes, 15 minute timeout. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
