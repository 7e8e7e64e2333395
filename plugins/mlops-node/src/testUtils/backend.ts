/*
 * What the backend packages' tests share: the databases they run on, an
 * HTTP auth service and a user info service for tests that run the real
 * permission backend, and a catalog module to feed the real catalog entities.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  ServiceFactory,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL wherever scripts/test.sh started one (it exports
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING for the installed major).
 *
 * @public
 */
export function createTestDatabases() {
  return TestDatabases.create({
    ids: [
      'SQLITE_3',
      'POSTGRES_18',
      'POSTGRES_17',
      'POSTGRES_16',
      'POSTGRES_15',
      'POSTGRES_14',
      'POSTGRES_13',
    ],
  });
}

/**
 * A database service that gives each plugin a database of its own on
 * `databaseId`, as each plugin has in the running backend.
 *
 * @public
 */
export function databasePerPlugin(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {},
    factory: () => {
      const knex = databases.init(databaseId);
      return { getClient: () => knex };
    },
  });
}

/**
 * True unless the test command provided PostgreSQL (CONVERGENCE_TEST_POSTGRES_URL)
 * and it is missing from the databases: it must not be skipped silently there.
 *
 * @public
 */
export function postgresPresentWhenRequired(databases: TestDatabases) {
  const required = Boolean(process.env.CONVERGENCE_TEST_POSTGRES_URL);
  return (
    !required ||
    databases.eachSupportedId().some(([id]) => id.startsWith('POSTGRES'))
  );
}

/**
 * An HTTP auth service for tests that run the real permission backend, policy
 * and catalog together on mock credentials.
 *
 * The mock HTTP auth service turns a plugin's on-behalf-of token back into
 * plain user credentials, while the real one records the calling plugin as the
 * actor; the permission backend refuses resource checks without an actor.
 * This factory adds the actor.
 *
 * @public
 */
export const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    const prefix = 'Bearer mock-service-token:';
    return {
      async credentials(req: any, options?: any) {
        const credentials: any = await inner.credentials(req, options);
        const header = String(req.headers.authorization ?? '');
        if (
          header.startsWith(prefix) &&
          credentials.principal.type === 'user'
        ) {
          const { sub } = JSON.parse(header.slice(prefix.length));
          return mockCredentials.user(credentials.principal.userEntityRef, {
            actor: { subject: sub },
          }) as any;
        }
        return credentials;
      },
      issueUserCookie: inner.issueUserCookie.bind(inner),
    };
  },
});

/**
 * A user info service whose users own their own ref and those of the groups
 * `groups` lists for them (by user ref), as the real one reads them from the
 * catalog.
 *
 * @public
 */
export function userInfoWithGroups(
  groups: Readonly<Record<string, readonly string[]>>,
): ServiceFactory<UserInfoService> {
  return mockServices.userInfo.mock({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
      };
    },
  }).factory;
}

/**
 * A catalog module adding an entity provider named `name`, through which a
 * test or benchmark feeds the real catalog: `connection()` is the provider's
 * connection once the catalog has connected it, and `onConnect` runs then
 * (before the catalog goes on starting).
 *
 * @public
 */
export function createTestEntityProviderModule(
  name: string,
  onConnect?: (connection: EntityProviderConnection) => Promise<void>,
) {
  let connected: EntityProviderConnection | undefined;
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: name,
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => name,
            async connect(connection) {
              connected = connection;
              await onConnect?.(connection);
            },
          });
        },
      });
    },
  });
  const connection = () => {
    if (!connected) throw new Error(`the catalog has not connected ${name}`);
    return connected;
  };
  return { module, connection };
}
