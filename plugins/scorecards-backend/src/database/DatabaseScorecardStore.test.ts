import { testDatabases } from '../__testUtils__/databases';
import { createTestStore, storeOn } from '../__testUtils__/store';
import path from 'path';
import { Knex } from 'knex';
import { ScorecardStore, StoredResult } from './ScorecardStore';

const databases = testDatabases();

const result = (
  entityRef: string,
  level: string | null,
  score: number,
  failing: string[],
  ownerRef = 'group:default/fraud-ml',
  evaluatedAt = '2026-11-20T10:00:00.000Z',
): StoredResult => ({
  entityRef,
  scorecardId: 'ml-production-readiness',
  ownerRef,
  systemRef: 'system:default/fraud-detection',
  level,
  score,
  checks: [
    { checkId: 'owner-is-group', status: 'pass' },
    ...failing.map(checkId => ({
      checkId,
      status: 'fail' as const,
      message: 'missing',
    })),
  ],
  evaluatedAt,
});

/** model:default/a at Bronze: owner-is-group passes, x fails with `message`. */
const failingX = (evaluatedAt: string, message: string) => ({
  ...result('model:default/a', 'Bronze', 0.5, ['x'], undefined, evaluatedAt),
  checks: [
    { checkId: 'owner-is-group', status: 'pass' as const },
    { checkId: 'x', status: 'fail' as const, message },
  ],
});

const iso = (d: Date) => d.toISOString();

/** The whole catalog's most failing checks. */
const topFailing = async (store: ScorecardStore) =>
  (await store.summarize({}))[0].topFailingChecks;

/** One column of an entity's history rows, oldest first. */
const historyOf = (knex: Knex, entityRef: string, column: string) =>
  knex('scorecard_history')
    .where('entity_ref', entityRef)
    .orderBy('id')
    .pluck(column);

type HistoryRow = {
  id: number;
  entity_ref: string;
  scorecard_id: string;
  owner_ref: string;
  system_ref: string;
  level: string | null;
  score: number;
  removed: boolean;
  evaluated_at: Date;
};

/** A small deterministic random number generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * History as the store writes it, over 40 days: 3 scorecards, 60 entities,
 * 4 owners and 3 systems; score changes (several a day), removals and
 * returns, and moves to another owner or system (a removal row under the old
 * ones and a row under the new ones, at the same moment). Scores are eighths,
 * exact in 4-byte floats.
 */
function generateHistory(): HistoryRow[] {
  const next = random(13);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const owners = ['a', 'b', 'c', 'd'].map(o => `group:default/team-${o}`);
  const systems = ['x', 'y', 'z'].map(s => `system:default/sys-${s}`);
  const rows: HistoryRow[] = [];
  const at = (day: number, second: number) =>
    new Date(Date.UTC(2026, 9, 1 + day, 0, 0, second));
  for (let e = 0; e < 60; e++) {
    const entity = `model:default/m${e}`;
    const scorecards = ['sc-b', 'sc-a', 'sc-c'].slice(0, 1 + (e % 3));
    for (const scorecard_id of scorecards) {
      let owner = pick(owners);
      let system = pick(systems);
      let score = Math.floor(next() * 9) / 8;
      let present = false;
      const row = (removed: boolean, when: Date) =>
        rows.push({
          id: 0,
          entity_ref: entity,
          scorecard_id,
          owner_ref: owner,
          system_ref: system,
          level: score >= 0.5 ? 'Bronze' : null,
          score,
          removed,
          evaluated_at: when,
        });
      for (let day = Math.floor(next() * 10); day < 40; day++) {
        if (next() < 0.6) continue;
        // One to three events this day, at increasing seconds.
        const events = 1 + Math.floor(next() * 3);
        for (let k = 0; k < events; k++) {
          const when = at(day, (e * 7 + k * 1000 + day) % 86_000);
          const roll = next();
          if (!present) {
            score = Math.floor(next() * 9) / 8;
            row(false, when);
            present = true;
          } else if (roll < 0.1) {
            row(true, when);
            present = false;
          } else if (roll < 0.25) {
            row(true, when);
            if (next() < 0.5) owner = pick(owners);
            else system = pick(systems);
            row(false, when);
          } else {
            score = Math.floor(next() * 9) / 8;
            row(false, when);
          }
        }
      }
    }
  }
  // Insert in time order, as evaluations write them.
  rows.sort((x, y) => x.evaluated_at.getTime() - y.evaluated_at.getTime());
  rows.forEach((r, i) => (r.id = i + 1));
  return rows;
}

/**
 * The trend computed in memory, the obvious way: each entity's last score of
 * each day, carried forward until it changes or its result is removed (from
 * before the window too); the mean per scorecard for each day with history in
 * the window, and for the window's first day when an entity is present then.
 */
function trendInMemory(
  history: HistoryRow[],
  filter: {
    ownerRefs?: string[];
    systemRef?: string;
    entityRefs?: string[];
  },
  since: Date,
) {
  const rows = history
    .filter(
      r =>
        (!filter.ownerRefs || filter.ownerRefs.includes(r.owner_ref)) &&
        (!filter.systemRef || r.system_ref === filter.systemRef) &&
        (!filter.entityRefs || filter.entityRefs.includes(r.entity_ref)),
    )
    .sort(
      (x, y) =>
        x.evaluated_at.getTime() - y.evaluated_at.getTime() || x.id - y.id,
    );
  const latest = new Map<string, Map<string, number>>();
  const apply = (r: HistoryRow) => {
    if (!latest.has(r.scorecard_id)) latest.set(r.scorecard_id, new Map());
    if (r.removed) latest.get(r.scorecard_id)!.delete(r.entity_ref);
    else latest.get(r.scorecard_id)!.set(r.entity_ref, r.score);
  };
  let i = 0;
  for (; i < rows.length && rows[i].evaluated_at < since; i++) apply(rows[i]);
  const dayOf = (r: HistoryRow) => r.evaluated_at.toISOString().slice(0, 10);
  const carried = [...latest.values()].some(scores => scores.size > 0);
  const days = [
    ...new Set([
      ...(carried ? [since.toISOString().slice(0, 10)] : []),
      ...rows.slice(i).map(dayOf),
    ]),
  ].sort();
  const out: Array<{ day: string; scorecardId: string; score: number }> = [];
  for (const day of days) {
    for (; i < rows.length && dayOf(rows[i]) <= day; i++) apply(rows[i]);
    for (const [scorecardId, scores] of [...latest].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      const values = [...scores.values()];
      if (!values.length) continue;
      out.push({
        day,
        scorecardId,
        score: values.reduce((a, b) => a + b, 0) / values.length,
      });
    }
  }
  return out;
}

/**
 * Resolves once a session of this PostgreSQL database waits for a lock held by
 * another transaction (or once `pending` settles, whichever comes first).
 */
async function untilWaitingForALock(knex: Knex, pending: Promise<unknown>) {
  let settled = false;
  pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0 || settled) return;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/**
 * Runs `action` (a save or removal by `store`) while another evaluation saves
 * `theirs`. On PostgreSQL the other evaluation has written `theirs` but not
 * committed: `action` reads the old rows, then meets the other's lock, and the
 * other commits while it waits. SQLite runs one writer at a time: `theirs`
 * lands before `action` starts.
 */
async function whileAnotherEvaluationSaves<T>(
  knex: Knex,
  store: ScorecardStore,
  theirs: StoredResult[],
  action: () => Promise<T>,
): Promise<T> {
  if (knex.client.config.client !== 'pg') {
    await store.saveResults(theirs);
    return action();
  }
  const other = await knex.transaction();
  const otherStore = await storeOn(other, { skipMigrations: true });
  await otherStore.saveResults(theirs);
  const pending = action();
  await untilWaitingForALock(knex, pending);
  await other.commit();
  return pending;
}

/** `r` with `n` entities downstream of it. */
const downstream = (r: StoredResult, n?: number) => ({
  ...r,
  downstream: n,
});

describe.each(databases.eachSupportedId())(
  'DatabaseScorecardStore on %s',
  databaseId => {
    const createStore = async () =>
      (await createTestStore(databases, databaseId)).store;

    it('keeps the latest result per entity and scorecard, and returns the previous ones', async () => {
      const store = await createStore();
      const first = await store.saveResults([
        result('model:default/a', 'Bronze', 0.5, ['model-card-complete']),
      ]);
      expect(first.size).toBe(0);
      const second = await store.saveResults([
        result(
          'model:default/a',
          'Gold',
          1,
          [],
          undefined,
          '2026-11-21T10:00:00.000Z',
        ),
      ]);
      expect(second.get('model:default/a|ml-production-readiness')?.level).toBe(
        'Bronze',
      );
      const [latest] = await store.getResults(['model:default/a']);
      expect(latest).toMatchObject({
        entityRef: 'model:default/a',
        level: 'Gold',
        score: 1,
        evaluatedAt: '2026-11-21T10:00:00.000Z',
      });
      expect(latest.checks).toEqual([
        { checkId: 'owner-is-group', status: 'pass' },
      ]);
    });

    it('records history only when level or score change', async () => {
      const store = await createStore();
      await store.saveResults([
        result(
          'model:default/a',
          'Bronze',
          0.5,
          ['x'],
          undefined,
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      await store.saveResults([
        result(
          'model:default/a',
          'Bronze',
          0.5,
          ['x'],
          undefined,
          '2026-11-21T10:00:00.000Z',
        ),
      ]);
      await store.saveResults([
        result(
          'model:default/a',
          'Silver',
          0.8,
          [],
          undefined,
          '2026-11-22T10:00:00.000Z',
        ),
      ]);
      const history = await store.entityHistory(
        'model:default/a',
        new Date('2026-01-01'),
      );
      expect(history.map(h => h.level)).toEqual(['Bronze', 'Silver']);
      // The last row before the cut stays: it holds the score trends carry.
      expect(
        await store.deleteHistoryBefore(new Date('2026-11-21T00:00:00Z')),
      ).toBe(0);
      expect(
        await store.deleteHistoryBefore(new Date('2026-11-23T00:00:00Z')),
      ).toBe(1);
      expect(
        (
          await store.entityHistory('model:default/a', new Date('2026-01-01'))
        ).map(h => h.level),
      ).toEqual(['Silver']);
    });

    it('saves a result evaluated again unchanged with its new time only, and one whose checks changed in full', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const a = (evaluatedAt: string, message = 'missing "ü" \\ ✓') =>
        failingX(evaluatedAt, message);
      await store.saveResults([a('2026-11-20T10:00:00.000Z')]);
      // Found unchanged (on PostgreSQL by the SHA-256 of its checks' JSON, which
      // has non-ASCII text): only its time is written.
      const statements: string[] = [];
      const record = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', record);
      const previous = await store.saveResults([a('2026-11-21T10:00:00.000Z')]);
      knex.off('query', record);
      expect(
        statements.filter(sql => /^\s*(insert|delete)\b/i.test(sql)),
      ).toEqual([]);
      expect(
        statements.filter(sql =>
          /\bupdate\s+\W?scorecard_results\b/i.test(sql),
        ),
      ).toHaveLength(1);
      expect(previous.get('model:default/a|ml-production-readiness')).toEqual({
        entityRef: 'model:default/a',
        scorecardId: 'ml-production-readiness',
        level: 'Bronze',
        score: 0.5,
        checks: a('').checks,
        evaluatedAt: '2026-11-20T10:00:00.000Z',
      });
      expect(await store.getResults(['model:default/a'])).toEqual([
        expect.objectContaining({ evaluatedAt: '2026-11-21T10:00:00.000Z' }),
      ]);
      // Same level and score, another message: the checks are stored anew.
      await store.saveResults([
        a('2026-11-22T10:00:00.000Z', 'still "missing" \\ ü'),
      ]);
      const [latest] = await store.getResults(['model:default/a']);
      expect(latest.checks[1].message).toBe('still "missing" \\ ü');
      expect(latest.evaluatedAt).toBe('2026-11-22T10:00:00.000Z');
      expect(await topFailing(store)).toEqual([
        { checkId: 'x', failing: 1, affects: 1 },
      ]);
      expect(await historyOf(knex, 'model:default/a', 'level')).toEqual([
        'Bronze',
      ]);
    });

    it('saves the last of two results given for the same entity and scorecard', async () => {
      const { store } = await createTestStore(databases, databaseId);
      await store.saveResults([failingX('2026-11-20T10:00:00.000Z', 'a')]);
      // The first is the stored one unchanged, the second differs.
      await store.saveResults([
        failingX('2026-11-21T10:00:00.000Z', 'a'),
        failingX('2026-11-21T10:00:00.000Z', 'b'),
      ]);
      const [latest] = await store.getResults(['model:default/a']);
      expect(latest.checks[1].message).toBe('b');
    });

    it('saves in full a result that another evaluation wrote after it was read', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const at = (evaluatedAt: string, failing: string[], level = 'Bronze') =>
        result('model:default/a', level, 0.5, failing, undefined, evaluatedAt);
      await store.saveResults([at('2026-11-20T10:00:00.000Z', ['x'])]);
      // The same as stored: only its time would change.
      const ours = at('2026-11-21T10:00:00.000Z', ['x']);
      const theirs = at('2026-11-21T09:00:00.000Z', ['y'], 'Silver');
      await whileAnotherEvaluationSaves(knex, store, [theirs], () =>
        store.saveResults([ours]),
      );
      const [latest] = await store.getResults(['model:default/a']);
      expect(latest).toMatchObject({
        level: 'Bronze',
        evaluatedAt: ours.evaluatedAt,
      });
      expect(latest.checks).toEqual(ours.checks);
      expect(await topFailing(store)).toEqual([
        { checkId: 'x', failing: 1, affects: 1 },
      ]);
    });

    it('ends the trend under the owner another evaluation moved a result to after it was read', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const a = 'group:default/a';
      const b = 'group:default/b';
      const at = (evaluatedAt: string, ownerRef: string, level: string) =>
        result(
          'model:default/x',
          level,
          level === 'Gold' ? 1 : 0.5,
          [],
          ownerRef,
          evaluatedAt,
        );
      await store.saveResults([at('2026-11-20T10:00:00.000Z', a, 'Bronze')]);
      // Read while owned by a; another evaluation moves it to b meanwhile.
      const ours = at('2026-11-21T10:00:00.000Z', a, 'Gold');
      const theirs = at('2026-11-21T09:00:00.000Z', b, 'Bronze');
      await whileAnotherEvaluationSaves(knex, store, [theirs], () =>
        store.saveResults([ours]),
      );
      // Back under a: b's trend ends with a removal row.
      expect(
        await knex('scorecard_history')
          .where('entity_ref', 'model:default/x')
          .orderBy('id')
          .select('owner_ref', 'level', 'removed')
          .then(rows =>
            rows.map(
              r => `${r.owner_ref} ${r.level}${r.removed ? ' removed' : ''}`,
            ),
          ),
      ).toEqual([
        `${a} Bronze`,
        `${a} Bronze removed`,
        `${b} Bronze`,
        `${b} Bronze removed`,
        `${a} Gold`,
      ]);
      const since = new Date('2026-01-01');
      expect(
        (await store.trend({ ownerRefs: [b] }, since)).map(p => p.day),
      ).toEqual([]);
      expect(await store.summarize({ ownerRefs: [b] })).toEqual([]);
    });

    it('records history against the result another evaluation wrote after it was read', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const at = (evaluatedAt: string, level: string, score: number) =>
        result('model:default/a', level, score, [], undefined, evaluatedAt);
      await store.saveResults([at('2026-11-20T10:00:00.000Z', 'Bronze', 0.5)]);
      // The same as stored when read: only its time would change.
      const ours = at('2026-11-21T10:00:00.000Z', 'Bronze', 0.5);
      const theirs = at('2026-11-21T09:00:00.000Z', 'Silver', 0.75);
      const previous = await whileAnotherEvaluationSaves(
        knex,
        store,
        [theirs],
        () => store.saveResults([ours]),
      );
      // The result went from theirs (Silver) back to Bronze: history says so,
      // and the previous result handed back (for drop notifications) is theirs.
      expect(await historyOf(knex, 'model:default/a', 'level')).toEqual([
        'Bronze',
        'Silver',
        'Bronze',
      ]);
      expect(
        previous.get('model:default/a|ml-production-readiness')?.level,
      ).toBe('Silver');
    });

    it('summarizes by owner, system and entity set', async () => {
      const store = await createStore();
      await store.saveResults([
        result('model:default/a', 'Gold', 1, []),
        result('model:default/b', 'Bronze', 0.5, [
          'model-card-complete',
          'model-monitoring-link',
        ]),
        result('model:default/c', null, 0.25, ['model-card-complete']),
        result(
          'model:default/d',
          'Silver',
          0.75,
          ['model-monitoring-link'],
          'group:default/recsys-ml',
        ),
      ]);
      const [fraud] = await store.summarize({
        ownerRefs: ['group:default/fraud-ml'],
      });
      expect(fraud).toEqual({
        scorecardId: 'ml-production-readiness',
        entities: 3,
        levels: { Gold: 1, Bronze: 1, none: 1 },
        score: (1 + 0.5 + 0.25) / 3,
        topFailingChecks: [
          { checkId: 'model-card-complete', failing: 2, affects: 2 },
          { checkId: 'model-monitoring-link', failing: 1, affects: 1 },
        ],
      });
      const [both] = await store.summarize({
        ownerRefs: ['group:default/fraud-ml', 'group:default/recsys-ml'],
      });
      expect(both.entities).toBe(4);
      const [all] = await store.summarize({});
      expect(all.entities).toBe(4);
      const [visible] = await store.summarize({
        entityRefs: ['model:default/a', 'model:default/d'],
      });
      expect(visible.levels).toEqual({ Gold: 1, Silver: 1 });
      const [system] = await store.summarize({
        systemRef: 'system:default/fraud-detection',
      });
      expect(system.entities).toBe(4);
      expect(await store.summarize({ ownerRefs: [] })).toEqual([]);
    });

    it('ranks failing checks by the entities they affect (the failing ones and those downstream), then by how many fail', async () => {
      const store = await createStore();
      await store.saveResults([
        // One dataset with seven entities downstream fails `upstream`…
        downstream(result('dataset:default/d', 'Bronze', 0.5, ['upstream']), 7),
        // …three leaves fail `card`, one of them `upstream` too.
        downstream(result('model:default/a', 'Bronze', 0.5, ['card']), 0),
        downstream(
          result('model:default/b', 'Bronze', 0.5, ['card', 'upstream']),
          0,
        ),
        // Unknown downstream (no lineage facts) counts the entity alone.
        result('model:default/c', 'Bronze', 0.5, ['card', 'license']),
      ]);
      expect(await topFailing(store)).toEqual([
        { checkId: 'upstream', failing: 2, affects: 9 },
        { checkId: 'card', failing: 3, affects: 3 },
        { checkId: 'license', failing: 1, affects: 1 },
      ]);

      // The same result with a new downstream count is saved, not only its time.
      await store.saveResults([
        downstream(
          result(
            'dataset:default/d',
            'Bronze',
            0.5,
            ['upstream'],
            undefined,
            '2026-11-21T10:00:00.000Z',
          ),
          1,
        ),
      ]);
      const [after] = await store.summarize({});
      expect(after.topFailingChecks).toEqual([
        { checkId: 'card', failing: 3, affects: 3 },
        { checkId: 'upstream', failing: 2, affects: 3 },
        { checkId: 'license', failing: 1, affects: 1 },
      ]);
    });

    it('lists the entities failing each check, most downstream first, within the filter', async () => {
      const store = await createStore();
      await store.saveResults([
        downstream(result('model:default/a', 'Bronze', 0.5, ['card']), 0),
        downstream(result('model:default/b', 'Bronze', 0.5, ['card']), 5),
        // Unknown downstream counts as none; ties go by ref.
        result("model:default/it's-\\-ünï", 'Bronze', 0.5, ['card', 'x.y']),
        downstream(
          result('model:default/c', 'Bronze', 0.5, ['x.y'], 'group:default/o'),
          9,
        ),
        // Another scorecard's failure of the same check is not this one's.
        {
          ...result('model:default/z', 'Bronze', 0.5, ['card']),
          scorecardId: 'other',
        },
      ]);
      const checks = [
        { scorecardId: 'ml-production-readiness', checkId: 'x.y' },
        { scorecardId: 'ml-production-readiness', checkId: 'card' },
        { scorecardId: 'ml-production-readiness', checkId: 'passing' },
      ];
      expect(await store.failingEntities({}, checks, 10)).toEqual([
        {
          ...checks[0],
          entityRefs: ['model:default/c', "model:default/it's-\\-ünï"],
        },
        {
          ...checks[1],
          entityRefs: [
            'model:default/b',
            'model:default/a',
            "model:default/it's-\\-ünï",
          ],
        },
        { ...checks[2], entityRefs: [] },
      ]);
      // At most `limit` per check.
      expect(
        (await store.failingEntities({}, checks, 1)).map(c => c.entityRefs),
      ).toEqual([['model:default/c'], ['model:default/b'], []]);
      // Only the owners' and the visible entities.
      expect(
        (
          await store.failingEntities(
            {
              ownerRefs: ['group:default/fraud-ml'],
              entityRefs: ['model:default/a', 'model:default/c'],
            },
            checks,
            10,
          )
        ).map(c => c.entityRefs),
      ).toEqual([[], ['model:default/a'], []]);
      expect(
        (await store.failingEntities({ entityRefs: [] }, checks, 10)).map(
          c => c.entityRefs,
        ),
      ).toEqual([[], [], []]);
      expect(await store.failingEntities({}, [], 10)).toEqual([]);
    });

    it('draws a daily trend with scores carried forward', async () => {
      const store = await createStore();
      await store.saveResults([
        result(
          'model:default/a',
          'Bronze',
          0.5,
          ['x'],
          undefined,
          '2026-11-20T10:00:00.000Z',
        ),
        result(
          'model:default/b',
          'Bronze',
          0.5,
          ['x'],
          undefined,
          '2026-11-20T11:00:00.000Z',
        ),
      ]);
      await store.saveResults([
        result(
          'model:default/a',
          'Gold',
          1,
          [],
          undefined,
          '2026-11-22T10:00:00.000Z',
        ),
      ]);
      expect(
        await store.trend(
          { ownerRefs: ['group:default/fraud-ml'] },
          new Date('2026-11-01'),
        ),
      ).toEqual([
        {
          day: '2026-11-20',
          scorecardId: 'ml-production-readiness',
          score: 0.5,
        },
        {
          day: '2026-11-22',
          scorecardId: 'ml-production-readiness',
          score: 0.75,
        },
      ]);
    });

    it("draws a system's trend from its own entities' history only", async () => {
      const store = await createStore();
      const inSystem = (
        entityRef: string,
        systemRef: string | undefined,
        score: number,
        evaluatedAt: string,
      ) => ({
        ...result(entityRef, null, score, [], undefined, evaluatedAt),
        systemRef,
      });
      await store.saveResults([
        inSystem(
          'model:default/a',
          'system:default/fraud',
          0.2,
          '2026-11-20T10:00:00.000Z',
        ),
        inSystem(
          'model:default/b',
          'system:default/recsys',
          0.8,
          '2026-11-20T11:00:00.000Z',
        ),
        inSystem('model:default/c', undefined, 1, '2026-11-20T12:00:00.000Z'),
      ]);
      await store.saveResults([
        inSystem(
          'model:default/b',
          'system:default/recsys',
          0.6,
          '2026-11-21T10:00:00.000Z',
        ),
      ]);
      const since = new Date('2026-11-01');
      expect(
        await store.trend({ systemRef: 'system:default/fraud' }, since),
      ).toEqual([
        {
          day: '2026-11-20',
          scorecardId: 'ml-production-readiness',
          score: 0.2,
        },
      ]);
      expect(
        await store.trend({ systemRef: 'system:default/recsys' }, since),
      ).toEqual([
        {
          day: '2026-11-20',
          scorecardId: 'ml-production-readiness',
          score: 0.8,
        },
        {
          day: '2026-11-21',
          scorecardId: 'ml-production-readiness',
          score: 0.6,
        },
      ]);
      expect(
        await store.trend({ systemRef: 'system:default/none' }, since),
      ).toEqual([]);
      // The whole catalog still counts everything.
      const all = await store.trend({}, since);
      expect(all.map(p => [p.day, Number(p.score.toFixed(6))])).toEqual([
        ['2026-11-20', Number(((0.2 + 0.8 + 1) / 3).toFixed(6))],
        ['2026-11-21', Number(((0.2 + 0.6 + 1) / 3).toFixed(6))],
      ]);
    });

    it("gives history written before the system column its entity's system", async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await knex.migrate.up({ directory, name: '20261127000000_init.js' });
      await knex('scorecard_results').insert({
        entity_ref: 'model:default/a',
        scorecard_id: 'ml-production-readiness',
        owner_ref: 'group:default/fraud-ml',
        system_ref: 'system:default/fraud',
        level: null,
        score: 0.5,
        checks: '[]',
        evaluated_at: new Date('2026-11-20T10:00:00.000Z'),
      });
      await knex('scorecard_history').insert(
        ['model:default/a', 'model:default/a', 'model:default/gone'].map(
          (entity_ref, i) => ({
            entity_ref,
            scorecard_id: 'ml-production-readiness',
            owner_ref: 'group:default/fraud-ml',
            level: null,
            score: 0.5,
            evaluated_at: new Date(Date.UTC(2026, 10, 18 + i)),
          }),
        ),
      );
      await knex.migrate.latest({ directory });
      expect(
        await knex('scorecard_history')
          .select('entity_ref', 'system_ref')
          .orderBy('id'),
      ).toEqual([
        { entity_ref: 'model:default/a', system_ref: 'system:default/fraud' },
        { entity_ref: 'model:default/a', system_ref: 'system:default/fraud' },
        { entity_ref: 'model:default/gone', system_ref: null },
      ]);
    });

    it('summarizes results stored before the downstream column as affecting themselves alone, and rolls the column back', async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      const store = await storeOn(knex);
      // By name: later migrations exist.
      await knex.migrate.down({
        directory,
        name: '20261130000002_downstream.js',
      });
      expect(
        await knex.schema.hasColumn('scorecard_results', 'downstream'),
      ).toBe(false);
      await knex('scorecard_failing_checks').insert({
        entity_ref: 'model:default/a',
        scorecard_id: 'ml-production-readiness',
        owner_ref: 'group:default/fraud-ml',
        check_id: 'x',
      });
      await knex('scorecard_results').insert({
        entity_ref: 'model:default/a',
        scorecard_id: 'ml-production-readiness',
        owner_ref: 'group:default/fraud-ml',
        level: null,
        score: 0.5,
        checks: '[{"checkId":"x","status":"fail"}]',
        evaluated_at: new Date('2026-11-20T10:00:00.000Z'),
      });
      await knex.migrate.latest({ directory });
      expect(await topFailing(store)).toEqual([
        { checkId: 'x', failing: 1, affects: 1 },
      ]);
    });

    it('leaves room in the pages a full pass updates (PostgreSQL), and rolls it back', async () => {
      const knex = await databases.init(databaseId);
      const directory = path.resolve(__dirname, '../../migrations');
      await storeOn(knex);
      const options = async () =>
        knex.client.config.client === 'pg'
          ? (
              await knex.raw(
                `SELECT relname, reloptions FROM pg_class
                 WHERE relname IN ('scorecard_results', 'scorecard_entity_versions')
                 ORDER BY relname`,
              )
            ).rows.map((r: { relname: string; reloptions: string[] | null }) =>
              [r.relname, r.reloptions?.join(',') ?? null].join(' '),
            )
          : [];
      const pg = knex.client.config.client === 'pg';
      expect(await options()).toEqual(
        pg
          ? [
              'scorecard_entity_versions fillfactor=70',
              'scorecard_results fillfactor=70',
            ]
          : [],
      );
      await knex.migrate.down({
        directory,
        name: '20261202000000_update_in_place.js',
      });
      expect(await options()).toEqual(
        pg ? ['scorecard_entity_versions ', 'scorecard_results '] : [],
      );
      await knex.migrate.latest({ directory });
    });

    it('removes stale results after a complete pass, keeping their history', async () => {
      const store = await createStore();
      const at = '2026-11-20T10:00:00.000Z';
      await store.saveResults([
        result('model:default/kept', 'Gold', 1, [], undefined, at),
        result('model:default/deleted', null, 0.5, ['x'], undefined, at),
        result('model:default/unmatched', null, 0.5, ['x'], undefined, at),
        {
          ...result('model:default/kept', null, 0.5, ['x'], undefined, at),
          scorecardId: 'dropped-from-config',
        },
        // Written by an evaluation that ran concurrently with the pass.
        result(
          'model:default/new',
          'Gold',
          1,
          [],
          undefined,
          '2026-11-21T10:00:30.000Z',
        ),
      ]);
      const removed = await store.removeStale({
        present: new Set(['model:default/kept', 'model:default/unmatched']),
        graded: new Map([
          ['model:default/kept', new Set(['ml-production-readiness'])],
          ['model:default/unmatched', new Set<string>()],
        ]),
        scorecardIds: new Set(['ml-production-readiness']),
        before: new Date('2026-11-21T10:00:00.000Z'),
      });
      expect(removed).toBe(3);
      const left = await store.findResults({}, 100);
      expect(left.map(r => `${r.entityRef} ${r.scorecardId}`).sort()).toEqual([
        'model:default/kept ml-production-readiness',
        'model:default/new ml-production-readiness',
      ]);
      const [summary] = await store.summarize({
        ownerRefs: ['group:default/fraud-ml'],
      });
      expect(summary).toMatchObject({
        entities: 2,
        levels: { Gold: 2 },
        topFailingChecks: [],
      });
      // History keeps the past...
      expect(
        await store.entityHistory(
          'model:default/deleted',
          new Date('2026-01-01'),
        ),
      ).toEqual([
        {
          scorecardId: 'ml-production-readiness',
          entityRef: 'model:default/deleted',
          level: null,
          score: 0.5,
          evaluatedAt: at,
        },
      ]);
      // ...and the trend stops counting the removed results from then on.
      expect(
        await store.trend(
          { ownerRefs: ['group:default/fraud-ml'] },
          new Date('2026-01-01'),
        ),
      ).toEqual([
        {
          day: '2026-11-20',
          scorecardId: 'dropped-from-config',
          score: 0.5,
        },
        {
          day: '2026-11-20',
          scorecardId: 'ml-production-readiness',
          score: (1 + 0.5 + 0.5) / 3,
        },
        { day: '2026-11-21', scorecardId: 'ml-production-readiness', score: 1 },
      ]);
    });

    it('keeps a result that a concurrent evaluation writes while stale results are removed', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      await store.saveResults([
        result(
          'model:default/a',
          null,
          0.5,
          ['x'],
          undefined,
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      // The pass started at `before` and found the entity matched by no
      // scorecard; it changed since, and an incremental pass grades it again.
      const before = new Date('2026-11-21T10:00:00.000Z');
      const fresh = result(
        'model:default/a',
        'Silver',
        0.75,
        ['y'],
        undefined,
        '2026-11-21T10:00:30.000Z',
      );
      const removeStale = () =>
        store.removeStale({
          present: new Set(['model:default/a']),
          graded: new Map([['model:default/a', new Set<string>()]]),
          scorecardIds: new Set(['ml-production-readiness']),
          before,
        });
      // The fresh result is committed while removal waits (PostgreSQL), or
      // lands before removal starts (SQLite), never within.
      expect(
        await whileAnotherEvaluationSaves(knex, store, [fresh], removeStale),
      ).toBe(0);
      expect(await store.getResults(['model:default/a'])).toEqual([
        expect.objectContaining({
          level: 'Silver',
          score: 0.75,
          evaluatedAt: fresh.evaluatedAt,
        }),
      ]);
      expect(await topFailing(store)).toEqual([
        { checkId: 'y', failing: 1, affects: 1 },
      ]);
      // History has no removal row: the result never ended.
      expect(await historyOf(knex, 'model:default/a', 'score')).toEqual([
        0.5, 0.75,
      ]);
      expect(
        await knex('scorecard_history').where('removed', true).pluck('id'),
      ).toEqual([]);
      expect(
        (await store.trend({}, new Date('2026-11-01T00:00:00.000Z'))).map(
          p => `${p.day} ${p.score}`,
        ),
      ).toEqual(['2026-11-20 0.5', '2026-11-21 0.75']);
    });

    it('finds stale results without reading every result', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const scorecardIds = ['sc-a', 'sc-b', 'sc-c'];
      const refs = Array.from({ length: 600 }, (_, i) => `model:default/m${i}`);
      const gradedAt = new Date('2026-11-20T10:00:00.000Z');
      await store.saveResults(
        refs.flatMap(ref =>
          scorecardIds.map(scorecardId => ({
            ...result(ref, null, 0.5, ['x'], undefined, iso(gradedAt)),
            scorecardId,
          })),
        ),
      );
      await store.saveEntityVersions(
        refs.map(entityRef => ({ entityRef, etag: 'e1' })),
        gradedAt,
      );
      // An incremental pass: two entities left the catalog, one changed and
      // is graded by sc-a only now; the others were not looked at.
      let rowsRead = 0;
      const count = (response: any) => {
        rowsRead += Array.isArray(response)
          ? response.length
          : response?.rows?.length ?? 0;
      };
      knex.on('query-response', count);
      const removed = await store.removeStale({
        present: new Set(refs.slice(2)),
        graded: new Map([['model:default/m7', new Set(['sc-a'])]]),
        scorecardIds: new Set(scorecardIds),
        before: new Date('2026-11-21T10:00:00.000Z'),
      });
      knex.off('query-response', count);
      expect(removed).toBe(2 * 3 + 2);
      // One ref per entity the store knows, then the stale results only;
      // not every result (1,800) and every recorded version (600).
      expect(rowsRead).toBeLessThanOrEqual(refs.length + 4 * (2 * 3 + 2));
      const [summary] = await store.summarize({});
      expect(summary.entities).toBe(598);
      expect(
        (await store.getResults(['model:default/m7'])).map(r => r.scorecardId),
      ).toEqual(['sc-a']);
      expect((await store.entityVersions()).size).toBe(598);
    });

    it("moves a result to its new owner's and system's trends", async () => {
      const store = await createStore();
      await store.saveResults([
        result(
          'model:default/a',
          'Gold',
          1,
          [],
          'group:default/fraud-ml',
          '2026-11-20T10:00:00.000Z',
        ),
        result(
          'model:default/b',
          null,
          0.5,
          ['x'],
          'group:default/fraud-ml',
          '2026-11-20T10:00:00.000Z',
        ),
      ]);
      // Same level and score, new owner.
      await store.saveResults([
        result(
          'model:default/b',
          null,
          0.5,
          ['x'],
          'group:default/recsys-ml',
          '2026-11-21T10:00:00.000Z',
        ),
      ]);
      const since = new Date('2026-01-01');
      const scores = async (ownerRef: string) =>
        (await store.trend({ ownerRefs: [ownerRef] }, since)).map(
          p => `${p.day} ${p.score}`,
        );
      expect(await scores('group:default/fraud-ml')).toEqual([
        '2026-11-20 0.75',
        '2026-11-21 1',
      ]);
      expect(await scores('group:default/recsys-ml')).toEqual([
        '2026-11-21 0.5',
      ]);
      // The whole catalog counts b once.
      expect(
        (await store.trend({}, since)).map(p => `${p.day} ${p.score}`),
      ).toEqual(['2026-11-20 0.75', '2026-11-21 0.75']);
      expect(
        (await store.entityHistory('model:default/b', since)).map(
          h => h.evaluatedAt,
        ),
      ).toEqual(['2026-11-20T10:00:00.000Z', '2026-11-21T10:00:00.000Z']);
    });

    it('records the catalog version of each entity, and forgets those gone', async () => {
      const store = await createStore();
      await store.saveEntityVersions(
        [
          { entityRef: 'model:default/a', etag: 'a1' },
          { entityRef: 'group:default/fraud-ml', etag: '' },
          { entityRef: 'model:default/gone', etag: 'g1' },
        ],
        new Date('2026-11-20T10:00:00.000Z'),
      );
      await store.saveEntityVersions(
        [
          { entityRef: 'model:default/a', etag: 'a2' },
          // Listed twice in one call: the last one counts.
          { entityRef: 'model:default/b', etag: 'b1' },
          { entityRef: 'model:default/b', etag: 'b2' },
        ],
        new Date('2026-11-21T10:00:00.000Z'),
      );
      expect(await store.entityVersions()).toEqual(
        new Map([
          ['model:default/a', 'a2'],
          ['group:default/fraud-ml', ''],
          ['model:default/gone', 'g1'],
          ['model:default/b', 'b2'],
        ]),
      );
      await store.removeStale({
        present: new Set(['model:default/a', 'group:default/fraud-ml']),
        graded: new Map(),
        scorecardIds: new Set(),
        before: new Date('2026-11-21T09:00:00.000Z'),
      });
      // b was seen after the pass started: it stays.
      expect([...(await store.entityVersions()).keys()].sort()).toEqual([
        'group:default/fraud-ml',
        'model:default/a',
        'model:default/b',
      ]);
    });

    it('records only changed versions when asked, keeping the time of the others', async () => {
      const store = await createStore();
      const first = new Date('2026-11-20T10:00:00.000Z');
      const second = new Date('2026-11-21T10:00:00.000Z');
      const refs = [
        'model:default/a',
        "model:default/it's-ü.v2",
        'model:default/c',
      ];
      await store.saveEntityVersions(
        [
          { entityRef: refs[0], etag: 'a1' },
          { entityRef: refs[1], etag: '' },
        ],
        first,
      );
      await store.saveEntityVersions(
        [
          { entityRef: refs[0], etag: 'a1' },
          { entityRef: refs[1], etag: 'b2' },
          { entityRef: refs[2], etag: 'c1' },
        ],
        second,
        { onlyChanged: true },
      );
      expect(await store.entityVersions()).toEqual(
        new Map([
          [refs[0], 'a1'],
          [refs[1], 'b2'],
          [refs[2], 'c1'],
        ]),
      );
      // a kept the time it was first recorded; the changed and the new one
      // are seen now.
      expect(
        [...(await store.entityVersionsSeenSince(refs, second))].sort(),
      ).toEqual([refs[2], refs[1]].sort());
      // Without the option, the same version is seen again.
      await store.saveEntityVersions(
        [{ entityRef: refs[0], etag: 'a1' }],
        second,
      );
      expect(
        (await store.entityVersionsSeenSince([refs[0]], second)).size,
      ).toBe(1);
      // Kept versions still go with their entity when it leaves the catalog.
      await store.removeStale({
        present: new Set(refs.slice(1)),
        graded: new Map(),
        scorecardIds: new Set(),
        before: new Date('2026-11-22T10:00:00.000Z'),
      });
      expect([...(await store.entityVersions()).keys()].sort()).toEqual(
        refs.slice(1).sort(),
      );
    });

    it('counts in a trend the entities whose score last changed before the window', async () => {
      const store = await createStore();
      const now = Date.parse('2026-11-27T12:00:00.000Z');
      const daysAgo = (n: number) => new Date(now - n * 86_400_000);
      const graded = (entity: string, score: number, days: number) =>
        store.saveResults([
          result(
            `model:default/${entity}`,
            null,
            score,
            [],
            undefined,
            daysAgo(days).toISOString(),
          ),
        ]);
      const removeAllBut = (entities: string[], days: number) =>
        store.removeStale({
          present: new Set(entities.map(e => `model:default/${e}`)),
          graded: new Map(),
          scorecardIds: new Set(['ml-production-readiness']),
          before: daysAgo(days),
        });
      await graded('gone-before', 0.25, 300);
      await graded('stable', 0.5, 200);
      await graded('removed-later', 1, 150);
      await removeAllBut(['stable', 'removed-later'], 120);
      await graded('changing', 0.25, 80);
      await graded('changing', 1, 50);
      await removeAllBut(['stable', 'changing'], 40);

      const since = daysAgo(90);
      const trend = await store.trend({}, since);
      expect(trend.map(p => p.day)).toEqual([
        '2026-08-29', // the window's first day
        '2026-09-08',
        '2026-10-08',
        '2026-10-18',
      ]);
      const scores = trend.map(p => p.score);
      // stable (0.5) and removed-later (1) carried in; gone-before ended earlier.
      expect(scores[0]).toBeCloseTo((0.5 + 1) / 2, 12);
      expect(scores[1]).toBeCloseTo((0.5 + 1 + 0.25) / 3, 12);
      expect(scores[2]).toBeCloseTo((0.5 + 1 + 1) / 3, 12);
      // removed-later stops counting from its removal day.
      expect(scores[3]).toBeCloseTo((0.5 + 1) / 2, 12);
      // The trend ends where the summary is.
      const [summary] = await store.summarize({});
      expect(scores[3]).toBeCloseTo(summary.score, 12);
      // An entity graded once, long ago, is in its own 90-day trend.
      expect(
        await store.trend({ entityRefs: ['model:default/stable'] }, since),
      ).toEqual([
        {
          day: '2026-08-29',
          scorecardId: 'ml-production-readiness',
          score: 0.5,
        },
      ]);
      expect(
        await store.trend({ entityRefs: ['model:default/gone-before'] }, since),
      ).toEqual([]);
    });

    it('computes the trend in the database, as the in-memory computation did', async () => {
      const { knex, store } = await createTestStore(databases, databaseId);
      const history = generateHistory();
      for (let i = 0; i < history.length; i += 500) {
        await knex('scorecard_history').insert(history.slice(i, i + 500));
      }
      expect(history.length).toBeGreaterThan(2000);
      expect(history.filter(r => r.removed).length).toBeGreaterThan(100);

      // Rows the database sends back while the trend is computed.
      let rowsRead = 0;
      const count = (response: any) => {
        rowsRead += Array.isArray(response)
          ? response.length
          : response?.rows?.length ?? 0;
      };
      knex.on('query-response', count);
      const early = new Date('2026-10-01T00:00:00.000Z');
      const trend = await store.trend({}, early);
      const days = new Set(trend.map(p => p.day)).size;
      expect(days).toBe(40);
      // One row per day and scorecard, not one per history row...
      expect(rowsRead).toBeLessThanOrEqual(days * 3);
      // ...also when scores are carried in from before the window.
      rowsRead = 0;
      const mid = new Date('2026-10-15T12:00:00.000Z');
      const fromMid = await store.trend({}, mid);
      knex.off('query-response', count);
      expect(new Set(fromMid.map(p => p.day)).size).toBe(26);
      expect(rowsRead).toBeLessThanOrEqual(26 * 3);

      const filters = [
        {},
        { ownerRefs: ['group:default/team-a'] },
        { ownerRefs: ['group:default/team-b', 'group:default/team-c'] },
        { systemRef: 'system:default/sys-y' },
        {
          ownerRefs: ['group:default/team-d'],
          systemRef: 'system:default/sys-z',
        },
        { entityRefs: ['model:default/m1', 'model:default/m5'] },
      ];
      for (const filter of filters) {
        for (const since of [early, mid]) {
          const expected = trendInMemory(history, filter, since);
          const actual = await store.trend(filter, since);
          expect(expected.length).toBeGreaterThan(0);
          expect(actual.map(p => `${p.day} ${p.scorecardId}`)).toEqual(
            expected.map(p => `${p.day} ${p.scorecardId}`),
          );
          actual.forEach((p, i) =>
            expect(p.score).toBeCloseTo(expected[i].score, 12),
          );
        }
      }

      // History older than the retention goes, and the trends since the cut
      // stay as they were.
      const trendsSinceMid = await Promise.all(
        filters.map(filter => store.trend(filter, mid)),
      );
      expect(await store.deleteHistoryBefore(mid)).toBeGreaterThan(300);
      // What is left before the cut: each result's last row, if it still was.
      const left: Array<{ key: string; removed: unknown }> = (
        await knex('scorecard_history')
          .where('evaluated_at', '<', mid)
          .select('entity_ref', 'scorecard_id', 'removed')
      ).map((r: any) => ({
        key: `${r.entity_ref}|${r.scorecard_id}`,
        removed: Boolean(r.removed),
      }));
      expect(left.length).toBeGreaterThan(0);
      expect(left.filter(r => r.removed)).toEqual([]);
      expect(new Set(left.map(r => r.key)).size).toBe(left.length);
      for (const [i, filter] of filters.entries()) {
        expect(await store.trend(filter, mid)).toEqual(trendsSinceMid[i]);
      }
    });

    it('counts only unexpired exemptions and audits every change', async () => {
      const store = await createStore();
      const now = new Date('2026-11-27T12:00:00Z');
      const live = await store.createExemption(
        {
          entityRef: 'model:default/a',
          checkId: 'model-monitoring-link',
          reason: 'batch model, monitored upstream',
          author: 'user:default/mei',
          expiresAt: '2027-01-01T00:00:00.000Z',
        },
        now,
      );
      await store.createExemption(
        {
          entityRef: 'model:default/a',
          checkId: 'model-card-complete',
          reason: 'old',
          author: 'user:default/mei',
          expiresAt: '2026-11-01T00:00:00.000Z',
        },
        now,
      );
      const active = await store.activeExemptions(
        ['model:default/a', 'model:default/b'],
        now,
      );
      expect(active.get('model:default/a')?.map(e => e.checkId)).toEqual([
        'model-monitoring-link',
      ]);
      expect(active.has('model:default/b')).toBe(false);

      expect(
        await store.revokeExemption(live.id, 'user:default/diego', now),
      ).toMatchObject({ id: live.id });
      expect(
        await store.revokeExemption('no-such-id', 'user:default/diego', now),
      ).toBeUndefined();
      expect(
        (await store.activeExemptions(['model:default/a'], now)).size,
      ).toBe(0);
      const audit = await store.auditTrail('model:default/a');
      expect(audit.map(a => `${a.action} ${a.checkId} by ${a.actor}`)).toEqual([
        'exemption.create model-monitoring-link by user:default/mei',
        'exemption.create model-card-complete by user:default/mei',
        'exemption.revoke model-monitoring-link by user:default/diego',
      ]);
    });

    it('saves more results than fit in one statement', async () => {
      const store = await createStore();
      const many = Array.from({ length: 1200 }, (_, i) =>
        result(`model:default/m${i}`, 'Bronze', 0.5, ['x']),
      );
      await store.saveResults(many);
      const [summary] = await store.summarize({});
      expect(summary.entities).toBe(1200);
      expect(summary.topFailingChecks).toEqual([
        { checkId: 'x', failing: 1200, affects: 1200 },
      ]);
    });
  },
);
