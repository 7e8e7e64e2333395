/*
 * What the benchmarks that start a real Backstage backend share: its root
 * config and how a bench script's main ends the process.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

type JsonObject = ConstructorParameters<typeof ConfigReader>[0];

/** A root config service serving `config` (in place of app-config files). */
export function rootConfig(config: JsonObject) {
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () => new ConfigReader(config),
  });
}

/**
 * The `backend` config of a bench backend on localhost:`port` with
 * `database`; with `token`, a static token (subject `bench`) the bench's
 * requests authenticate with.
 */
export function backendConfig(
  port: number,
  database: { client: 'pg' | 'better-sqlite3'; connection: string },
  token?: string,
): JsonObject {
  return {
    baseUrl: `http://localhost:${port}`,
    listen: { port },
    database,
    ...(token && {
      auth: {
        externalAccess: [
          { type: 'static', options: { token, subject: 'bench' } },
        ],
      },
    }),
  };
}

/** Runs a bench's `main`: exits 0 when it resolves, prints the error and exits 1 when it rejects. */
export function runMain(main: () => Promise<unknown>) {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}
