// @ts-check

/**
 * Columns that several migrations create alike. Not a migration itself: knex
 * takes only the files directly in migrations/ for migrations. What a helper
 * creates must never change, since databases keep the schema the migrations
 * that used it made; a column of another shape needs another helper.
 */

/** @typedef {import('knex').Knex.TableBuilder} TableBuilder */

/**
 * A timestamp with time zone, `name`: not null unless `options.nullable`.
 *
 * @param {TableBuilder} table
 * @param {string} name
 * @param {string} comment
 * @param {{ nullable?: boolean }} [options]
 */
exports.timestamp = (table, name, comment, options = {}) => {
  const column = table.timestamp(name, { useTz: true });
  return (options.nullable ? column.nullable() : column.notNullable()).comment(
    comment,
  );
};

/**
 * The row id `id` of a table of events.
 *
 * @param {TableBuilder} table
 */
exports.rowId = table => table.bigIncrements('id').comment('Row id');

/**
 * The not-null `entity_ref`: the entity a row is about.
 *
 * @param {TableBuilder} table
 */
const entityRef = table =>
  table
    .string('entity_ref')
    .notNullable()
    .comment('Full, lower-case entity ref');
exports.entityRef = entityRef;

/**
 * The not-null `entity_ref` and `scorecard_id` of a result, or of a row
 * about one.
 *
 * @param {TableBuilder} table
 */
exports.resultKey = table => {
  entityRef(table);
  table.string('scorecard_id').notNullable().comment('Scorecard definition id');
};

/**
 * The nullable `owner_ref` and `system_ref`: the entity's owner and system
 * when it was evaluated; `note` ends their comments (e.g. ', for rollups').
 *
 * @param {TableBuilder} table
 * @param {string} [note]
 */
exports.ownerAndSystem = (table, note = '') => {
  table
    .string('owner_ref')
    .nullable()
    .comment(`The entity's owner when evaluated${note}`);
  table
    .string('system_ref')
    .nullable()
    .comment(`The entity's system when evaluated${note}`);
};
