/*
 * The portal's local state (catalog, scorecard history, exemptions …) lives in
 * file-backed SQLite in a git-ignored folder, so it survives a restart of
 * scripts/start.sh.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import {
  BACKEND_DIR,
  REPO_ROOT,
  loadAppConfig,
} from './__testUtils__/appConfig';

describe('local state', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-state-'));
  });
  afterEach(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('app-config.yaml keeps the database in a git-ignored folder of the repository', async () => {
    const config = await loadAppConfig();
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
    const connection = config.get('backend.database.connection');
    expect(connection).toEqual({ directory: expect.any(String) });
    const { directory } = connection as { directory: string };
    const resolved = path.resolve(BACKEND_DIR, directory);
    expect(path.relative(REPO_ROOT, resolved)).toBe(
      path.join('.data', 'sqlite'),
    );
    // Exit status 0: git ignores the folder's files (1: it would track them).
    const checkIgnore = spawnSync(
      'git',
      ['check-ignore', '--verbose', path.join(resolved, 'catalog.sqlite')],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect({
      status: checkIgnore.status,
      stderr: checkIgnore.stderr,
      error: checkIgnore.error?.message,
    }).toEqual({ status: 0, stderr: '', error: undefined });
    expect(checkIgnore.stdout).toMatch(/^\.gitignore:\d+:\.data\//);
  });

  it("a plugin's data survives a restart with app-config.yaml's database settings", async () => {
    const database = (await loadAppConfig()).get('backend.database') as {
      client: string;
      connection: unknown;
    };
    // The same settings, the folder moved out of the repository.
    const connection =
      typeof database.connection === 'object'
        ? { ...database.connection, directory: scratch }
        : database.connection;
    const start = () =>
      DatabaseManager.fromConfig(
        new ConfigReader({
          backend: { database: { ...database, connection } },
        }),
      )
        .forPlugin('scorecards', {
          logger: mockServices.logger.mock(),
          lifecycle: mockServices.lifecycle.mock(),
        })
        .getClient();

    const first = await start();
    await first.schema.createTable('history', t => t.string('entity'));
    await first('history').insert({ entity: 'model:default/fraud-detector' });
    await first.destroy();

    const second = await start();
    try {
      expect(await second.schema.hasTable('history')).toBe(true);
      expect(await second('history').select('entity')).toEqual([
        { entity: 'model:default/fraud-detector' },
      ]);
    } finally {
      await second.destroy();
    }
  });
});
