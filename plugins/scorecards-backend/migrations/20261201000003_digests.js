// @ts-check

const { timestamp } = require('./lib/columns');

/**
 * The weekly digest: one row per team and period, claimed by the replica
 * that sends it, so each team gets at most one digest per period however
 * many replicas run the task and however often it runs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('scorecard_digests', table => {
    table.comment('Weekly digests, one per team and period, claimed then sent');
    table
      .string('team_ref')
      .notNullable()
      .comment('Full, lower-case ref of the group the digest is for');
    table
      .string('period')
      .notNullable()
      .comment('The UTC ISO week it covers, e.g. 2026-W49');
    table
      .string('status')
      .notNullable()
      .comment(
        'sending (claimed; never sent again, even if the sender stopped), sent, or failed (the send threw; the next run may claim it again)',
      );
    timestamp(table, 'claimed_at', 'When a replica last claimed it');
    timestamp(table, 'sent_at', 'When it was sent; null until then', {
      nullable: true,
    });
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(1)
      .comment('How many times it was claimed');
    table
      .text('content')
      .nullable()
      .comment('JSON: the title and description sent; null until composed');
    table.primary(['team_ref', 'period']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('scorecard_digests');
};
