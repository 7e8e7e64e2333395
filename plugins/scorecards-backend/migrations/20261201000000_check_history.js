// @ts-check

const {
  timestamp,
  rowId,
  resultKey,
  ownerAndSystem,
} = require('./lib/columns');

/** Results read at once by the backfill, and history rows inserted at once. */
const CHUNK = 500;

/**
 * The history of each check's status per entity, for per-check pass rates
 * and "changed N days ago": one row each time a check's known status
 * changes, plus removal rows when a result ends or moves to another owner or
 * system (as in `scorecard_history`). Backfilled with the checks of the
 * latest results, at the time they were last evaluated, marked `backfilled`:
 * that time is when the history began (a full pass refreshes it), not when
 * the status changed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_check_history', table => {
    table.comment(
      'Every change of the status of a check for an entity, for per-check trends',
    );
    rowId(table);
    resultKey(table);
    table.string('check_id').notNullable().comment('Check id');
    ownerAndSystem(table, ', for rollups');
    table
      .string('status')
      .notNullable()
      .comment(
        'pass, fail, exempt or na; never unknown (an unknown check keeps its last known status)',
      );
    timestamp(
      table,
      'changed_at',
      'When the evaluation that found this status ran',
    );
    table
      .boolean('removed')
      .notNullable()
      .defaultTo(false)
      .comment(
        'True when the check stopped counting here (result removed, check no longer graded, or moved to another owner or system under owner_ref/system_ref); status repeats the last one',
      );
    table
      .boolean('backfilled')
      .notNullable()
      .defaultTo(false)
      .comment(
        'True on the rows this migration copied from the latest results: changed_at is when the history began, not when the status changed',
      );
    table.index(
      ['scorecard_id', 'check_id', 'entity_ref', 'changed_at', 'id'],
      'scorecard_check_history_trend_idx',
    );
    table.index(
      ['entity_ref', 'scorecard_id', 'check_id', 'changed_at'],
      'scorecard_check_history_entity_idx',
    );
    table.index(
      ['owner_ref', 'changed_at'],
      'scorecard_check_history_owner_idx',
    );
  });

  // One row per known check of each latest result, read in key order.
  /** @type {{ entity_ref: string; scorecard_id: string } | undefined} */
  let after;
  for (;;) {
    const query = knex('scorecard_results')
      .select(
        'entity_ref',
        'scorecard_id',
        'owner_ref',
        'system_ref',
        'checks',
        'evaluated_at',
      )
      .orderBy([{ column: 'entity_ref' }, { column: 'scorecard_id' }])
      .limit(CHUNK);
    if (after) {
      const { entity_ref, scorecard_id } = after;
      query.where(q =>
        q
          .where('entity_ref', '>', entity_ref)
          .orWhere(q2 =>
            q2
              .where('entity_ref', entity_ref)
              .andWhere('scorecard_id', '>', scorecard_id),
          ),
      );
    }
    const results = await query;
    if (!results.length) break;
    after = results[results.length - 1];
    // Each row: the result's entity_ref, scorecard_id, owner_ref and
    // system_ref as read, and one of its checks.
    const rows = results.flatMap(
      ({ checks: json, evaluated_at, ...result }) => {
        /** @type {Array<{ checkId: string; status: string }>} */
        let checks;
        try {
          checks = JSON.parse(json);
        } catch {
          return [];
        }
        if (!Array.isArray(checks)) return [];
        return checks
          .filter(c => c && c.checkId && c.status && c.status !== 'unknown')
          .map(c => ({
            ...result,
            check_id: c.checkId,
            status: c.status,
            changed_at: evaluated_at,
            removed: false,
            backfilled: true,
          }));
      },
    );
    for (let i = 0; i < rows.length; i += CHUNK)
      await knex('scorecard_check_history').insert(rows.slice(i, i + CHUNK));
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_check_history');
};
