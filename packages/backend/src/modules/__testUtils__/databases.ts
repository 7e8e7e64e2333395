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
