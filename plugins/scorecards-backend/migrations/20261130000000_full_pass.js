// @ts-check

const { timestamp } = require('./lib/columns');

/**
 * When the evaluator last completed a full pass over the catalog: the
 * incremental pass waits for the first one (until then every entity would be
 * "new", and both passes would grade the whole catalog).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_passes', table => {
    table.comment('Completed evaluation passes, one row per kind of pass');
    table
      .string('pass')
      .primary()
      .comment("The kind of pass; 'full' is the only one recorded");
    timestamp(
      table,
      'started_at',
      'When the last completed pass of this kind started',
    );
    timestamp(table, 'completed_at', 'When it completed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_passes');
};
