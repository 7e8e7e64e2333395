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
      /** e.g. https://mlflow.example.com (serves /api/2.0/mlflow). */
      baseUrl: string;
      /** Where links point; defaults to baseUrl. */
      uiUrl?: string;
      /**
       * Sent as `Authorization: Bearer <token>`.
       * @visibility secret
       */
      token?: string;
    };
  };
}
