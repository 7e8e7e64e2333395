import { testDatabases } from '../__testUtils__/databases';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseExemptionRequestStore } from './DatabaseExemptionRequestStore';

const databases = testDatabases();

describe.each(databases.eachSupportedId())(
  'DatabaseExemptionRequestStore on %s',
  databaseId => {
    it('marks exemptions that expired before the migration as handled, and rolls it back', async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      const store = await DatabaseExemptionRequestStore.create({
        database: mockServices.database({ knex }),
      });
      // By name: later migrations exist.
      await knex.migrate.down({
        directory,
        name: '20261201000002_exemption_requests.js',
      });
      expect(await knex.schema.hasTable('scorecard_exemption_requests')).toBe(
        false,
      );
      expect(
        await knex.schema.hasColumn('scorecard_exemptions', 'request_id'),
      ).toBe(false);
      const exemption = (id: string, expiresAt: Date) => ({
        id,
        entity_ref: 'model:default/a',
        check_id: 'has-description',
        reason: 'why',
        author: 'user:default/mei',
        expires_at: expiresAt,
        created_at: new Date('2026-01-01T00:00:00Z'),
      });
      const expired = new Date(Date.now() - 24 * 3600 * 1000);
      const future = new Date(Date.now() + 24 * 3600 * 1000);
      await knex('scorecard_exemptions').insert([
        exemption('old', expired),
        exemption('current', future),
      ]);
      await knex.migrate.latest({ directory });
      const rows = await knex('scorecard_exemptions')
        .select('id', 'expires_at', 'expiry_handled_at')
        .orderBy('id');
      expect(
        rows.map(r => [
          r.id,
          r.expiry_handled_at && new Date(r.expiry_handled_at).toISOString(),
        ]),
      ).toEqual([
        ['current', null],
        ['old', expired.toISOString()],
      ]);
      // Neither is due: one is handled, the other has not expired.
      expect(await store.dueExemptions(new Date())).toEqual([]);
      expect(
        (await store.dueExemptions(new Date(future.getTime() + 1))).map(
          e => e.id,
        ),
      ).toEqual(['current']);
    });

    it('keeps one pending request per entity and check when their refs are long', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseExemptionRequestStore.create({
        database: mockServices.database({ knex }),
      });
      // 240 and 200 characters: the pending key is longer than 255.
      const entityRef = `model:default/${'é.'.repeat(113)}`;
      const checkId = `check-${'x'.repeat(194)}`;
      const now = new Date('2026-12-01T09:00:00Z');
      const ask = (requestedBy: string) =>
        store.createRequest(
          {
            entityRef,
            checkId,
            reason: 'why',
            requestedBy,
            expiresAt: new Date('2026-12-10T00:00:00Z'),
          },
          now,
        );
      const first = await ask('user:default/mei');
      expect(first.request).toMatchObject({ entityRef, checkId });
      expect((await ask('user:default/sofia')).request).toBeUndefined();
    });
  },
);
