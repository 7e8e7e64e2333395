import {
  createTestDatabases,
  postgresPresentWhenRequired,
} from '@convergence/backstage-plugin-mlops-node/testUtils';

// It registers a test for the files that call it: not a test file itself.
/* eslint-disable jest/no-export */

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
