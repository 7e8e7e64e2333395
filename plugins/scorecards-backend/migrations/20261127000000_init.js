// @ts-check

const {
  timestamp,
  rowId,
  resultKey,
  ownerAndSystem,
  entityRef,
} = require('./lib/columns');

/**
 * Scorecard results, their history, exemptions and the audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_results', table => {
    table.comment('The latest result of each scorecard for each entity');
    resultKey(table);
    ownerAndSystem(table, ', for rollups');
    table
      .string('level')
      .nullable()
      .comment('Highest level reached; null below the first');
    table
      .float('score')
      .notNullable()
      .comment('Passing or exempt checks over applicable checks, 0..1');
    table.text('checks').notNullable().comment('JSON array of check results');
    timestamp(table, 'evaluated_at', 'When it was evaluated');
    table.primary(['entity_ref', 'scorecard_id']);
    table.index(['owner_ref'], 'scorecard_results_owner_idx');
    table.index(['system_ref'], 'scorecard_results_system_idx');
  });
  await knex.schema.createTable('scorecard_failing_checks', table => {
    table.comment('The failing checks of each latest result, for fast rollups');
    resultKey(table);
    ownerAndSystem(table);
    table.string('check_id').notNullable().comment('The failing check');
    table.primary(['entity_ref', 'scorecard_id', 'check_id']);
    table.index(['owner_ref'], 'scorecard_failing_checks_owner_idx');
  });
  await knex.schema.createTable('scorecard_history', table => {
    table.comment('Every evaluation that changed a level or score, for trends');
    rowId(table);
    resultKey(table);
    table
      .string('owner_ref')
      .nullable()
      .comment("The entity's owner when evaluated");
    table.string('level').nullable().comment('Level reached');
    table.float('score').notNullable().comment('Score, 0..1');
    timestamp(table, 'evaluated_at', 'When it was evaluated');
    table.index(
      ['entity_ref', 'scorecard_id', 'evaluated_at'],
      'scorecard_history_entity_idx',
    );
    table.index(['owner_ref', 'evaluated_at'], 'scorecard_history_owner_idx');
  });
  await knex.schema.createTable('scorecard_exemptions', table => {
    table.comment('Exemptions of one entity from one check');
    table.string('id').primary().comment('UUID');
    entityRef(table);
    table.string('check_id').notNullable().comment('The exempted check');
    table
      .text('reason')
      .notNullable()
      .comment('Why the check does not apply or is accepted');
    table.string('author').notNullable().comment('User ref of who created it');
    timestamp(table, 'expires_at', 'Stops counting after this');
    timestamp(table, 'created_at', 'When it was created');
    table.index(['entity_ref'], 'scorecard_exemptions_entity_idx');
  });
  await knex.schema.createTable('scorecard_audit', table => {
    table.comment('Who changed exemptions and when');
    rowId(table);
    timestamp(table, 'at', 'When');
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
