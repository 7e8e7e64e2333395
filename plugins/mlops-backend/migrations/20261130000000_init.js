// @ts-check

/**
 * Lineage notices: what an entity's owners told the teams downstream of it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('lineage_notices', table => {
    table.comment(
      'Notices sent about an entity to the teams owning what is downstream of it',
    );
    table.uuid('id').primary().comment('Notice id');
    table
      .string('entity_ref')
      .notNullable()
      .comment('Full, lower-case ref of the entity the notice is about');
    table
      .string('type')
      .notNullable()
      .comment('deprecation, personal-data, incident or other');
    table.text('message').nullable().comment('Free text from the sender');
    table
      .string('effective_date', 10)
      .nullable()
      .comment('YYYY-MM-DD from which a deprecation applies');
    table
      .string('sent_by')
      .notNullable()
      .comment('Entity ref of the user who sent it');
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .comment('When it was sent');
    table
      .text('recipients')
      .notNullable()
      .comment('JSON array of the owner refs notified, one notification each');
    table.index(['entity_ref', 'sent_at'], 'lineage_notices_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('lineage_notices');
};
