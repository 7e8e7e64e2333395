// @ts-check

/**
 * Indexes for summaries read on a cache miss: trends read each entity's
 * history in time order (no sort), and a team's level counts and failing
 * checks are read from the indexes alone.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_history', table => {
    table.index(
      ['scorecard_id', 'entity_ref', 'evaluated_at', 'id'],
      'scorecard_history_trend_idx',
    );
  });
  await knex.schema.alterTable('scorecard_results', table => {
    table.index(
      ['owner_ref', 'scorecard_id', 'level', 'score'],
      'scorecard_results_owner_level_idx',
    );
  });
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table.index(
      ['owner_ref', 'scorecard_id', 'check_id'],
      'scorecard_failing_checks_owner_check_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table.dropIndex([], 'scorecard_failing_checks_owner_check_idx');
  });
  await knex.schema.alterTable('scorecard_results', table => {
    table.dropIndex([], 'scorecard_results_owner_level_idx');
  });
  await knex.schema.alterTable('scorecard_history', table => {
    table.dropIndex([], 'scorecard_history_trend_idx');
  });
};
