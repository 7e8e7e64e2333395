import { Knex } from 'knex';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';

/**
 * A store on `knex`: a test database, or a transaction on one (then pass
 * `skipMigrations`, the tables exist already).
 */
export function storeOn(
  knex: Knex,
  options: { skipMigrations?: boolean } = {},
) {
  return DatabaseScorecardStore.create({
    database: mockServices.database({
      knex,
      migrations: { skip: Boolean(options.skipMigrations) },
    }),
  });
}

/** A new, empty database of `databaseId`, and a store on it. */
export async function createTestStore(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
) {
  const knex = await databases.init(databaseId);
  return { knex, store: await storeOn(knex) };
}
