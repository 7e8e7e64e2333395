// @ts-check

const { timestamp, entityRef } = require('./lib/columns');

/**
 * Exemption requests: asked for by anyone who may read an entity, decided
 * (approved or rejected) by someone who may manage its exemptions. An
 * approved request creates an exemption; exemptions remember the request
 * and who approved it, and when their expiry was handled (the entity graded
 * again, so that the check stops counting).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_exemption_requests', table => {
    table.comment('Requests to exempt one entity from one check');
    table.string('id').primary().comment('UUID');
    entityRef(table);
    table.string('check_id').notNullable().comment('The check to exempt from');
    table
      .string('owner_ref')
      .nullable()
      .comment("The entity's owner when requested (full, lower-case ref)");
    table
      .text('reason')
      .notNullable()
      .comment('Why the check does not apply or is accepted');
    table.string('requested_by').notNullable().comment('User ref of who asked');
    timestamp(table, 'requested_at', 'When it was asked for');
    timestamp(
      table,
      'expires_at',
      'When the exemption asked for would end; a pending request expires then',
    );
    table
      .string('status')
      .notNullable()
      .comment('pending, approved, rejected or expired');
    table
      .string('decided_by')
      .nullable()
      .comment('User ref of who approved or rejected it');
    timestamp(table, 'decided_at', 'When it was approved or rejected', {
      nullable: true,
    });
    table
      .text('comment')
      .nullable()
      .comment("The approver's or rejecter's comment");
    table
      .string('exemption_id')
      .nullable()
      .comment('The exemption created on approval');
    table
      // text: entity_ref and check_id may each be 255 characters long.
      .text('pending_key')
      .nullable()
      .unique({ indexName: 'scorecard_exemption_requests_pending_key' })
      .comment(
        'entity_ref|check_id while pending, else null: one pending request per entity and check, across replicas',
      );
    table.index(
      ['entity_ref', 'requested_at'],
      'scorecard_exemption_requests_entity_idx',
    );
    table.index(
      ['status', 'expires_at'],
      'scorecard_exemption_requests_status_idx',
    );
    table.index(
      ['owner_ref', 'status'],
      'scorecard_exemption_requests_owner_idx',
    );
  });
  await knex.schema.alterTable('scorecard_exemptions', table => {
    table
      .string('request_id')
      .nullable()
      .comment('The exemption request it was approved from, if any');
    table
      .string('approved_by')
      .nullable()
      .comment('User ref of who approved the request, if any');
    timestamp(
      table,
      'expiry_handled_at',
      'When its expiry was handled (the entity queued for grading again); null until then',
      { nullable: true },
    );
  });
  // Exemptions that have expired already need no handling: every full pass
  // since their expiry has graded their entity without them.
  await knex('scorecard_exemptions')
    .where('expires_at', '<=', new Date())
    .update({ expiry_handled_at: knex.ref('expires_at') });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('scorecard_exemptions', table => {
    table.dropColumn('expiry_handled_at');
    table.dropColumn('approved_by');
    table.dropColumn('request_id');
  });
  await knex.schema.dropTable('scorecard_exemption_requests');
};
