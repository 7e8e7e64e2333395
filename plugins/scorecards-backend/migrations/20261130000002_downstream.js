// @ts-check

/**
 * How many entities are downstream of each graded entity in the lineage
 * (from the lineage fact provider): "what to fix next" ranks failing checks
 * by the entities they affect, the failing ones and those downstream.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_results', table => {
    table
      .integer('downstream')
      .nullable()
      .comment(
        'Entities downstream of this one when evaluated; null when unknown',
      );
  });
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table
      .integer('downstream')
      .nullable()
      .comment(
        'Entities downstream of the failing entity when evaluated; null when unknown',
      );
  });
  // A team's failing checks and the entities they affect, still read from
  // the index alone: the index of the summary migration, plus downstream.
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table.dropIndex([], 'scorecard_failing_checks_owner_check_idx');
    table.index(
      ['owner_ref', 'scorecard_id', 'check_id', 'downstream'],
      'scorecard_failing_checks_owner_check_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table.dropIndex([], 'scorecard_failing_checks_owner_check_idx');
  });
  await knex.schema.alterTable('scorecard_failing_checks', table => {
    table.dropColumn('downstream');
    table.index(
      ['owner_ref', 'scorecard_id', 'check_id'],
      'scorecard_failing_checks_owner_check_idx',
    );
  });
  await knex.schema.alterTable('scorecard_results', table => {
    table.dropColumn('downstream');
  });
};
