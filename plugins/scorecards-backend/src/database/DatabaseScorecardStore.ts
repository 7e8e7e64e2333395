import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  CheckChange,
  CheckResult,
  CheckStatus,
  CheckTrendPoint,
  EntityScorecardResult,
  Exemption,
  ScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  HistoryPoint,
  ScorecardStore,
  StoredResult,
  SummaryFilter,
} from './ScorecardStore';
import { migratedClient, chunks, iso } from './knex';
import { exemptionRow, toExemption } from './exemptionRow';

const DAY_MS = 86_400_000;
/** SQL of the whole UTC days since the epoch of the time in `column`. */
const epochDaySql = (pg: boolean, column: 'evaluated_at' | 'changed_at') =>
  pg
    ? `CAST(${column} AT TIME ZONE 'UTC' AS DATE) - DATE '1970-01-01'`
    : // SQLite keeps timestamps as milliseconds since the epoch.
      `CAST(${column} / ${DAY_MS} AS INTEGER)`;
const key = (entityRef: string, scorecardId: string) =>
  `${entityRef}|${scorecardId}`;

type ResultRow = {
  entity_ref: string;
  scorecard_id: string;
  owner_ref?: string | null;
  system_ref?: string | null;
  level: string | null;
  score: number;
  checks: string;
  evaluated_at: Date | string;
  downstream?: number | null;
};

/**
 * The SHA-256 of text's UTF-8 bytes, hex, as PostgreSQL computes it with
 * `encode(sha256(convert_to(text, 'UTF8')), 'hex')` (also in FIPS mode,
 * where MD5 is refused, and whatever the database's encoding).
 */
const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

const toResult = (r: ResultRow): EntityScorecardResult => ({
  entityRef: r.entity_ref,
  scorecardId: r.scorecard_id,
  level: r.level,
  score: Number(r.score),
  checks: JSON.parse(r.checks),
  evaluatedAt: iso(r.evaluated_at),
});

/**
 * A stored result as {@link toResult} reads it, its checks parsed when first
 * read: the caller of saveResults looks at few of them.
 */
const previousOf = (r: ResultRow): EntityScorecardResult => {
  let checks: EntityScorecardResult['checks'] | undefined;
  return {
    entityRef: r.entity_ref,
    scorecardId: r.scorecard_id,
    level: r.level,
    score: Number(r.score),
    get checks() {
      checks ??= JSON.parse(r.checks) as EntityScorecardResult['checks'];
      return checks;
    },
    evaluatedAt: iso(r.evaluated_at),
  };
};

/**
 * PostgreSQL keeps scores as 4-byte floats: a score read back differs from the
 * one computed in its 8th digit, and is still the same score.
 */
const sameScore = (a: number, b: number) => Math.abs(a - b) < 1e-6;

/** A history row that ends a result's place in trends (see the migration). */
const removalRow = (r: ResultRow, at: Date) => ({
  entity_ref: r.entity_ref,
  scorecard_id: r.scorecard_id,
  owner_ref: r.owner_ref ?? null,
  system_ref: r.system_ref ?? null,
  level: r.level,
  score: Number(r.score),
  evaluated_at: at,
  removed: true,
});

/**
 * The check history rows a result saved over `before` (its stored result,
 * if any) adds: where a check's known status changed, or it had none
 * (`unknown` is never written: the check keeps its last known status, in
 * `last`); a removal row for each check that stops counting (no longer
 * graded); and when the result moved to another owner or system, a removal
 * row under the old ones for each check and a fresh row under the new ones,
 * as level and score history does.
 */
function checkHistoryRows(
  before: ResultRow | undefined,
  last: ReadonlyMap<string, string>,
  r: StoredResult,
): CheckHistoryRow[] {
  const at = new Date(r.evaluatedAt);
  const moved =
    before !== undefined &&
    ((before.owner_ref ?? null) !== (r.ownerRef ?? null) ||
      (before.system_ref ?? null) !== (r.systemRef ?? null));
  const now = new Map<string, CheckStatus>(
    r.checks.map(c => [c.checkId, c.status]),
  );
  const rows: CheckHistoryRow[] = [];
  for (const [checkId, status] of last)
    if (moved || !now.has(checkId))
      rows.push({
        entity_ref: r.entityRef,
        scorecard_id: r.scorecardId,
        check_id: checkId,
        owner_ref: before?.owner_ref ?? null,
        system_ref: before?.system_ref ?? null,
        status,
        changed_at: at,
        removed: true,
      });
  for (const [checkId, status] of now) {
    const known = status === 'unknown' ? last.get(checkId) : status;
    if (known && (moved || last.get(checkId) !== known))
      rows.push({
        entity_ref: r.entityRef,
        scorecard_id: r.scorecardId,
        check_id: checkId,
        owner_ref: r.ownerRef ?? null,
        system_ref: r.systemRef ?? null,
        status: known,
        changed_at: at,
        removed: false,
      });
  }
  return rows;
}

/** A row of `scorecard_check_history` as written. */
type CheckHistoryRow = {
  entity_ref: string;
  scorecard_id: string;
  check_id: string;
  owner_ref: string | null;
  system_ref: string | null;
  status: string;
  changed_at: Date;
  removed: boolean;
};

/**
 * Appends check history rows. On PostgreSQL one statement per 20,000 rows
 * over arrays (planned once, whatever the count: a first pass writes a row
 * per check of every result); on SQLite multi-row inserts of 500.
 */
async function insertCheckHistory(tx: Knex, rows: CheckHistoryRow[]) {
  if (tx.client.config.client !== 'pg') {
    for (const c of chunks(rows)) await tx('scorecard_check_history').insert(c);
    return;
  }
  for (let i = 0; i < rows.length; i += 20_000) {
    const slice = rows.slice(i, i + 20_000);
    await tx.raw(
      `INSERT INTO scorecard_check_history
         (entity_ref, scorecard_id, check_id, owner_ref, system_ref, status, changed_at, removed)
       SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::boolean[])`,
      [
        slice.map(r => r.entity_ref),
        slice.map(r => r.scorecard_id),
        slice.map(r => r.check_id),
        // null elements are SQL NULLs in the arrays.
        slice.map(r => r.owner_ref) as string[],
        slice.map(r => r.system_ref) as string[],
        slice.map(r => r.status),
        slice.map(r => r.changed_at),
        slice.map(r => r.removed),
      ],
    );
  }
}

/** The knex implementation of {@link ScorecardStore} (SQLite and PostgreSQL). */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseScorecardStore> {
    return new DatabaseScorecardStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  async saveResults(given: StoredResult[]) {
    // One result per entity and scorecard, the last given, as if saved one
    // after the other.
    const results = [
      ...new Map(given.map(r => [key(r.entityRef, r.scorecardId), r])).values(),
    ];
    const previous = new Map<string, EntityScorecardResult>();
    const pg = this.db.client.config.client === 'pg';
    await this.db.transaction(async tx => {
      for (const batch of chunks(results)) {
        // A result stored exactly as it is now but for when it was evaluated
        // (most of them, in a full pass) only gets its new time: its checks
        // are not parsed, written or counted again, and it has no history
        // to add. One stored otherwise, or written by someone else since it
        // was compared, is saved in full below, as any other.
        const checks = batch.map(r => JSON.stringify(r.checks));
        const previousRows = new Map<string, ResultRow>();
        const touched = new Set<number>();
        const reread = new Set<number>();
        const byTime = new Map<string, number[]>();
        batch.forEach((r, i) => {
          const same = byTime.get(r.evaluatedAt) ?? [];
          same.push(i);
          byTime.set(r.evaluatedAt, same);
        });
        if (pg) {
          // Compared and updated in one statement (arrays: planned at once,
          // however many rows), the checks by their SHA-256 and the score as the
          // 4-byte float PostgreSQL keeps, the rows locked while compared;
          // it hands back what each was.
          for (const [evaluatedAt, indices] of byTime) {
            const at = new Map<string, number[]>();
            for (const i of indices) {
              const k = key(batch[i].entityRef, batch[i].scorecardId);
              at.set(k, [...(at.get(k) ?? []), i]);
            }
            const col = (
              f: (r: StoredResult, i: number) => string | number | null,
            ) => indices.map(i => f(batch[i], i)) as Knex.Value;
            const { rows } = (await tx.raw(
              `WITH k AS (
                 SELECT * FROM unnest(?::text[], ?::text[], ?::text[],
                   ?::text[], ?::float8[], ?::text[], ?::text[], ?::integer[])
                 AS k(entity_ref, scorecard_id, checks_sha256, level, score,
                   owner_ref, system_ref, downstream)
               ), same AS (
                 SELECT r.entity_ref, r.scorecard_id, r.evaluated_at,
                   r.level, r.score
                 FROM scorecard_results AS r JOIN k
                   ON r.entity_ref = k.entity_ref
                   AND r.scorecard_id = k.scorecard_id
                 WHERE encode(sha256(convert_to(r.checks, 'UTF8')), 'hex')
                   = k.checks_sha256
                   AND r.level IS NOT DISTINCT FROM k.level
                   AND r.score = CAST(k.score AS real)
                   AND r.owner_ref IS NOT DISTINCT FROM k.owner_ref
                   AND r.system_ref IS NOT DISTINCT FROM k.system_ref
                   AND r.downstream IS NOT DISTINCT FROM k.downstream
                 FOR UPDATE OF r
               )
               UPDATE scorecard_results AS r SET evaluated_at = ?
               FROM same
               WHERE r.entity_ref = same.entity_ref
                 AND r.scorecard_id = same.scorecard_id
               RETURNING same.*`,
              [
                col(r => r.entityRef),
                col(r => r.scorecardId),
                col((_, i) => sha256(checks[i])),
                col(r => r.level),
                col(r => r.score),
                col(r => r.ownerRef ?? null),
                col(r => r.systemRef ?? null),
                col(r => r.downstream ?? null),
                new Date(evaluatedAt),
              ],
            )) as { rows: ResultRow[] };
            for (const row of rows) {
              const k = key(row.entity_ref, row.scorecard_id);
              for (const i of at.get(k) ?? []) touched.add(i);
              previousRows.set(k, row);
            }
          }
        } else {
          // By entity alone: a list of (entity, scorecard) pairs plans slowly.
          const keys = new Set(batch.map(r => key(r.entityRef, r.scorecardId)));
          const rows = (
            (await tx('scorecard_results')
              .whereIn('entity_ref', [...new Set(batch.map(r => r.entityRef))])
              .select()) as ResultRow[]
          ).filter(row => keys.has(key(row.entity_ref, row.scorecard_id)));
          for (const row of rows)
            previousRows.set(key(row.entity_ref, row.scorecard_id), row);
          for (const [evaluatedAt, indices] of byTime) {
            const same = indices.filter(i => {
              const r = batch[i];
              const before = previousRows.get(key(r.entityRef, r.scorecardId));
              return (
                before &&
                before.checks === checks[i] &&
                before.level === r.level &&
                Number(before.score) === r.score &&
                (before.owner_ref ?? null) === (r.ownerRef ?? null) &&
                (before.system_ref ?? null) === (r.systemRef ?? null) &&
                (before.downstream ?? null) === (r.downstream ?? null)
              );
            });
            if (!same.length) continue;
            // Named with the time read: one written since is saved in full.
            const updated = await tx('scorecard_results')
              .whereIn(
                ['entity_ref', 'scorecard_id', 'evaluated_at'],
                same.map(i => [
                  batch[i].entityRef,
                  batch[i].scorecardId,
                  previousRows.get(
                    key(batch[i].entityRef, batch[i].scorecardId),
                  )!.evaluated_at,
                ]),
              )
              .update({ evaluated_at: new Date(evaluatedAt) });
            if (updated === same.length) for (const i of same) touched.add(i);
            else for (const i of same) reread.add(i);
          }
        }
        // What will be written in full is compared with the result as it is
        // now: on PostgreSQL another evaluation may have written some since
        // they were read (an update above may have waited for it to commit),
        // so history, moves and the previous results handed back are read
        // again, locked (in key order) until this transaction ends. SQLite
        // runs one writer at a time: only a missed update is read again.
        if (pg) {
          for (let i = 0; i < batch.length; i++)
            if (!touched.has(i)) reread.add(i);
        }
        if (reread.size) {
          const again = new Set(
            [...reread].map(i => key(batch[i].entityRef, batch[i].scorecardId)),
          );
          for (const k of again) previousRows.delete(k);
          const query = tx('scorecard_results')
            .whereIn('entity_ref', [
              ...new Set([...reread].map(i => batch[i].entityRef)),
            ])
            .orderBy(['entity_ref', 'scorecard_id'])
            .select();
          for (const row of (await (pg
            ? query.forUpdate()
            : query)) as ResultRow[]) {
            const k = key(row.entity_ref, row.scorecard_id);
            if (again.has(k)) previousRows.set(k, row);
          }
        }
        // An unchanged result was as it is now, but for when.
        for (const i of touched) {
          const r = batch[i];
          const k = key(r.entityRef, r.scorecardId);
          const row = previousRows.get(k);
          if (!row) continue;
          previous.set(k, {
            entityRef: r.entityRef,
            scorecardId: r.scorecardId,
            level: row.level,
            score: Number(row.score),
            checks: r.checks,
            evaluatedAt: iso(row.evaluated_at),
          });
          previousRows.delete(k);
        }
        for (const [k, row] of previousRows) previous.set(k, previousOf(row));
        const rest = batch.filter((_, i) => !touched.has(i));
        const restChecks = checks.filter((_, i) => !touched.has(i));
        if (!rest.length) continue;

        await tx('scorecard_results')
          .insert(
            rest.map((r, i) => ({
              entity_ref: r.entityRef,
              scorecard_id: r.scorecardId,
              owner_ref: r.ownerRef ?? null,
              system_ref: r.systemRef ?? null,
              level: r.level,
              score: r.score,
              checks: restChecks[i],
              evaluated_at: new Date(r.evaluatedAt),
              downstream: r.downstream ?? null,
            })),
          )
          .onConflict(['entity_ref', 'scorecard_id'])
          .merge();

        for (const scorecardId of new Set(rest.map(r => r.scorecardId)))
          await tx('scorecard_failing_checks')
            .where('scorecard_id', scorecardId)
            .whereIn(
              'entity_ref',
              rest
                .filter(r => r.scorecardId === scorecardId)
                .map(r => r.entityRef),
            )
            .delete();
        const failing = rest.flatMap(r =>
          r.checks
            .filter(c => c.status === 'fail')
            .map(c => ({
              entity_ref: r.entityRef,
              scorecard_id: r.scorecardId,
              owner_ref: r.ownerRef ?? null,
              system_ref: r.systemRef ?? null,
              check_id: c.checkId,
              downstream: r.downstream ?? null,
            })),
        );
        for (const f of chunks(failing))
          await tx('scorecard_failing_checks').insert(f);

        // A result that moved to another owner or system leaves their trends
        // (a removal row under the old ones) and joins the new ones.
        const moved = rest.flatMap(r => {
          const before = previousRows.get(key(r.entityRef, r.scorecardId));
          return before &&
            ((before.owner_ref ?? null) !== (r.ownerRef ?? null) ||
              (before.system_ref ?? null) !== (r.systemRef ?? null))
            ? [removalRow(before, new Date(r.evaluatedAt))]
            : [];
        });
        if (moved.length) await tx('scorecard_history').insert(moved);
        const changed = rest.filter(r => {
          const before = previousRows.get(key(r.entityRef, r.scorecardId));
          return (
            !before ||
            before.level !== r.level ||
            !sameScore(Number(before.score), r.score) ||
            (before.owner_ref ?? null) !== (r.ownerRef ?? null) ||
            (before.system_ref ?? null) !== (r.systemRef ?? null)
          );
        });
        if (changed.length) {
          await tx('scorecard_history').insert(
            changed.map(r => ({
              entity_ref: r.entityRef,
              scorecard_id: r.scorecardId,
              owner_ref: r.ownerRef ?? null,
              system_ref: r.systemRef ?? null,
              level: r.level,
              score: r.score,
              evaluated_at: new Date(r.evaluatedAt),
            })),
          );
        }

        // Check history, against each check's last known status.
        const befores = rest.flatMap(r => {
          const before = previousRows.get(key(r.entityRef, r.scorecardId));
          return before ? [before] : [];
        });
        const known = await this.knownStatuses(tx, befores);
        const checkRows = rest.flatMap(r => {
          const k = key(r.entityRef, r.scorecardId);
          return checkHistoryRows(
            previousRows.get(k),
            known.get(k) ?? new Map(),
            r,
          );
        });
        await insertCheckHistory(tx, checkRows);
      }
    });
    return previous;
  }

  /**
   * The status that counts in check history of each check of these stored
   * results, by result key then check id: its status in the result, or for
   * an `unknown` one its last check history row's (none when that row ended
   * it). Checks with no known status are left out.
   */
  private async knownStatuses(tx: Knex, rows: ResultRow[]) {
    const out = new Map<string, Map<string, string>>();
    const unknown: Array<[string, string, string]> = [];
    for (const row of rows) {
      const statuses = new Map<string, string>();
      for (const c of JSON.parse(row.checks) as CheckResult[]) {
        if (c.status === 'unknown')
          unknown.push([row.entity_ref, row.scorecard_id, c.checkId]);
        else statuses.set(c.checkId, c.status);
      }
      out.set(key(row.entity_ref, row.scorecard_id), statuses);
    }
    // Rare: only while a fact provider fails.
    for (const batch of chunks(unknown)) {
      const history: Array<{
        entity_ref: string;
        scorecard_id: string;
        check_id: string;
        status: string;
        removed: boolean | number;
      }> = await tx('scorecard_check_history')
        .whereIn(['entity_ref', 'scorecard_id', 'check_id'], batch)
        .select('entity_ref', 'scorecard_id', 'check_id', 'status', 'removed')
        .orderBy([{ column: 'changed_at' }, { column: 'id' }]);
      const lastRow = new Map(
        history.map(h => [
          JSON.stringify([h.entity_ref, h.scorecard_id, h.check_id]),
          h,
        ]),
      );
      for (const [entityRef, scorecardId, checkId] of batch) {
        const h = lastRow.get(
          JSON.stringify([entityRef, scorecardId, checkId]),
        );
        if (h && !h.removed)
          out.get(key(entityRef, scorecardId))!.set(checkId, h.status);
      }
    }
    return out;
  }

  async removeStale(options: {
    present: ReadonlySet<string>;
    graded: ReadonlyMap<string, ReadonlySet<string>>;
    scorecardIds: ReadonlySet<string>;
    before: Date;
  }) {
    const { present, graded, scorecardIds, before } = options;
    // Every entity the store holds something of from before the pass, as
    // refs only (one row per entity, not one per result): an incremental
    // pass grades few entities, and the others' results are all older.
    // Flagged when it has results from before: only those can be stale. (A
    // full pass keeps the time of versions that did not change, see
    // saveEntityVersions, so most entities it graded are known here by
    // their version alone.)
    const knownRows: Array<{ entity_ref: string; results: number | string }> =
      await this.db
        .from(
          this.db
            .select('entity_ref', this.db.raw('1 as results'))
            .from('scorecard_results')
            .where('evaluated_at', '<', before)
            .unionAll(q =>
              q
                .select('entity_ref', this.db.raw('0 as results'))
                .from('scorecard_entity_versions')
                .where('seen_at', '<', before),
            )
            .as('known'),
        )
        .select('entity_ref')
        .max({ results: 'results' })
        .groupBy('entity_ref');
    const gone = knownRows
      .map(r => r.entity_ref)
      .filter(ref => !present.has(ref));
    // Then only the results that may be stale: of entities gone, of entities
    // graded in this pass, and of scorecards no longer configured.
    const keyColumns = ['entity_ref', 'scorecard_id'];
    const candidates: Array<{ entity_ref: string; scorecard_id: string }> = [];
    for (const batch of chunks([
      ...new Set([
        ...gone,
        ...knownRows
          .filter(r => Number(r.results) > 0 && graded.has(r.entity_ref))
          .map(r => r.entity_ref),
      ]),
    ])) {
      candidates.push(
        ...(await this.db('scorecard_results')
          .whereIn('entity_ref', batch)
          .andWhere('evaluated_at', '<', before)
          .select(keyColumns)),
      );
    }
    candidates.push(
      ...(await this.db('scorecard_results')
        .whereNotIn('scorecard_id', [...scorecardIds])
        .andWhere('evaluated_at', '<', before)
        .select(keyColumns)),
    );
    const isStale = (r: { entity_ref: string; scorecard_id: string }) =>
      !present.has(r.entity_ref) ||
      !scorecardIds.has(r.scorecard_id) ||
      graded.get(r.entity_ref)?.has(r.scorecard_id) === false;
    const stale = [
      ...new Map(
        candidates
          .filter(isStale)
          .map(r => [key(r.entity_ref, r.scorecard_id), r]),
      ).values(),
    ];
    let removed = 0;
    for (const batch of chunks(stale)) {
      const keys = batch.map(r => [r.entity_ref, r.scorecard_id]);
      removed += await this.db.transaction(async tx => {
        // Read again, and lock what was read: a result written since (by a
        // concurrent evaluation) stays, and one being written waits until
        // this ends, then writes its result anew. (SQLite runs one writer at
        // a time and needs no lock.)
        const rows: ResultRow[] = await tx('scorecard_results')
          .whereIn(['entity_ref', 'scorecard_id'], keys)
          .andWhere('evaluated_at', '<', before)
          .select()
          .forUpdate();
        if (!rows.length) return 0;
        const ending = rows.map(r => [r.entity_ref, r.scorecard_id]);
        // The deletes repeat the condition: only what is still stale goes.
        await tx('scorecard_failing_checks')
          .whereIn(['entity_ref', 'scorecard_id'], ending)
          .whereExists(
            tx('scorecard_results')
              .where(
                'scorecard_results.entity_ref',
                tx.ref('scorecard_failing_checks.entity_ref'),
              )
              .andWhere(
                'scorecard_results.scorecard_id',
                tx.ref('scorecard_failing_checks.scorecard_id'),
              )
              .andWhere('scorecard_results.evaluated_at', '<', before)
              .select(tx.raw('1')),
          )
          .delete();
        await tx('scorecard_results')
          .whereIn(['entity_ref', 'scorecard_id'], ending)
          .andWhere('evaluated_at', '<', before)
          .delete();
        await tx('scorecard_history').insert(
          rows.map(r => removalRow(r, before)),
        );
        const statuses = await this.knownStatuses(tx, rows);
        const checkRows = rows.flatMap(r =>
          [...statuses.get(key(r.entity_ref, r.scorecard_id))!].map(
            ([checkId, status]) => ({
              entity_ref: r.entity_ref,
              scorecard_id: r.scorecard_id,
              check_id: checkId,
              owner_ref: r.owner_ref ?? null,
              system_ref: r.system_ref ?? null,
              status,
              changed_at: before,
              removed: true,
            }),
          ),
        );
        await insertCheckHistory(tx, checkRows);
        return rows.length;
      });
    }
    for (const batch of chunks(gone)) {
      await this.db('scorecard_entity_versions')
        .whereIn('entity_ref', batch)
        .andWhere('seen_at', '<', before)
        .delete();
    }
    return removed;
  }

  async entityVersions() {
    const rows: Array<{ entity_ref: string; etag: string }> = await this.db(
      'scorecard_entity_versions',
    ).select('entity_ref', 'etag');
    return new Map(rows.map(r => [r.entity_ref, r.etag]));
  }

  async saveEntityVersions(
    versions: Array<{ entityRef: string; etag: string }>,
    seenAt: Date,
    options?: { onlyChanged?: boolean },
  ) {
    const onlyChanged = options?.onlyChanged ?? false;
    const unique = [...new Map(versions.map(v => [v.entityRef, v])).values()];
    if (this.db.client.config.client === 'pg') {
      // Two arrays: planned at once, however many rows (a full pass saves
      // every entity's). Unchanged versions are neither written nor locked.
      for (const batch of chunks(unique)) {
        await this.db.raw(
          `INSERT INTO scorecard_entity_versions (entity_ref, etag, seen_at)
           SELECT k.entity_ref, k.etag, ? FROM unnest(?::text[], ?::text[])
             AS k(entity_ref, etag)
           ${
             onlyChanged
               ? `WHERE NOT EXISTS (SELECT 1 FROM scorecard_entity_versions v
                    WHERE v.entity_ref = k.entity_ref AND v.etag = k.etag)`
               : ''
           }
           ON CONFLICT (entity_ref)
           DO UPDATE SET etag = excluded.etag, seen_at = excluded.seen_at
           ${
             onlyChanged
               ? 'WHERE scorecard_entity_versions.etag <> excluded.etag'
               : ''
           }`,
          [seenAt, batch.map(v => v.entityRef), batch.map(v => v.etag)],
        );
      }
      return;
    }
    for (const batch of chunks(unique)) {
      const upsert = this.db('scorecard_entity_versions')
        .insert(
          batch.map(v => ({
            entity_ref: v.entityRef,
            etag: v.etag,
            seen_at: seenAt,
          })),
        )
        .onConflict('entity_ref')
        .merge();
      await (onlyChanged
        ? upsert.whereRaw('scorecard_entity_versions.etag <> excluded.etag')
        : upsert);
    }
  }

  async getResults(entityRefs: string[]) {
    const out: EntityScorecardResult[] = [];
    for (const batch of chunks(entityRefs)) {
      const rows: ResultRow[] = await this.db('scorecard_results')
        .whereIn('entity_ref', batch)
        .orderBy('scorecard_id');
      out.push(...rows.map(toResult));
    }
    return out;
  }

  async findResults(filter: SummaryFilter, limit: number) {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const rows: ResultRow[] = await this.applyFilter(
      this.db('scorecard_results')
        .select()
        .orderBy([{ column: 'score', order: 'asc' }, { column: 'entity_ref' }])
        .limit(limit),
      filter,
    );
    return rows.map(toResult);
  }

  private applyFilter(q: Knex.QueryBuilder, filter: SummaryFilter) {
    if (filter.ownerRefs) q.whereIn('owner_ref', filter.ownerRefs);
    if (filter.systemRef) q.where('system_ref', filter.systemRef);
    if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    return q;
  }

  async summarize(filter: SummaryFilter): Promise<ScorecardSummary[]> {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const levelRows: Array<{
      scorecard_id: string;
      level: string | null;
      n: number | string;
      total: number | string;
    }> = await this.applyFilter(
      this.db('scorecard_results')
        .select('scorecard_id', 'level')
        .count({ n: '*' })
        .sum({ total: 'score' })
        .groupBy('scorecard_id', 'level'),
      filter,
    );
    const failingRows: Array<{
      scorecard_id: string;
      check_id: string;
      n: number | string;
      downstream: number | string | null;
    }> = await this.applyFilter(
      this.db('scorecard_failing_checks')
        .select('scorecard_id', 'check_id')
        .count({ n: '*' })
        .sum({ downstream: 'downstream' })
        .groupBy('scorecard_id', 'check_id'),
      filter,
    );
    const byScorecard = new Map<string, ScorecardSummary & { total: number }>();
    for (const r of levelRows) {
      const s = byScorecard.get(r.scorecard_id) ?? {
        scorecardId: r.scorecard_id,
        entities: 0,
        levels: {},
        score: 0,
        topFailingChecks: [],
        total: 0,
      };
      s.entities += Number(r.n);
      s.total += Number(r.total);
      s.levels[r.level ?? 'none'] = Number(r.n);
      byScorecard.set(r.scorecard_id, s);
    }
    for (const r of failingRows) {
      const failing = Number(r.n);
      byScorecard.get(r.scorecard_id)?.topFailingChecks.push({
        checkId: r.check_id,
        failing,
        affects: failing + Number(r.downstream ?? 0),
      });
    }
    return [...byScorecard.values()]
      .map(({ total, ...s }) => ({
        ...s,
        score: s.entities ? total / s.entities : 0,
        topFailingChecks: s.topFailingChecks
          // What affects the most entities first, then what fails most.
          .sort(
            (a, b) =>
              b.affects! - a.affects! ||
              b.failing - a.failing ||
              a.checkId.localeCompare(b.checkId),
          )
          .slice(0, 10),
      }))
      .sort((a, b) => a.scorecardId.localeCompare(b.scorecardId));
  }

  async failingEntities(
    filter: SummaryFilter,
    checks: Array<{ scorecardId: string; checkId: string }>,
    limit: number,
  ) {
    const found = new Map<string, string[]>();
    const checkKey = (scorecardId: string, checkId: string) =>
      JSON.stringify([scorecardId, checkId]);
    if (
      checks.length &&
      filter.entityRefs?.length !== 0 &&
      filter.ownerRefs?.length !== 0
    ) {
      // The first `limit` rows of each check, numbered in the database.
      const ranked = this.applyFilter(
        this.db('scorecard_failing_checks')
          .select(
            'scorecard_id',
            'check_id',
            'entity_ref',
            this.db.raw(
              'row_number() over (partition by scorecard_id, check_id order by coalesce(downstream, 0) desc, entity_ref) as place',
            ),
          )
          .whereIn(
            ['scorecard_id', 'check_id'],
            checks.map(c => [c.scorecardId, c.checkId]),
          ),
        filter,
      );
      const rows: Array<{
        scorecard_id: string;
        check_id: string;
        entity_ref: string;
      }> = await this.db
        .from(ranked.as('ranked'))
        .select('scorecard_id', 'check_id', 'entity_ref')
        .where('place', '<=', limit)
        .orderBy(['scorecard_id', 'check_id', 'place']);
      for (const r of rows) {
        const k = checkKey(r.scorecard_id, r.check_id);
        found.set(k, [...(found.get(k) ?? []), r.entity_ref]);
      }
    }
    return checks.map(({ scorecardId, checkId }) => ({
      scorecardId,
      checkId,
      entityRefs: found.get(checkKey(scorecardId, checkId)) ?? [],
    }));
  }

  /**
   * Each entity's last score of each day, carried forward until it changes or
   * its result is removed, from before the window too (history has a row only
   * when a score changes); the mean per scorecard for the window's first day
   * and each day on which the matching history has any row. Computed in the
   * database, which sends back one row per day and scorecard: each entity's
   * last row of a day adds the change of its score (and of the number of
   * entities present) to that day, and running sums over the days give each
   * day's total and count.
   *
   * One ordered pass over the matching history (the order of the
   * `scorecard_history_trend_idx` index) does it: rows before the window
   * count on its first day, where the last of them carries the entity's
   * score in (or nothing, if it ended the result). PostgreSQL sums exact
   * numerics, so each row adds its own change (the changes of a day's rows
   * add up to its last row's); SQLite sums floating-point numbers, so only
   * each day's last row adds its change, and trends stay the same to the
   * last digit however many rows history keeps. Days are whole UTC days
   * since the epoch, formatted only for the rows sent back.
   */
  async trend(filter: SummaryFilter, since: Date) {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const pg = this.db.client.config.client === 'pg';
    const sinceDay = Math.floor(since.getTime() / DAY_MS);
    const day = epochDaySql(pg, 'evaluated_at');
    // PostgreSQL keeps scores as 4-byte floats: as numeric they keep the
    // value written (0.2, not 0.2000000029…), and sums stay exact.
    const score = pg ? 'CAST(score AS NUMERIC)' : 'score';
    // SQLite divides integers as integers.
    const mean = pg ? 'total / n' : 'total * 1.0 / n';
    const byEntity =
      'PARTITION BY scorecard_id, entity_ref ORDER BY evaluated_at, id';
    // Each entity's change of total score and of count from its row before,
    // over the history rows `from` names.
    const changesOf = (from: string) =>
      `SELECT scorecard_id, day,
        value - COALESCE(LAG(value) OVER (${byEntity}), 0) AS d_total,
        present - COALESCE(LAG(present) OVER (${byEntity}), 0) AS d_count
      FROM (
        SELECT scorecard_id, entity_ref, evaluated_at, id, day,
          CASE WHEN removed THEN 0 ELSE 1 END AS present,
          CASE WHEN removed THEN 0 ELSE ${score} END AS value
        FROM ${from}
      ) AS scored`;
    const history = this.applyFilter(
      this.db('scorecard_history').select(
        'scorecard_id',
        'entity_ref',
        'evaluated_at',
        'id',
        'removed',
        'score',
        this.db.raw(
          `CASE WHEN evaluated_at < ? THEN ${sinceDay} ELSE ${day} END AS day`,
          [since],
        ),
      ),
      filter,
    );
    const rows: Array<{
      day: number | string;
      scorecard_id: string;
      score: number | string;
    }> = await this.db
      .with(
        'changes',
        this.db.raw(
          pg
            ? // Exact sums: the changes of every row of a day add up to the
              // change of its last one.
              changesOf(`(?) AS history`)
            : // Floating-point sums: only the change of each day's last row.
              changesOf(`(
                  SELECT scorecard_id, entity_ref, evaluated_at, id, day, removed, score,
                    LEAD(day) OVER (${byEntity}) AS next_day
                  FROM (?) AS history
                ) AS marked
                WHERE next_day IS NULL OR next_day <> day`),
          [history],
        ),
      )
      .with(
        'per_day',
        this.db.raw(`
          SELECT scorecard_id, day, SUM(d_total) AS d_total, SUM(d_count) AS d_count
          FROM changes
          GROUP BY scorecard_id, day`),
      )
      .with(
        'running',
        this.db.raw(`
          SELECT s.scorecard_id, d.day,
            SUM(COALESCE(p.d_total, 0)) OVER w AS total,
            SUM(COALESCE(p.d_count, 0)) OVER w AS n
          FROM (SELECT DISTINCT scorecard_id FROM per_day) s
          CROSS JOIN (SELECT DISTINCT day FROM per_day) d
          LEFT JOIN per_day p
            ON p.scorecard_id = s.scorecard_id AND p.day = d.day
          WINDOW w AS (PARTITION BY s.scorecard_id ORDER BY d.day)`),
      )
      .select('day', 'scorecard_id', this.db.raw(`${mean} AS score`))
      .from('running')
      .where('n', '>', 0);
    // In code-point order, whatever the database's collation.
    const byDayAndScorecard = (
      a: { day: number; scorecardId: string },
      b: { day: number; scorecardId: string },
    ) => {
      if (a.day !== b.day) return a.day - b.day;
      return a.scorecardId < b.scorecardId ? -1 : 1;
    };
    return rows
      .map(r => ({
        day: Number(r.day),
        scorecardId: r.scorecard_id,
        score: Number(r.score),
      }))
      .sort(byDayAndScorecard)
      .map(p => ({
        day: new Date(p.day * DAY_MS).toISOString().slice(0, 10),
        scorecardId: p.scorecardId,
        score: p.score,
      }));
  }

  /**
   * As {@link DatabaseScorecardStore.trend}, over one check's history: each
   * entity's last status of a day, carried forward until it changes or ends,
   * counts 1 passing when `pass` or `exempt`, and 1 applicable unless `na`
   * or removed. Each row adds its change of both to its day (the changes of
   * a day's rows add up to its last row's: the sums are of integers, exact
   * on both databases), and running sums over the days give each day's
   * passing and applicable entities.
   */
  async checkTrend(
    filter: SummaryFilter,
    scorecardId: string,
    checkId: string,
    since: Date,
  ): Promise<CheckTrendPoint[]> {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const pg = this.db.client.config.client === 'pg';
    const sinceDay = Math.floor(since.getTime() / DAY_MS);
    const day = epochDaySql(pg, 'changed_at');
    const history = this.applyFilter(
      this.db('scorecard_check_history')
        .where({ scorecard_id: scorecardId, check_id: checkId })
        .select(
          'entity_ref',
          'changed_at',
          'id',
          this.db.raw(
            "CASE WHEN removed OR status = 'na' THEN 0 ELSE 1 END AS present",
          ),
          this.db.raw(
            "CASE WHEN NOT removed AND status IN ('pass', 'exempt') THEN 1 ELSE 0 END AS passing",
          ),
          this.db.raw(
            `CASE WHEN changed_at < ? THEN ${sinceDay} ELSE ${day} END AS day`,
            [since],
          ),
        ),
      filter,
    );
    const byEntity = 'PARTITION BY entity_ref ORDER BY changed_at, id';
    const rows: Array<{
      day: number | string;
      passing: number | string;
      n: number | string;
    }> = await this.db
      .with(
        'changes',
        this.db.raw(
          `SELECT day,
            passing - COALESCE(LAG(passing) OVER (${byEntity}), 0) AS d_passing,
            present - COALESCE(LAG(present) OVER (${byEntity}), 0) AS d_count
          FROM (?) AS history`,
          [history],
        ),
      )
      .with(
        'per_day',
        this.db.raw(`
          SELECT day, SUM(d_passing) AS d_passing, SUM(d_count) AS d_count
          FROM changes
          GROUP BY day`),
      )
      .with(
        'running',
        this.db.raw(`
          SELECT day,
            SUM(d_passing) OVER (ORDER BY day) AS passing,
            SUM(d_count) OVER (ORDER BY day) AS n
          FROM per_day`),
      )
      .select('day', 'passing', 'n')
      .from('running')
      .where('n', '>', 0)
      .orderBy('day');
    return rows.map(r => ({
      day: new Date(Number(r.day) * DAY_MS).toISOString().slice(0, 10),
      passRate: Number(r.passing) / Number(r.n),
      entities: Number(r.n),
    }));
  }

  /**
   * From each check's history rows in time order: the last one, unless it
   * ended the check, and the first of the run of rows with its status that
   * ends there; a move to another owner or system (a removal row and a fresh
   * row at the same moment) does not break a run.
   */
  async checkChanges(entityRef: string): Promise<CheckChange[]> {
    const rows: Array<{
      scorecard_id: string;
      check_id: string;
      status: CheckStatus;
      removed: boolean | number;
      backfilled: boolean | number;
      changed_at: Date | string | number;
    }> = await this.db('scorecard_check_history')
      .where('entity_ref', entityRef)
      .select(
        'scorecard_id',
        'check_id',
        'status',
        'removed',
        'backfilled',
        'changed_at',
      )
      .orderBy([{ column: 'changed_at' }, { column: 'id' }]);
    const byCheck = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = JSON.stringify([r.scorecard_id, r.check_id]);
      byCheck.set(k, [...(byCheck.get(k) ?? []), r]);
    }
    const time = (r: (typeof rows)[number]) => new Date(r.changed_at).getTime();
    const changes: CheckChange[] = [];
    for (const list of byCheck.values()) {
      const last = list[list.length - 1];
      if (last.removed) continue;
      let since = last;
      for (let i = list.length - 2; i >= 0; i--) {
        const r = list[i];
        if (r.removed) {
          if (time(r) === time(list[i + 1])) continue;
          break;
        }
        if (r.status !== last.status) break;
        since = r;
      }
      changes.push({
        scorecardId: last.scorecard_id,
        checkId: last.check_id,
        status: last.status,
        since: new Date(time(since)).toISOString(),
        // Copied by the migration from the latest result: the status may
        // be older than the history.
        ...(since.backfilled ? { sinceHistoryStart: true } : {}),
      });
    }
    // In code-point order, whatever the database's collation.
    const cmp = (a: string, b: string) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    };
    return changes.sort(
      (a, b) => cmp(a.scorecardId, b.scorecardId) || cmp(a.checkId, b.checkId),
    );
  }

  async entityHistory(entityRef: string, since: Date): Promise<HistoryPoint[]> {
    const rows = await this.db('scorecard_history')
      .where('entity_ref', entityRef)
      .andWhere('evaluated_at', '>=', since)
      .andWhere('removed', false)
      .orderBy([{ column: 'evaluated_at' }, { column: 'id' }]);
    return rows.map((r: any) => ({
      scorecardId: r.scorecard_id,
      entityRef: r.entity_ref,
      level: r.level,
      score: Number(r.score),
      evaluatedAt: iso(r.evaluated_at),
    }));
  }

  /**
   * Keeps each result's last row before `before` unless it ended the result:
   * it holds the score trends carry from then on (under any filter, as an
   * owner or system change ends the old one's rows with a removal row).
   */
  async deleteHistoryBefore(before: Date) {
    // The same rule per check: each one's last row before the cut stays.
    await this.deleteSeriesBefore(
      'scorecard_check_history',
      'changed_at',
      'scorecard_id, check_id, entity_ref',
      before,
    );
    return this.deleteSeriesBefore(
      'scorecard_history',
      'evaluated_at',
      'scorecard_id, entity_ref',
      before,
    );
  }

  /**
   * Deletes the rows of a history table dated before `before` except each
   * series' last one (a series: the rows of one `partition`), unless that
   * one is a removal row.
   */
  private deleteSeriesBefore(
    table: 'scorecard_history' | 'scorecard_check_history',
    timeColumn: 'evaluated_at' | 'changed_at',
    partition: string,
    before: Date,
  ) {
    const lastRows = this.db
      .from(
        this.db(table)
          .where(timeColumn, '<', before)
          .select(
            'id',
            'removed',
            this.db.raw(`ROW_NUMBER() OVER (
              PARTITION BY ${partition}
              ORDER BY ${timeColumn} DESC, id DESC
            ) AS rn`),
          )
          .as('before_cut'),
      )
      .where('rn', 1)
      .andWhere('removed', false)
      .select('id');
    return this.db(table)
      .where(timeColumn, '<', before)
      .whereNotIn('id', lastRows)
      .delete();
  }

  async activeExemptions(entityRefs: string[], now: Date) {
    const out = new Map<string, Exemption[]>();
    for (const batch of chunks(entityRefs)) {
      const rows = await this.db('scorecard_exemptions')
        .whereIn('entity_ref', batch)
        .andWhere('expires_at', '>', now);
      for (const r of rows.map(toExemption)) {
        out.set(r.entityRef, [...(out.get(r.entityRef) ?? []), r]);
      }
    }
    return out;
  }

  async listExemptions(entityRef: string) {
    const rows = await this.db('scorecard_exemptions')
      .where('entity_ref', entityRef)
      .orderBy('created_at', 'desc');
    return rows.map(toExemption);
  }

  async getExemption(id: string) {
    const row = await this.db('scorecard_exemptions').where('id', id).first();
    return row ? toExemption(row) : undefined;
  }

  async createExemption(e: Omit<Exemption, 'id' | 'createdAt'>, now: Date) {
    const exemption: Exemption = {
      ...e,
      id: randomUUID(),
      createdAt: now.toISOString(),
    };
    await this.db.transaction(async tx => {
      await tx('scorecard_exemptions').insert(exemptionRow(exemption));
      await tx('scorecard_audit').insert({
        at: now,
        actor: exemption.author,
        action: 'exemption.create',
        entity_ref: exemption.entityRef,
        check_id: exemption.checkId,
        details: JSON.stringify(exemption),
      });
    });
    return exemption;
  }

  async revokeExemption(id: string, actor: string, now: Date) {
    return this.db.transaction(async tx => {
      const row = await tx('scorecard_exemptions').where('id', id).first();
      if (!row) return undefined;
      const exemption = toExemption(row);
      await tx('scorecard_exemptions').where('id', id).delete();
      await tx('scorecard_audit').insert({
        at: now,
        actor,
        action: 'exemption.revoke',
        entity_ref: exemption.entityRef,
        check_id: exemption.checkId,
        details: JSON.stringify(exemption),
      });
      return exemption;
    });
  }

  async auditTrail(entityRef: string) {
    const rows = await this.db('scorecard_audit')
      .where('entity_ref', entityRef)
      .orderBy('id');
    return rows.map((r: any) => ({
      at: iso(r.at),
      actor: r.actor,
      action: r.action,
      checkId: r.check_id,
      details: JSON.parse(r.details),
    }));
  }

  async forgetEntityVersions(entityRefs: string[]) {
    for (const batch of chunks([...new Set(entityRefs)])) {
      await this.db('scorecard_entity_versions')
        .whereIn('entity_ref', batch)
        .delete();
    }
  }

  async entityVersionsSeenSince(entityRefs: string[], since: Date) {
    const seen = new Set<string>();
    for (const batch of chunks([...new Set(entityRefs)])) {
      const rows: Array<{ entity_ref: string }> = await this.db(
        'scorecard_entity_versions',
      )
        .whereIn('entity_ref', batch)
        .andWhere('seen_at', '>=', since)
        .select('entity_ref');
      for (const r of rows) seen.add(r.entity_ref);
    }
    return seen;
  }

  async lastFullPass() {
    const row = await this.db('scorecard_passes')
      .where('pass', 'full')
      .first('started_at');
    return row ? new Date(iso(row.started_at)) : undefined;
  }

  async saveFullPass(startedAt: Date, completedAt: Date) {
    await this.db('scorecard_passes')
      .insert({
        pass: 'full',
        started_at: startedAt,
        completed_at: completedAt,
      })
      .onConflict('pass')
      .merge();
  }
}
