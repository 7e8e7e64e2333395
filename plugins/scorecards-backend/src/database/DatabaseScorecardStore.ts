import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
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

const migrationsDir = resolvePackagePath(
  '@convergence/backstage-plugin-scorecards-backend',
  'migrations',
);

/** SQLite allows ~32k bound variables per statement; stay well below. */
const CHUNK = 500;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) =>
    xs.slice(i * CHUNK, (i + 1) * CHUNK),
  );

const iso = (v: Date | string) =>
  (v instanceof Date ? v : new Date(v)).toISOString();
const key = (entityRef: string, scorecardId: string) =>
  `${entityRef}|${scorecardId}`;

type ResultRow = {
  entity_ref: string;
  scorecard_id: string;
  level: string | null;
  score: number;
  checks: string;
  evaluated_at: Date | string;
};

const toResult = (r: ResultRow): EntityScorecardResult => ({
  entityRef: r.entity_ref,
  scorecardId: r.scorecard_id,
  level: r.level,
  score: Number(r.score),
  checks: JSON.parse(r.checks),
  evaluatedAt: iso(r.evaluated_at),
});

const toExemption = (r: any): Exemption => ({
  id: r.id,
  entityRef: r.entity_ref,
  checkId: r.check_id,
  reason: r.reason,
  author: r.author,
  expiresAt: iso(r.expires_at),
  createdAt: iso(r.created_at),
});

/** The knex implementation of {@link ScorecardStore} (SQLite and PostgreSQL). */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseScorecardStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseScorecardStore(knex);
  }

  private constructor(private readonly db: Knex) {}

  async saveResults(results: StoredResult[]) {
    const previous = new Map<string, EntityScorecardResult>();
    await this.db.transaction(async tx => {
      for (const batch of chunks(results)) {
        const rows: ResultRow[] = await tx('scorecard_results')
          .whereIn(
            ['entity_ref', 'scorecard_id'],
            batch.map(r => [r.entityRef, r.scorecardId]),
          )
          .select();
        for (const row of rows)
          previous.set(key(row.entity_ref, row.scorecard_id), toResult(row));

        await tx('scorecard_results')
          .insert(
            batch.map(r => ({
              entity_ref: r.entityRef,
              scorecard_id: r.scorecardId,
              owner_ref: r.ownerRef ?? null,
              system_ref: r.systemRef ?? null,
              level: r.level,
              score: r.score,
              checks: JSON.stringify(r.checks),
              evaluated_at: new Date(r.evaluatedAt),
            })),
          )
          .onConflict(['entity_ref', 'scorecard_id'])
          .merge();

        await tx('scorecard_failing_checks')
          .whereIn(
            ['entity_ref', 'scorecard_id'],
            batch.map(r => [r.entityRef, r.scorecardId]),
          )
          .delete();
        const failing = batch.flatMap(r =>
          r.checks
            .filter(c => c.status === 'fail')
            .map(c => ({
              entity_ref: r.entityRef,
              scorecard_id: r.scorecardId,
              owner_ref: r.ownerRef ?? null,
              system_ref: r.systemRef ?? null,
              check_id: c.checkId,
            })),
        );
        for (const f of chunks(failing))
          await tx('scorecard_failing_checks').insert(f);

        const changed = batch.filter(r => {
          const before = previous.get(key(r.entityRef, r.scorecardId));
          return (
            !before || before.level !== r.level || before.score !== r.score
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
      }
    });
    return previous;
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
    }> = await this.applyFilter(
      this.db('scorecard_failing_checks')
        .select('scorecard_id', 'check_id')
        .count({ n: '*' })
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
      byScorecard
        .get(r.scorecard_id)
        ?.topFailingChecks.push({ checkId: r.check_id, failing: Number(r.n) });
    }
    return [...byScorecard.values()]
      .map(({ total, ...s }) => ({
        ...s,
        score: s.entities ? total / s.entities : 0,
        topFailingChecks: s.topFailingChecks
          .sort(
            (a, b) =>
              b.failing - a.failing || a.checkId.localeCompare(b.checkId),
          )
          .slice(0, 10),
      }))
      .sort((a, b) => a.scorecardId.localeCompare(b.scorecardId));
  }

  async trend(filter: SummaryFilter, since: Date) {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const q = this.db('scorecard_history')
      .where('evaluated_at', '>=', since)
      .select('scorecard_id', 'entity_ref', 'score', 'evaluated_at')
      .orderBy('evaluated_at');
    this.applyFilter(q, filter);
    const rows: Array<{
      scorecard_id: string;
      entity_ref: string;
      score: number;
      evaluated_at: Date | string;
    }> = await q;
    // The score of each entity at the end of each day, carried forward; the mean per day.
    const days = [
      ...new Set(rows.map(r => iso(r.evaluated_at).slice(0, 10))),
    ].sort();
    const latest = new Map<string, Map<string, number>>();
    const out: Array<{ day: string; scorecardId: string; score: number }> = [];
    let i = 0;
    for (const day of days) {
      for (
        ;
        i < rows.length && iso(rows[i].evaluated_at).slice(0, 10) <= day;
        i++
      ) {
        const r = rows[i];
        if (!latest.has(r.scorecard_id)) latest.set(r.scorecard_id, new Map());
        latest.get(r.scorecard_id)!.set(r.entity_ref, Number(r.score));
      }
      for (const [scorecardId, scores] of latest) {
        const values = [...scores.values()];
        out.push({
          day,
          scorecardId,
          score: values.reduce((a, b) => a + b, 0) / values.length,
        });
      }
    }
    return out;
  }

  async entityHistory(entityRef: string, since: Date): Promise<HistoryPoint[]> {
    const rows = await this.db('scorecard_history')
      .where('entity_ref', entityRef)
      .andWhere('evaluated_at', '>=', since)
      .orderBy('evaluated_at');
    return rows.map((r: any) => ({
      scorecardId: r.scorecard_id,
      entityRef: r.entity_ref,
      level: r.level,
      score: Number(r.score),
      evaluatedAt: iso(r.evaluated_at),
    }));
  }

  async deleteHistoryBefore(before: Date) {
    return this.db('scorecard_history')
      .where('evaluated_at', '<', before)
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
      await tx('scorecard_exemptions').insert({
        id: exemption.id,
        entity_ref: exemption.entityRef,
        check_id: exemption.checkId,
        reason: exemption.reason,
        author: exemption.author,
        expires_at: new Date(exemption.expiresAt),
        created_at: now,
      });
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
}
