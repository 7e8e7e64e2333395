// @ts-check

/**
 * The system of each history row, so that a system's trend reads its own
 * entities' history only.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('scorecard_history', table => {
    table
      .string('system_ref')
      .nullable()
      .comment("The entity's system when evaluated, for system trends");
    table.index(['system_ref', 'evaluated_at'], 'scorecard_history_system_idx');
  });
  // Rows written before this migration take the entity's current system: the
  // best available guess, and better than leaving system trends empty.
  await knex('scorecard_history').update({
    system_ref: knex('scorecard_results')
      .select('system_ref')
      .where(
        'scorecard_results.entity_ref',
        knex.ref('scorecard_history.entity_ref'),
      )
      .andWhere(
        'scorecard_results.scorecard_id',
        knex.ref('scorecard_history.scorecard_id'),
      ),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_history', table => {
    table.dropIndex([], 'scorecard_history_system_idx');
    table.dropColumn('system_ref');
  });
};
