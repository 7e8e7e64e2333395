// @ts-check

const { timestamp, rowId } = require('./lib/columns');

/**
 * Campaigns created in the UI, who changed them, and their daily burn-up
 * points. Campaigns from app-config.yaml are not stored; their burn-up
 * points are, under their config id.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_campaigns', table => {
    table.comment(
      'Campaigns created in the UI: a target, a filter, a deadline',
    );
    table
      .string('id', 63)
      .primary()
      .comment('Stable id: lower-case letters, digits and dashes');
    table.text('title').notNullable().comment('Title shown to users');
    table.text('description').nullable().comment('Longer description');
    table
      .string('scorecard_id')
      .notNullable()
      .comment('The scorecard whose stored results decide progress');
    table
      .string('target_level')
      .nullable()
      .comment('Target level (that level or higher); null for a checks target');
    table
      .text('target_checks')
      .nullable()
      .comment(
        'JSON array of the check ids that must pass or be exempt; null for a level target',
      );
    table
      .text('filter')
      .notNullable()
      .comment('JSON catalog filter predicate: the entities it covers');
    timestamp(table, 'starts_at', 'When it starts');
    timestamp(table, 'deadline', 'When it ends');
    table
      .string('owner_ref')
      .notNullable()
      .comment('Full, lower-case ref of the group that runs it');
    table
      .string('created_by')
      .notNullable()
      .comment('User ref of who created it');
    timestamp(table, 'created_at', 'When it was created');
    timestamp(table, 'updated_at', 'When it was last changed');
    timestamp(
      table,
      'archived_at',
      'When it was archived; archived campaigns leave every list',
      { nullable: true },
    );
  });
  await knex.schema.createTable('scorecard_campaign_events', table => {
    table.comment('Who created, changed or archived a campaign, and when');
    rowId(table);
    table
      .string('campaign_id', 63)
      .notNullable()
      .comment('The campaign concerned');
    timestamp(table, 'at', 'When');
    table.string('actor').notNullable().comment('User ref of who did it');
    table
      .string('action')
      .notNullable()
      .comment('campaign.create, campaign.update or campaign.archive');
    table
      .text('details')
      .notNullable()
      .comment('JSON: the campaign after the change');
    table.index(
      ['campaign_id', 'id'],
      'scorecard_campaign_events_campaign_idx',
    );
  });
  await knex.schema.createTable('scorecard_campaign_snapshots', table => {
    table.comment('The progress of a campaign per UTC day, for the burn-up');
    table
      .string('campaign_id', 63)
      .notNullable()
      .comment('The campaign (a config campaign by its config id)');
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table
      .string('owner_ref')
      .notNullable()
      .comment(
        'Empty for the whole campaign, otherwise the direct owner of the entities counted',
      );
    table
      .integer('done')
      .notNullable()
      .comment('Covered entities with a result meeting the target');
    table
      .integer('total')
      .notNullable()
      .comment('Covered entities with a result');
    timestamp(table, 'computed_at', 'When the point was last computed');
    table.primary(['campaign_id', 'day', 'owner_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_campaign_snapshots');
  await knex.schema.dropTable('scorecard_campaign_events');
  await knex.schema.dropTable('scorecard_campaigns');
};
