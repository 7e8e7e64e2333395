import {
  createTestDatabases,
  postgresPresentWhenRequired,
} from '@convergence/backstage-plugin-mlops-node/testUtils';

/**
 * The databases a test file runs on (SQLite, and PostgreSQL where the test
 * command provides it), with a test of the file that fails when the command
 * provided PostgreSQL and it is missing: it must not be skipped silently.
 * Call it at the top level of the file.
 */
export function testDatabases() {
  const databases = createTestDatabases();
  it('runs on PostgreSQL whenever the test command provides it', () => {
    expect(postgresPresentWhenRequired(databases)).toBe(true);
  });
  return databases;
}

/** A database id of {@link testDatabases}, as `databases.init` takes it. */
export type TestDatabaseId = Parameters<
  ReturnType<typeof createTestDatabases>['init']
>[0];
