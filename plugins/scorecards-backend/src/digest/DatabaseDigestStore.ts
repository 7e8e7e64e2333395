import { Knex } from 'knex';
import {
  DigestContent,
  DigestRecord,
  DigestStore,
  LevelChange,
} from './DigestStore';
import { chunks, iso, storeFactory } from '../database/knex';

/** How many times a team's digest of one period is claimed at most (the first send and retries). */
export const DIGEST_MAX_ATTEMPTS = 5;

const TABLE = 'scorecard_digests';

/** {@link DigestStore} on the plugin's database. */
export class DatabaseDigestStore implements DigestStore {
  /** Runs the plugin's migrations unless the database service skips them. */
  static readonly create = storeFactory(DatabaseDigestStore);

  constructor(private readonly db: Knex) {}

  async claim(teamRef: string, period: string, now: Date) {
    // Of concurrent inserts, one writes the row and returns it; the others
    // conflict and return nothing.
    const inserted = await this.db(TABLE)
      .insert({
        team_ref: teamRef,
        period,
        status: 'sending',
        claimed_at: now,
        attempts: 1,
      })
      .onConflict(['team_ref', 'period'])
      .ignore()
      .returning('team_ref');
    if (inserted.length) return true;
    // A failed send may be claimed again; of concurrent updates, one sees
    // the row still failed (PostgreSQL re-checks the condition after a
    // concurrent update, SQLite writes one at a time).
    const updated = await this.db(TABLE)
      .where({ team_ref: teamRef, period, status: 'failed' })
      .andWhere('attempts', '<', DIGEST_MAX_ATTEMPTS)
      .update({
        status: 'sending',
        claimed_at: now,
        attempts: this.db.raw('attempts + 1'),
      });
    return updated > 0;
  }

  async markSent(
    teamRef: string,
    period: string,
    content: DigestContent,
    now: Date,
  ) {
    await this.db(TABLE)
      .where({ team_ref: teamRef, period, status: 'sending' })
      .update({
        status: 'sent',
        sent_at: now,
        content: JSON.stringify(content),
      });
  }

  async markFailed(teamRef: string, period: string, content?: DigestContent) {
    await this.db(TABLE)
      .where({ team_ref: teamRef, period, status: 'sending' })
      .update({
        status: 'failed',
        content: content ? JSON.stringify(content) : null,
      });
  }

  async get(teamRef: string, period: string) {
    const row = await this.db(TABLE)
      .where({ team_ref: teamRef, period })
      .first();
    if (!row) return undefined;
    const record: DigestRecord = {
      teamRef: row.team_ref,
      period: row.period,
      status: row.status,
      claimedAt: iso(row.claimed_at),
      attempts: Number(row.attempts),
    };
    if (row.sent_at !== null && row.sent_at !== undefined)
      record.sentAt = iso(row.sent_at);
    if (row.content) record.content = JSON.parse(row.content);
    return record;
  }

  async teams() {
    const rows = await this.db('scorecard_results')
      .distinct('owner_ref')
      .where('owner_ref', 'like', 'group:%')
      .orderBy('owner_ref');
    return rows.map(r => r.owner_ref as string);
  }

  async levelChanges(ownerRefs: string[], since: Date) {
    const changes: LevelChange[] = [];
    const owners = [...new Set(ownerRefs)];
    for (const batch of chunks(owners)) {
      // Each current result's last history row at `since` or before.
      const before = this.db
        .from(
          this.db('scorecard_history')
            .where('evaluated_at', '<=', since)
            .whereIn(
              'entity_ref',
              this.db('scorecard_results')
                .whereIn('owner_ref', batch)
                .select('entity_ref'),
            )
            .select(
              'entity_ref',
              'scorecard_id',
              'level',
              'removed',
              this.db.raw(`ROW_NUMBER() OVER (
                PARTITION BY scorecard_id, entity_ref
                ORDER BY evaluated_at DESC, id DESC
              ) AS rn`),
            )
            .as('h'),
        )
        .where('rn', 1)
        .as('b');
      const rows = await this.db('scorecard_results as r')
        .join(before, function on() {
          this.on('b.entity_ref', 'r.entity_ref').andOn(
            'b.scorecard_id',
            'r.scorecard_id',
          );
        })
        .whereIn('r.owner_ref', batch)
        .select(
          'r.entity_ref',
          'r.scorecard_id',
          'r.level as level_now',
          'b.level as level_before',
          'b.removed',
        );
      for (const row of rows) {
        if (row.removed === true || Number(row.removed) === 1) continue;
        const from = row.level_before ?? null;
        const to = row.level_now ?? null;
        if (from !== to)
          changes.push({
            entityRef: row.entity_ref,
            scorecardId: row.scorecard_id,
            from,
            to,
          });
      }
    }
    return changes.sort(
      (a, b) =>
        a.entityRef.localeCompare(b.entityRef) ||
        a.scorecardId.localeCompare(b.scorecardId),
    );
  }
}
