import { testDatabases } from '../__testUtils__/databases';
import { mockServices } from '@backstage/backend-test-utils';
import { Campaign } from '@convergence/backstage-plugin-scorecards-common';
import { storedCampaign } from '../__testUtils__/campaigns';
import { storeOn } from '../__testUtils__/store';
import { DatabaseCampaignStore } from './DatabaseCampaignStore';

const databases = testDatabases();

const campaign = (id: string, overrides: Partial<Campaign> = {}) =>
  storedCampaign({
    id,
    title: `Silver by "March" — ünïcode.`,
    description: 'Production models need a model card.',
    source: 'database',
    createdBy: 'user:default/ada',
    ...overrides,
  });

describe.each(databases.eachSupportedId())(
  'DatabaseCampaignStore on %s',
  id => {
    async function setUp() {
      const knex = await databases.init(id);
      const database = mockServices.database({ knex });
      // The campaign store runs the package's migrations, as the scorecard store does.
      const store = await DatabaseCampaignStore.create({ database });
      const scorecards = await storeOn(knex, { skipMigrations: true });
      return { knex, store, scorecards };
    }

    it('creates, lists, updates and archives campaigns, recording each change', async () => {
      const { store } = await setUp();
      const t1 = new Date('2026-11-30T10:00:00.000Z');
      const t2 = new Date('2026-11-30T11:00:00.000Z');
      const t3 = new Date('2026-11-30T12:00:00.000Z');
      const created = await store.createCampaign(campaign('silver-abc123'), t1);
      expect(created).toEqual({
        ...campaign('silver-abc123'),
        createdAt: t1.toISOString(),
        updatedAt: t1.toISOString(),
      });
      await store.createCampaign(
        campaign('checks-def456', {
          target: { checks: ['model-card', 'license'] },
          description: undefined,
          createdBy: 'user:default/bo',
        }),
        t1,
      );
      expect(await store.getCampaign('silver-abc123')).toEqual(created);
      const checks = await store.getCampaign('checks-def456');
      expect(checks?.target).toEqual({ checks: ['model-card', 'license'] });
      expect(checks).not.toHaveProperty('description');
      expect((await store.listCampaigns()).map(c => c.id)).toEqual([
        'checks-def456',
        'silver-abc123',
      ]);

      const updated = await store.updateCampaign(
        campaign('silver-abc123', {
          title: 'Gold by June',
          target: { level: 'Gold' },
          deadline: '2027-06-30T23:59:59.999Z',
          // Neither the creator nor the creation time change.
          createdBy: 'user:default/mallory',
        }),
        'user:default/bo',
        t2,
      );
      expect(updated).toEqual({
        ...campaign('silver-abc123'),
        title: 'Gold by June',
        target: { level: 'Gold' },
        deadline: '2027-06-30T23:59:59.999Z',
        createdAt: t1.toISOString(),
        updatedAt: t2.toISOString(),
      });

      expect(
        await store.archiveCampaign('silver-abc123', 'user:default/ada', t3),
      ).toBe(true);
      expect(await store.getCampaign('silver-abc123')).toBeUndefined();
      expect((await store.listCampaigns()).map(c => c.id)).toEqual([
        'checks-def456',
      ]);
      // Archived: neither changed nor archived again, and no event for that.
      expect(
        await store.archiveCampaign('silver-abc123', 'user:default/ada', t3),
      ).toBe(false);
      expect(
        await store.updateCampaign(
          campaign('silver-abc123'),
          'user:default/ada',
          t3,
        ),
      ).toBeUndefined();
      expect(await store.archiveCampaign('nope', 'user:default/ada', t3)).toBe(
        false,
      );

      const events = await store.events('silver-abc123');
      expect(events.map(e => [e.action, e.actor, e.at])).toEqual([
        ['campaign.create', 'user:default/ada', t1.toISOString()],
        ['campaign.update', 'user:default/bo', t2.toISOString()],
        ['campaign.archive', 'user:default/ada', t3.toISOString()],
      ]);
      expect(events[0].details.title).toBe(`Silver by "March" — ünïcode.`);
      expect(events[1].details.title).toBe('Gold by June');
      expect(events[2].details.updatedAt).toBe(t3.toISOString());
      expect((await store.events('checks-def456')).map(e => e.action)).toEqual([
        'campaign.create',
      ]);
    });

    it('refuses a second campaign with the same id', async () => {
      const { store } = await setUp();
      const now = new Date('2026-11-30T10:00:00.000Z');
      await store.createCampaign(campaign('same-abc123'), now);
      // (Rejected with the driver's error, whichever realm it comes from.)
      const refused = await store
        .createCampaign(campaign('same-abc123', { title: 'Other' }), now)
        .then(
          () => false,
          () => true,
        );
      expect(refused).toBe(true);
      expect((await store.getCampaign('same-abc123'))?.title).not.toBe('Other');
      expect(await store.events('same-abc123')).toHaveLength(1);
    });

    it('upserts snapshots: writing a day twice keeps one set of rows, the latest values', async () => {
      const { store, knex } = await setUp();
      const t1 = new Date('2026-12-05T10:00:00.000Z');
      const t2 = new Date('2026-12-05T11:00:00.000Z');
      const points = [
        { ownerRef: '', done: 1, total: 4 },
        { ownerRef: 'group:default/team-a', done: 1, total: 3 },
        { ownerRef: 'group:default/team-b', done: 0, total: 1 },
      ];
      await store.saveSnapshots('c-1', '2026-12-04', points, t1);
      await store.saveSnapshots('c-1', '2026-12-05', points, t1);
      // Repeated (as a second replica would): the same rows.
      await store.saveSnapshots('c-1', '2026-12-05', points, t1);
      expect(await store.snapshots('c-1', '2026-12-05', '2026-12-05')).toEqual(
        points
          .map(p => ({ campaignId: 'c-1', day: '2026-12-05', ...p }))
          .sort((a, b) => a.ownerRef.localeCompare(b.ownerRef)),
      );
      // Later that day: team-b is no longer covered, team-a did more.
      await store.saveSnapshots(
        'c-1',
        '2026-12-05',
        [
          { ownerRef: '', done: 2, total: 3 },
          { ownerRef: 'group:default/team-a', done: 2, total: 3 },
        ],
        t2,
      );
      await store.saveSnapshots('c-2', '2026-12-05', points, t2);
      expect(await store.snapshots('c-1', '2026-12-01', '2026-12-31')).toEqual([
        {
          campaignId: 'c-1',
          day: '2026-12-04',
          ownerRef: '',
          done: 1,
          total: 4,
        },
        {
          campaignId: 'c-1',
          day: '2026-12-04',
          ownerRef: 'group:default/team-a',
          done: 1,
          total: 3,
        },
        {
          campaignId: 'c-1',
          day: '2026-12-04',
          ownerRef: 'group:default/team-b',
          done: 0,
          total: 1,
        },
        {
          campaignId: 'c-1',
          day: '2026-12-05',
          ownerRef: '',
          done: 2,
          total: 3,
        },
        {
          campaignId: 'c-1',
          day: '2026-12-05',
          ownerRef: 'group:default/team-a',
          done: 2,
          total: 3,
        },
      ]);
      const [{ n }] = await knex('scorecard_campaign_snapshots').count({
        n: '*',
      });
      expect(Number(n)).toBe(3 + 2 + 3);
    });

    it('reads stored results with the failing checks of the target only, in chunks', async () => {
      const { store, scorecards } = await setUp();
      const refs = Array.from(
        { length: 1203 },
        (_, i) => `model:default/m-${i}`,
      );
      await scorecards.saveResults(
        refs.map((entityRef, i) => ({
          entityRef,
          scorecardId: 'ml',
          ownerRef: i % 2 ? 'group:default/team-a' : undefined,
          level: i % 3 ? 'Silver' : 'Bronze',
          score: 0.5,
          checks: [
            { checkId: 'has-description', status: 'pass' as const },
            {
              checkId: 'model-card',
              status: i % 3 ? ('pass' as const) : ('fail' as const),
            },
            {
              checkId: 'license',
              status: i % 5 ? ('exempt' as const) : ('fail' as const),
            },
            { checkId: 'monitoring', status: 'fail' as const },
            { checkId: 'ci', status: 'unknown' as const },
          ],
          evaluatedAt: '2026-12-01T00:00:00.000Z',
        })),
      );
      const rows = await store.targetRows(
        'ml',
        [...refs, 'model:default/ungraded'],
        ['model-card', 'license', 'ci'],
      );
      expect(rows).toHaveLength(1203);
      const byRef = new Map(rows.map(r => [r.entityRef, r]));
      expect(byRef.get('model:default/m-0')).toEqual({
        entityRef: 'model:default/m-0',
        ownerRef: null,
        level: 'Bronze',
        failing: ['model-card', 'license'],
      });
      expect(byRef.get('model:default/m-1')).toEqual({
        entityRef: 'model:default/m-1',
        ownerRef: 'group:default/team-a',
        level: 'Silver',
        failing: [],
      });
      expect(byRef.get('model:default/m-1200')?.failing).toEqual([
        'model-card',
        'license',
      ]);
      expect(await store.targetRows('other', refs, ['model-card'])).toEqual([]);
    });
  },
);
