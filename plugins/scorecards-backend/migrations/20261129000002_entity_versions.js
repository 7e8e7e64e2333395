// @ts-check

const { timestamp } = require('./lib/columns');

/**
 * The catalog version (etag) of each entity the evaluator has looked at, so
 * that the incremental pass grades only new and changed entities.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_entity_versions', table => {
    table.comment(
      'The catalog etag each entity had when it was last graded, or found to match no scorecard',
    );
    table.string('entity_ref').primary().comment('Full, lower-case entity ref');
    table
      .string('etag')
      .notNullable()
      .comment(
        "The entity's metadata.etag then (empty when the catalog gave none)",
      );
    timestamp(table, 'seen_at', 'When the evaluator read that version');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_entity_versions');
};
