export interface Config {
  scaffolder?: {
    /** Where `publish:local-git` creates repositories, and the local-git catalog provider reads them. */
    localGit?: {
      /**
       * A folder of bare Git repositories, created if missing. Relative paths
       * resolve from the backend's working directory.
       */
      baseDir: string;
    };
    /** The MLflow registry `mlflow:model:register` registers models in. Without it the action skips. */
    mlflow?: {
      /**
       * e.g. https://mlflow.example.com (serves /api/2.0/mlflow). An http(s)
       * URL without a user name or password (`user:pass@` stops the backend
       * at start-up: put the credential in `token`).
       */
      baseUrl: string;
      /** Where links point; defaults to baseUrl. An http(s) URL without a user name or password. */
      uiUrl?: string;
      /**
       * Sent as `Authorization: Bearer <token>`.
       * @visibility secret
       */
      token?: string;
    };
  };
}
