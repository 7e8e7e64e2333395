/*
 * What the benchmarks that start a real Backstage backend share: its root
 * config, the portal's permission policy and sign-in, and how a bench
 * script's main ends the process.
 */
import type { createBackend } from '@backstage/backend-defaults';
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

/** The database of a bench backend: PostgreSQL, or SQLite files in a directory. */
export type BenchDatabase = {
  client: 'pg' | 'better-sqlite3';
  connection: string | { directory: string };
};

/**
 * The `backend` config of a bench backend on localhost:`port` with
 * `database`; with `token`, a static token (subject `bench`) the bench's
 * requests authenticate with.
 */
export function backendConfig(
  port: number,
  database: BenchDatabase,
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

/**
 * The config of a bench backend on localhost:`port` that serves as the
 * portal does ({@link addPortalPermissionAndAuth} adds its plugins):
 * `backend` ({@link backendConfig}); the guest sign-in ({@link signInAsGuest})
 * as user:default/bench-user, a member of team-0 in the generated org; and the
 * portal's permission policy with dept-9 as its admin group, enforced unless
 * `options.permission` is false.
 */
export function portalConfig(
  port: number,
  database: BenchDatabase,
  token: string,
  options: { permission?: boolean } = {},
): JsonObject {
  return {
    backend: backendConfig(port, database, token),
    app: { baseUrl: `http://localhost:${port}` },
    auth: {
      providers: {
        guest: {
          userEntityRef: 'user:default/bench-user',
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    permission: {
      enabled: options.permission ?? true,
      convergence: { adminGroups: ['group:default/dept-9'] },
    },
  };
}

/**
 * Adds the permission backend with the portal's own policy module
 * (`permissionModuleConvergencePolicy` from `backend/modules`, required only
 * here so that only the processes running a backend load it), the auth
 * backend and its guest provider.
 */
export function addPortalPermissionAndAuth(
  backend: ReturnType<typeof createBackend>,
) {
  backend.add(import('@backstage/plugin-permission-backend'));
  const { permissionModuleConvergencePolicy } =
    require('backend/modules') as typeof import('backend/modules');
  backend.add(permissionModuleConvergencePolicy);
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
}

/** A user token from the guest sign-in of the backend on localhost:`port`, as the browser gets it. */
export async function signInAsGuest(port: number) {
  const res = await fetch(`http://localhost:${port}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token as string;
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
