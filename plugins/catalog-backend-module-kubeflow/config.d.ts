import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Kubeflow Pipelines sources, one entity provider per key.
       * Every pipeline becomes a Pipeline entity; see the README's mapping table.
       */
      kubeflow?: {
        [sourceId: string]: {
          /**
           * The Kubeflow Pipelines API, e.g. https://kubeflow.example.com/pipeline (the host that serves /apis/v2beta1).
           * An http(s) URL without a user name or password (`user:pass@` stops the backend at start-up: put the credential in `token`).
           */
          baseUrl: string;
          /** Where links point (the Kubeflow Pipelines UI); defaults to baseUrl. An http(s) URL without a user name or password. */
          uiUrl?: string;
          /**
           * Sent as `Authorization: Bearer <token>`.
           * @visibility secret
           */
          token?: string;
          /** The Kubeflow profile namespace to read (multi-user installs). */
          namespace?: string;
          /** Owner of pipelines without an `owner` tag, e.g. group:default/ml-platform. */
          defaultOwner: string;
          /** System of pipelines without a `system` tag. */
          system?: string;
          /** spec.lifecycle of pipelines without a `lifecycle` tag. Default: production. */
          lifecycle?: string;
          /** spec.type of pipelines without a `type` tag. Default: training. */
          type?: string;
          /** Items per page of every list call (1–1000). Default: 100. */
          pageSize?: number;
          /** How often to crawl. Default: every 30 minutes, 10 minute timeout. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
