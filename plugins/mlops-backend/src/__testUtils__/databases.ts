import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL wherever scripts/test.sh started one (it exports
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING for the installed major).
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
 */
export function postgresPresentWhenRequired(databases: TestDatabases) {
  const required = Boolean(process.env.CONVERGENCE_TEST_POSTGRES_URL);
  return (
    !required ||
    databases.eachSupportedId().some(([id]) => id.startsWith('POSTGRES'))
  );
}
