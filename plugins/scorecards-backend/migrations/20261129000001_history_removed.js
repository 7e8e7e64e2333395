// @ts-check

/**
 * Marks the end of a result in history: the entity left the catalog, no
 * scorecard grades it any more, or it moved to another owner or system.
 * Trends stop counting the entity there from that row on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_history', table => {
    table
      .boolean('removed')
      .notNullable()
      .defaultTo(false)
      .comment(
        'True when the result ended here (entity deleted, no longer graded, or moved to another owner or system under owner_ref/system_ref); level and score then repeat the last ones',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_history', table => {
    table.dropColumn('removed');
  });
};
