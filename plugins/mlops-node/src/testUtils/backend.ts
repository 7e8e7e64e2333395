/*
 * What the backend packages' tests share: the databases they run on, and an
 * HTTP auth service for tests that run the real permission backend.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
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
