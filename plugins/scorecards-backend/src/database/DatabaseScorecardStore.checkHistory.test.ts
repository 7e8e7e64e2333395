import { testDatabases } from '../__testUtils__/databases';
import path from 'path';
import { Knex } from 'knex';
import { CheckStatus } from '@convergence/backstage-plugin-scorecards-common';
import { createTestStore, storeOn } from '../__testUtils__/store';
import { StoredResult } from './ScorecardStore';

const databases = testDatabases();

const SC = 'ml-production-readiness';
const FRAUD = 'group:default/fraud-ml';
const RECSYS = 'group:default/recsys-ml';

/** A change of a check of `scorecardId`, as checkChanges lists it. */
const change = (
  checkId: string,
  status: CheckStatus,
  since: string,
  scorecardId = SC,
) => ({ scorecardId, checkId, status, since });

/** A result of `SC` with these check statuses, evaluated at `at`. */
const result = (
  entityRef: string,
  statuses: Record<string, CheckStatus>,
  at: string,
  ownerRef = FRAUD,
  extra: Partial<StoredResult> = {},
): StoredResult => {
  const checks = Object.entries(statuses).map(([checkId, status]) => ({
    checkId,
    status,
  }));
  const counted = checks.filter(
    c => c.status !== 'na' && c.status !== 'unknown',
  );
  return {
    entityRef,
    scorecardId: SC,
    ownerRef,
    systemRef: 'system:default/fraud-detection',
    level: null,
    score: counted.length
      ? counted.filter(c => c.status === 'pass' || c.status === 'exempt')
          .length / counted.length
      : 0,
    checks,
    evaluatedAt: at,
    ...extra,
  };
};

type Row = {
  entity_ref: string;
  check_id: string;
  owner_ref: string | null;
  status: string;
  removed: boolean;
  changed_at: string;
};

/** The check history rows, in the order written, readable on both databases. */
async function checkHistory(knex: Knex): Promise<Row[]> {
  const rows = await knex('scorecard_check_history').orderBy('id');
  return rows.map((r: any) => ({
    entity_ref: r.entity_ref,
    check_id: r.check_id,
    owner_ref: r.owner_ref,
    status: r.status,
    removed: Boolean(r.removed),
    changed_at: new Date(r.changed_at).toISOString(),
  }));
}

describe.each(databases.eachSupportedId())(
  'check history on %s',
  databaseId => {
    it('appends exactly one row when a check changes status, and none when a result is saved unchanged', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const a = 'model:default/a';
      await store.saveResults([
        result(
          a,
          { 'owner-is-group': 'pass', x: 'fail' },
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      expect(await checkHistory(knex)).toEqual([
        {
          entity_ref: a,
          check_id: 'owner-is-group',
          owner_ref: FRAUD,
          status: 'pass',
          removed: false,
          changed_at: '2026-11-20T10:00:00.000Z',
        },
        {
          entity_ref: a,
          check_id: 'x',
          owner_ref: FRAUD,
          status: 'fail',
          removed: false,
          changed_at: '2026-11-20T10:00:00.000Z',
        },
      ]);
      // Unchanged (the fast path): nothing.
      await store.saveResults([
        result(
          a,
          { 'owner-is-group': 'pass', x: 'fail' },
          '2026-11-21T10:00:00.000Z',
        ),
      ]);
      // Saved in full (downstream changed), checks unchanged: nothing.
      await store.saveResults([
        result(
          a,
          { 'owner-is-group': 'pass', x: 'fail' },
          '2026-11-22T10:00:00.000Z',
          FRAUD,
          { downstream: 3 },
        ),
      ]);
      expect(await checkHistory(knex)).toHaveLength(2);
      // One check changes: one row.
      await store.saveResults([
        result(
          a,
          { 'owner-is-group': 'pass', x: 'pass' },
          '2026-11-23T10:00:00.000Z',
        ),
      ]);
      const rows = await checkHistory(knex);
      expect(rows).toHaveLength(3);
      expect(rows[2]).toMatchObject({
        check_id: 'x',
        status: 'pass',
        removed: false,
        changed_at: '2026-11-23T10:00:00.000Z',
      });
      expect(await store.checkChanges(a)).toEqual([
        change('owner-is-group', 'pass', '2026-11-20T10:00:00.000Z'),
        change('x', 'pass', '2026-11-23T10:00:00.000Z'),
      ]);
    });

    it('never writes unknown: a check keeps its last known status through an outage', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const a = 'model:default/a';
      await store.saveResults([
        result(a, { x: 'pass', y: 'unknown' }, '2026-11-20T10:00:00.000Z'),
      ]);
      // y was never known: no row for it.
      expect((await checkHistory(knex)).map(r => r.check_id)).toEqual(['x']);
      await store.saveResults([
        result(a, { x: 'unknown', y: 'unknown' }, '2026-11-21T10:00:00.000Z'),
      ]);
      expect(await checkHistory(knex)).toHaveLength(1);
      // Back to the status it had before the outage: still nothing.
      await store.saveResults([
        result(a, { x: 'pass', y: 'unknown' }, '2026-11-22T10:00:00.000Z'),
      ]);
      await store.saveResults([
        result(a, { x: 'unknown', y: 'unknown' }, '2026-11-23T10:00:00.000Z'),
      ]);
      expect(await checkHistory(knex)).toHaveLength(1);
      // A change after an outage is compared with the last known status.
      await store.saveResults([
        result(a, { x: 'fail', y: 'fail' }, '2026-11-24T10:00:00.000Z'),
      ]);
      const rows = await checkHistory(knex);
      expect(rows.map(r => [r.check_id, r.status, r.changed_at])).toEqual([
        ['x', 'pass', '2026-11-20T10:00:00.000Z'],
        ['x', 'fail', '2026-11-24T10:00:00.000Z'],
        ['y', 'fail', '2026-11-24T10:00:00.000Z'],
      ]);
      expect(rows.every(r => r.status !== 'unknown')).toBe(true);
    });

    it("moves a check's history to the new owner: removal rows under the old one, fresh rows under the new one", async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const a = 'model:default/a';
      await store.saveResults([
        result(a, { x: 'pass', y: 'fail' }, '2026-11-20T10:00:00.000Z'),
        result(
          'model:default/b',
          { x: 'fail', y: 'fail' },
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      // Moves to recsys-ml with y unknown: y carries its last known status.
      await store.saveResults([
        result(
          a,
          { x: 'pass', y: 'unknown' },
          '2026-11-21T10:00:00.000Z',
          RECSYS,
        ),
      ]);
      const moved = (await checkHistory(knex)).filter(
        r => r.entity_ref === a && r.changed_at === '2026-11-21T10:00:00.000Z',
      );
      expect(
        moved.map(r => [r.check_id, r.owner_ref, r.status, r.removed]),
      ).toEqual([
        ['x', FRAUD, 'pass', true],
        ['y', FRAUD, 'fail', true],
        ['x', RECSYS, 'pass', false],
        ['y', RECSYS, 'fail', false],
      ]);
      const since = new Date('2026-11-20T00:00:00.000Z');
      expect(
        await store.checkTrend({ ownerRefs: [FRAUD] }, SC, 'x', since),
      ).toEqual([
        { day: '2026-11-20', passRate: 0.5, entities: 2 },
        { day: '2026-11-21', passRate: 0, entities: 1 },
      ]);
      expect(
        await store.checkTrend({ ownerRefs: [RECSYS] }, SC, 'x', since),
      ).toEqual([{ day: '2026-11-21', passRate: 1, entities: 1 }]);
      // Both owners together (a parent team): the entity counts once.
      expect(
        await store.checkTrend({ ownerRefs: [FRAUD, RECSYS] }, SC, 'x', since),
      ).toEqual([
        { day: '2026-11-20', passRate: 0.5, entities: 2 },
        { day: '2026-11-21', passRate: 0.5, entities: 2 },
      ]);
      // A move is not a change of status.
      expect(await store.checkChanges(a)).toEqual([
        change('x', 'pass', '2026-11-20T10:00:00.000Z'),
        change('y', 'fail', '2026-11-20T10:00:00.000Z'),
      ]);
    });

    it('computes a pass rate carried across days as by hand', async () => {
      const { store } = await createTestStore(databases, databaseId);
      const day = (d: number, h = 10) =>
        new Date(Date.UTC(2026, 10, d, h)).toISOString();
      const save = (entity: string, status: CheckStatus, at: string) =>
        store.saveResults([
          result(`model:default/${entity}`, { x: status }, at),
        ]);
      // Before the window: a passes, b fails.
      await save('a', 'pass', day(10));
      await save('b', 'fail', day(11));
      // Day 20: c is exempt, d does not apply, b passes then fails again.
      await save('c', 'exempt', day(20, 8));
      await save('d', 'na', day(20, 9));
      await save('b', 'pass', day(20, 10));
      await save('b', 'fail', day(20, 12));
      // Day 22: a fails; d now applies and passes.
      await save('a', 'fail', day(22));
      await save('d', 'pass', day(22, 11));
      // Day 25: b passes.
      await save('b', 'pass', day(25));
      const trend = await store.checkTrend(
        {},
        SC,
        'x',
        new Date(Date.UTC(2026, 10, 15)),
      );
      // By hand, each entity's last status of the day:
      // 15th (window start): a pass, b fail -> 1/2
      // 20th: a pass, b fail, c exempt, d na -> 2/3
      // 22nd: a fail, b fail, c exempt, d pass -> 2/4
      // 25th: a fail, b pass, c exempt, d pass -> 3/4
      expect(trend).toEqual([
        { day: '2026-11-15', passRate: 1 / 2, entities: 2 },
        { day: '2026-11-20', passRate: 2 / 3, entities: 3 },
        { day: '2026-11-22', passRate: 2 / 4, entities: 4 },
        { day: '2026-11-25', passRate: 3 / 4, entities: 4 },
      ]);
      // Limited to some entities (as for a caller who may read only those).
      expect(
        await store.checkTrend(
          { entityRefs: ['model:default/a', 'model:default/c'] },
          SC,
          'x',
          new Date(Date.UTC(2026, 10, 15)),
        ),
      ).toEqual([
        { day: '2026-11-15', passRate: 1, entities: 1 },
        { day: '2026-11-20', passRate: 1, entities: 2 },
        { day: '2026-11-22', passRate: 1 / 2, entities: 2 },
      ]);
      // Another check of the same results has its own history.
      expect(
        await store.checkTrend(
          {},
          SC,
          'other',
          new Date(Date.UTC(2026, 10, 15)),
        ),
      ).toEqual([]);
    });

    it('stops counting a removed result, and drops a check no longer graded', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      await store.saveResults([
        result(
          'model:default/a',
          { x: 'pass', y: 'pass' },
          '2026-11-20T10:00:00.000Z',
        ),
        result(
          'model:default/b',
          { x: 'fail', y: 'unknown' },
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      await store.saveResults([
        // y no longer graded for a.
        result('model:default/a', { x: 'pass' }, '2026-11-21T10:00:00.000Z'),
      ]);
      expect(
        await store.removeStale({
          present: new Set(['model:default/a']),
          graded: new Map([['model:default/a', new Set([SC])]]),
          scorecardIds: new Set([SC]),
          before: new Date('2026-11-22T10:00:00.000Z'),
        }),
      ).toBe(1);
      const since = new Date('2026-11-20T00:00:00.000Z');
      expect(await store.checkTrend({}, SC, 'x', since)).toEqual([
        { day: '2026-11-20', passRate: 0.5, entities: 2 },
        { day: '2026-11-22', passRate: 1, entities: 1 },
      ]);
      expect(await store.checkTrend({}, SC, 'y', since)).toEqual([
        { day: '2026-11-20', passRate: 1, entities: 1 },
      ]);
      // b's removal ends x only: its y was never known.
      expect(
        (await checkHistory(knex))
          .filter(r => r.removed)
          .map(r => [r.entity_ref, r.check_id, r.changed_at]),
      ).toEqual([
        ['model:default/a', 'y', '2026-11-21T10:00:00.000Z'],
        ['model:default/b', 'x', '2026-11-22T10:00:00.000Z'],
      ]);
      expect(await store.checkChanges('model:default/b')).toEqual([]);
      expect(await store.checkChanges('model:default/a')).toEqual([
        change('x', 'pass', '2026-11-20T10:00:00.000Z'),
      ]);
    });

    it("keeps each check's last row before the retention cut, and the trend after it", async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const save = (
        entity: string,
        statuses: Record<string, CheckStatus>,
        at: string,
      ) => store.saveResults([result(`model:default/${entity}`, statuses, at)]);
      await save('a', { x: 'fail', y: 'pass' }, '2026-11-10T10:00:00.000Z');
      await save('a', { x: 'pass', y: 'pass' }, '2026-11-12T10:00:00.000Z');
      await save('b', { x: 'fail', y: 'pass' }, '2026-11-12T10:00:00.000Z');
      await save('a', { x: 'fail', y: 'pass' }, '2026-11-25T10:00:00.000Z');
      await save('gone', { x: 'pass' }, '2026-11-11T10:00:00.000Z');
      await store.removeStale({
        present: new Set(['model:default/a', 'model:default/b']),
        graded: new Map(),
        scorecardIds: new Set([SC]),
        before: new Date('2026-11-13T00:00:00.000Z'),
      });
      const cut = new Date('2026-11-20T00:00:00.000Z');
      const before = await store.checkTrend({}, SC, 'x', cut);
      expect(before).toEqual([
        { day: '2026-11-20', passRate: 0.5, entities: 2 },
        { day: '2026-11-25', passRate: 0, entities: 2 },
      ]);
      await store.deleteHistoryBefore(cut);
      expect(
        (await checkHistory(knex)).map(r => [
          r.entity_ref,
          r.check_id,
          r.status,
          r.removed,
          r.changed_at,
        ]),
      ).toEqual([
        // a's y never changed: its first row is its last before the cut.
        ['model:default/a', 'y', 'pass', false, '2026-11-10T10:00:00.000Z'],
        // a's x: its last row before the cut (not the fail of the 10th).
        ['model:default/a', 'x', 'pass', false, '2026-11-12T10:00:00.000Z'],
        ['model:default/b', 'x', 'fail', false, '2026-11-12T10:00:00.000Z'],
        ['model:default/b', 'y', 'pass', false, '2026-11-12T10:00:00.000Z'],
        ['model:default/a', 'x', 'fail', false, '2026-11-25T10:00:00.000Z'],
        // gone's rows went: its last one ended it.
      ]);
      expect(await store.checkTrend({}, SC, 'x', cut)).toEqual(before);
    });

    it('backfills the check history from the stored results', async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261201000000_check_history.js',
      });
      expect(await knex.schema.hasTable('scorecard_check_history')).toBe(false);
      // More results than one chunk, in several scorecards.
      const results = [];
      for (let i = 0; i < 620; i++)
        results.push({
          entity_ref: `model:default/m-${String(i).padStart(4, '0')}`,
          scorecard_id: i % 2 ? 'sc-b' : 'sc-a',
          owner_ref: i % 3 ? FRAUD : null,
          system_ref: null,
          level: null,
          score: 0.5,
          checks: JSON.stringify([
            { checkId: 'x', status: i % 4 ? 'pass' : 'exempt' },
            { checkId: 'y', status: 'unknown', message: 'mlflow failed' },
            { checkId: "o'brien.ü", status: 'na' },
          ]),
          evaluated_at: new Date(Date.UTC(2026, 10, 1 + (i % 20))),
        });
      // The same entity in both scorecards.
      results.push({ ...results[0], scorecard_id: 'sc-b' });
      for (let i = 0; i < results.length; i += 100)
        await knex('scorecard_results').insert(results.slice(i, i + 100));
      await knex.migrate.up({
        directory,
        name: '20261201000000_check_history.js',
      });
      const rows = await knex('scorecard_check_history').select();
      expect(rows).toHaveLength(results.length * 2);
      expect(rows.some((r: any) => r.status === 'unknown')).toBe(false);
      const key = (r: any) =>
        `${r.entity_ref} ${r.scorecard_id} ${r.check_id} ${r.status} ${
          r.owner_ref
        } ${new Date(r.changed_at).toISOString()} ${Boolean(
          r.removed,
        )} ${Boolean(r.backfilled)}`;
      expect(new Set(rows.map(key))).toEqual(
        new Set(
          results.flatMap(r => [
            key({
              ...r,
              check_id: 'x',
              status: JSON.parse(r.checks)[0].status,
              changed_at: r.evaluated_at,
              backfilled: true,
            }),
            key({
              ...r,
              check_id: "o'brien.ü",
              status: 'na',
              changed_at: r.evaluated_at,
              backfilled: true,
            }),
          ]),
        ),
      );
      // The backfilled rows carry into trends.
      const store = await storeOn(knex);
      const trend = await store.checkTrend(
        {},
        'sc-a',
        'x',
        new Date(Date.UTC(2026, 11, 1)),
      );
      expect(trend).toEqual([
        { day: '2026-12-01', passRate: 1, entities: 310 },
      ]);
      // A backfilled row is when the history began, not a change.
      const m1 = 'model:default/m-0001';
      const BACKFILLED = '2026-11-02T00:00:00.000Z';
      const backfilled = (checkId: string, status: CheckStatus) => ({
        ...change(checkId, status, BACKFILLED, 'sc-b'),
        sinceHistoryStart: true,
      });
      expect(await store.checkChanges(m1)).toEqual([
        backfilled("o'brien.ü", 'na'),
        backfilled('x', 'pass'),
      ]);
      // Later passes: unchanged keeps the flag, a change is a real since.
      const later = (statuses: Record<string, CheckStatus>, at: string) =>
        store.saveResults([
          { ...result(m1, statuses, at, FRAUD), scorecardId: 'sc-b' },
        ]);
      await later({ x: 'pass', "o'brien.ü": 'na' }, '2026-12-02T10:00:00.000Z');
      await later({ x: 'fail', "o'brien.ü": 'na' }, '2026-12-03T10:00:00.000Z');
      expect(await store.checkChanges(m1)).toEqual([
        backfilled("o'brien.ü", 'na'),
        change('x', 'fail', '2026-12-03T10:00:00.000Z', 'sc-b'),
      ]);
    });
  },
);
