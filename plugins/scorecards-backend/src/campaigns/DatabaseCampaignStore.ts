import { Knex } from 'knex';
import { Campaign } from '@convergence/backstage-plugin-scorecards-common';
import {
  CampaignAction,
  CampaignEvent,
  CampaignSnapshot,
  CampaignStore,
  CampaignTargetRow,
} from './CampaignStore';
import { storeFactory, CHUNK, chunks, iso } from '../database/knex';

type CampaignRow = {
  id: string;
  title: string;
  description: string | null;
  scorecard_id: string;
  target_level: string | null;
  target_checks: string | null;
  filter: string;
  starts_at: Date | string;
  deadline: Date | string;
  owner_ref: string;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  archived_at: Date | string | null;
};

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  title: r.title,
  ...(r.description !== null ? { description: r.description } : {}),
  scorecardId: r.scorecard_id,
  target:
    r.target_level !== null
      ? { level: r.target_level }
      : { checks: JSON.parse(r.target_checks ?? '[]') },
  filter: JSON.parse(r.filter),
  startsAt: iso(r.starts_at),
  deadline: iso(r.deadline),
  owner: r.owner_ref,
  source: 'database',
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** The columns a campaign's editable fields are kept in. */
const fieldsOf = (c: Campaign) => ({
  title: c.title,
  description: c.description ?? null,
  scorecard_id: c.scorecardId,
  target_level: 'level' in c.target ? c.target.level : null,
  target_checks: 'checks' in c.target ? JSON.stringify(c.target.checks) : null,
  filter: JSON.stringify(c.filter),
  starts_at: new Date(c.startsAt),
  deadline: new Date(c.deadline),
  owner_ref: c.owner,
});

/** The knex implementation of {@link CampaignStore} (SQLite and PostgreSQL). */
export class DatabaseCampaignStore implements CampaignStore {
  static readonly create = storeFactory(DatabaseCampaignStore);

  constructor(private readonly db: Knex) {}

  private static async event(
    tx: Knex.Transaction,
    campaign: Campaign,
    actor: string,
    action: CampaignAction,
    now: Date,
  ) {
    await tx('scorecard_campaign_events').insert({
      campaign_id: campaign.id,
      at: now,
      actor,
      action,
      details: JSON.stringify(campaign),
    });
  }

  async listCampaigns() {
    const rows: CampaignRow[] = await this.db('scorecard_campaigns')
      .whereNull('archived_at')
      .orderBy('id');
    return rows.map(toCampaign);
  }

  async getCampaign(id: string) {
    const row: CampaignRow | undefined = await this.db('scorecard_campaigns')
      .where('id', id)
      .whereNull('archived_at')
      .first();
    return row ? toCampaign(row) : undefined;
  }

  async createCampaign(campaign: Campaign, now: Date) {
    const created: Campaign = {
      ...campaign,
      source: 'database',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const actor = campaign.createdBy!;
    await this.db.transaction(async tx => {
      await tx('scorecard_campaigns').insert({
        id: created.id,
        ...fieldsOf(created),
        created_by: actor,
        created_at: now,
        updated_at: now,
        archived_at: null,
      });
      await DatabaseCampaignStore.event(
        tx,
        created,
        actor,
        'campaign.create',
        now,
      );
    });
    return created;
  }

  async updateCampaign(campaign: Campaign, actor: string, now: Date) {
    return this.changeOpen(
      campaign.id,
      { ...fieldsOf(campaign), updated_at: now },
      { actor, action: 'campaign.update', now },
    );
  }

  async archiveCampaign(id: string, actor: string, now: Date) {
    const archived = await this.changeOpen(
      id,
      { archived_at: now, updated_at: now },
      { actor, action: 'campaign.archive', now },
    );
    return archived !== undefined;
  }

  /**
   * Writes `changes` to the open (not archived) campaign `id` and records the
   * event with the campaign as changed, in one transaction; the campaign as
   * changed, undefined when no open campaign has the id.
   */
  private changeOpen(
    id: string,
    changes: Record<string, unknown>,
    event: { actor: string; action: CampaignAction; now: Date },
  ) {
    return this.db.transaction(async tx => {
      const changed = await tx('scorecard_campaigns')
        .where('id', id)
        .whereNull('archived_at')
        .update(changes);
      if (!changed) return undefined;
      const row: CampaignRow = await tx('scorecard_campaigns')
        .where('id', id)
        .first();
      const campaign = toCampaign(row);
      await DatabaseCampaignStore.event(
        tx,
        campaign,
        event.actor,
        event.action,
        event.now,
      );
      return campaign;
    });
  }

  async events(campaignId: string): Promise<CampaignEvent[]> {
    const rows = await this.db('scorecard_campaign_events')
      .where('campaign_id', campaignId)
      .orderBy('id');
    return rows.map((r: any) => ({
      campaignId: r.campaign_id,
      at: iso(r.at),
      actor: r.actor,
      action: r.action,
      details: JSON.parse(r.details),
    }));
  }

  async targetRows(
    scorecardId: string,
    entityRefs: string[],
    checks: string[],
  ): Promise<CampaignTargetRow[]> {
    const rows: CampaignTargetRow[] = [];
    for (const batch of chunks([...new Set(entityRefs)])) {
      const [results, failing] = await Promise.all([
        this.db('scorecard_results')
          .select('entity_ref', 'owner_ref', 'level')
          .where('scorecard_id', scorecardId)
          .whereIn('entity_ref', batch),
        checks.length
          ? this.db('scorecard_failing_checks')
              .select('entity_ref', 'check_id')
              .where('scorecard_id', scorecardId)
              .whereIn('entity_ref', batch)
              .whereIn('check_id', checks)
          : Promise.resolve([]),
      ]);
      const failingOf = new Map<string, string[]>();
      for (const f of failing as Array<{
        entity_ref: string;
        check_id: string;
      }>)
        failingOf.set(f.entity_ref, [
          ...(failingOf.get(f.entity_ref) ?? []),
          f.check_id,
        ]);
      for (const r of results)
        rows.push({
          entityRef: r.entity_ref,
          ownerRef: r.owner_ref ?? null,
          level: r.level ?? null,
          // In the target's order.
          failing: checks.filter(c => failingOf.get(r.entity_ref)?.includes(c)),
        });
    }
    return rows;
  }

  async saveSnapshots(
    campaignId: string,
    day: string,
    points: Array<{ ownerRef: string; done: number; total: number }>,
    now: Date,
  ) {
    await this.db.transaction(async tx => {
      const owners = points.map(p => p.ownerRef);
      // An owner no longer covered today loses its point of today.
      const stale = tx('scorecard_campaign_snapshots').where({
        campaign_id: campaignId,
        day,
      });
      await (owners.length <= CHUNK
        ? stale.whereNotIn('owner_ref', owners)
        : stale
      ).delete();
      for (const batch of chunks(points)) {
        // Upserts: replicas racing write the same values.
        await tx('scorecard_campaign_snapshots')
          .insert(
            batch.map(p => ({
              campaign_id: campaignId,
              day,
              owner_ref: p.ownerRef,
              done: p.done,
              total: p.total,
              computed_at: now,
            })),
          )
          .onConflict(['campaign_id', 'day', 'owner_ref'])
          .merge(['done', 'total', 'computed_at']);
      }
    });
  }

  async snapshots(
    campaignId: string,
    fromDay: string,
    toDay: string,
  ): Promise<CampaignSnapshot[]> {
    const rows = await this.db('scorecard_campaign_snapshots')
      .where('campaign_id', campaignId)
      .whereBetween('day', [fromDay, toDay])
      .orderBy(['day', 'owner_ref']);
    return rows.map((r: any) => ({
      campaignId: r.campaign_id,
      day: r.day,
      ownerRef: r.owner_ref,
      done: Number(r.done),
      total: Number(r.total),
    }));
  }
}
