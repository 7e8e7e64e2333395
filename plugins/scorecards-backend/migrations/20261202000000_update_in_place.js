// @ts-check

/**
 * PostgreSQL only: room in each page of the two tables a full grading pass
 * updates row by row (an unchanged result gets its new `evaluated_at`, each
 * entity its `seen_at`), so that the new row versions fit beside the old
 * ones. Neither column is indexed: the updates are then heap-only tuple
 * (HOT) updates, which write no index entries. Pages written before this
 * migration gain the room as a pass moves their rows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE scorecard_results SET (fillfactor = 70)');
  await knex.raw('ALTER TABLE scorecard_entity_versions SET (fillfactor = 70)');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE scorecard_results RESET (fillfactor)');
  await knex.raw('ALTER TABLE scorecard_entity_versions RESET (fillfactor)');
};
