// @ts-check

/**
 * Scorecard results, their history, exemptions and the audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_results', table => {
    table.comment('The latest result of each scorecard for each entity');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Full, lower-case entity ref');
    table
      .string('scorecard_id')
      .notNullable()
      .comment('Scorecard definition id');
    table
      .string('owner_ref')
      .nullable()
      .comment("The entity's owner when evaluated, for rollups");
    table
      .string('system_ref')
      .nullable()
      .comment("The entity's system when evaluated, for rollups");
    table
      .string('level')
      .nullable()
      .comment('Highest level reached; null below the first');
    table
      .float('score')
      .notNullable()
      .comment('Passing or exempt checks over applicable checks, 0..1');
    table.text('checks').notNullable().comment('JSON array of check results');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
    table.primary(['entity_ref', 'scorecard_id']);
    table.index(['owner_ref'], 'scorecard_results_owner_idx');
    table.index(['system_ref'], 'scorecard_results_system_idx');
  });
  await knex.schema.createTable('scorecard_failing_checks', table => {
    table.comment('The failing checks of each latest result, for fast rollups');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Full, lower-case entity ref');
    table
      .string('scorecard_id')
      .notNullable()
      .comment('Scorecard definition id');
    table
      .string('owner_ref')
      .nullable()
      .comment("The entity's owner when evaluated");
    table
      .string('system_ref')
      .nullable()
      .comment("The entity's system when evaluated");
    table.string('check_id').notNullable().comment('The failing check');
    table.primary(['entity_ref', 'scorecard_id', 'check_id']);
    table.index(['owner_ref'], 'scorecard_failing_checks_owner_idx');
  });
  await knex.schema.createTable('scorecard_history', table => {
    table.comment('Every evaluation that changed a level or score, for trends');
    table.bigIncrements('id').comment('Row id');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Full, lower-case entity ref');
    table
      .string('scorecard_id')
      .notNullable()
      .comment('Scorecard definition id');
    table
      .string('owner_ref')
      .nullable()
      .comment("The entity's owner when evaluated");
    table.string('level').nullable().comment('Level reached');
    table.float('score').notNullable().comment('Score, 0..1');
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When it was evaluated');
    table.index(
      ['entity_ref', 'scorecard_id', 'evaluated_at'],
      'scorecard_history_entity_idx',
    );
    table.index(['owner_ref', 'evaluated_at'], 'scorecard_history_owner_idx');
  });
  await knex.schema.createTable('scorecard_exemptions', table => {
    table.comment('Exemptions of one entity from one check');
    table.string('id').primary().comment('UUID');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Full, lower-case entity ref');
    table.string('check_id').notNullable().comment('The exempted check');
    table
      .text('reason')
      .notNullable()
      .comment('Why the check does not apply or is accepted');
    table.string('author').notNullable().comment('User ref of who created it');
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('Stops counting after this');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When it was created');
    table.index(['entity_ref'], 'scorecard_exemptions_entity_idx');
  });
  await knex.schema.createTable('scorecard_audit', table => {
    table.comment('Who changed exemptions and when');
    table.bigIncrements('id').comment('Row id');
    table.timestamp('at', { useTz: true }).notNullable().comment('When');
    table.string('actor').notNullable().comment('User ref of who did it');
    table
      .string('action')
      .notNullable()
      .comment('exemption.create or exemption.revoke');
    table.string('entity_ref').notNullable().comment('The entity concerned');
    table.string('check_id').notNullable().comment('The check concerned');
    table
      .text('details')
      .notNullable()
      .comment('JSON: the exemption as created or revoked');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_audit');
  await knex.schema.dropTable('scorecard_exemptions');
  await knex.schema.dropTable('scorecard_history');
  await knex.schema.dropTable('scorecard_failing_checks');
  await knex.schema.dropTable('scorecard_results');
};
