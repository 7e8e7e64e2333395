import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';

const migrationsDir = resolvePackagePath(
  '@convergence/backstage-plugin-scorecards-backend',
  'migrations',
);

/** One migration run per database service, however many stores it backs. */
const migrated = new WeakMap<DatabaseService, Promise<Knex>>();

/**
 * The plugin's knex client, its migrations run first unless the database
 * service skips them. Every store of the plugin is created over it; the
 * migrations run once per database service (a failed run is tried again).
 */
export function migratedClient(database: DatabaseService): Promise<Knex> {
  let client = migrated.get(database);
  if (!client) {
    client = (async () => {
      const knex = await database.getClient();
      if (!database.migrations?.skip) {
        await knex.migrate.latest({ directory: migrationsDir });
      }
      return knex;
    })();
    client.catch(() => migrated.delete(database));
    migrated.set(database, client);
  }
  return client;
}

/**
 * The `create` of a store class: a store over the plugin's migrated client of
 * `options.database` (see {@link migratedClient}).
 */
export const storeFactory =
  <T>(Store: new (db: Knex) => T) =>
  async (options: { database: DatabaseService }): Promise<T> =>
    new Store(await migratedClient(options.database));

/** SQLite allows ~32k bound variables per statement; stay well below. */
export const CHUNK = 500;

/** `xs` in slices of at most {@link CHUNK} items. */
export const chunks = <T>(xs: T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) =>
    xs.slice(i * CHUNK, (i + 1) * CHUNK),
  );

/** A stored time as ISO text: PostgreSQL returns dates, SQLite text or milliseconds since the epoch. */
export const iso = (v: Date | string | number): string =>
  (v instanceof Date ? v : new Date(v)).toISOString();
