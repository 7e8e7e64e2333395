import { Campaign } from '@convergence/backstage-plugin-scorecards-common';

/** What a campaign event records. */
export type CampaignAction =
  | 'campaign.create'
  | 'campaign.update'
  | 'campaign.archive';

/** A row of a campaign's audit trail. */
export type CampaignEvent = {
  campaignId: string;
  /** ISO-8601. */
  at: string;
  actor: string;
  action: CampaignAction;
  /** The campaign after the change. */
  details: Campaign;
};

/** A covered entity's stored result, and which of the target's checks it fails. */
export type CampaignTargetRow = {
  entityRef: string;
  ownerRef: string | null;
  level: string | null;
  /** The target's checks whose status is `fail` (exempt and unknown are not). */
  failing: string[];
};

/** A day of a campaign's burn-up, for the whole campaign or one direct owner. */
export type CampaignSnapshot = {
  campaignId: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** `''` for the whole campaign, otherwise the direct owner of the entities counted. */
  ownerRef: string;
  done: number;
  total: number;
};

/** The campaigns created in the UI, their audit trail and the burn-up points. */
export interface CampaignStore {
  /** The campaigns not archived. */
  listCampaigns(): Promise<Campaign[]>;
  /** A campaign not archived. */
  getCampaign(id: string): Promise<Campaign | undefined>;
  /** Stores a new campaign (`createdBy` is the actor) and its `campaign.create` event, together. */
  createCampaign(campaign: Campaign, now: Date): Promise<Campaign>;
  /**
   * Replaces a campaign's fields (not its id, creator or creation time) and
   * records a `campaign.update` event, together; undefined when there is no
   * such campaign or it is archived.
   */
  updateCampaign(
    campaign: Campaign,
    actor: string,
    now: Date,
  ): Promise<Campaign | undefined>;
  /** Archives a campaign and records a `campaign.archive` event; false when there is none to archive. */
  archiveCampaign(id: string, actor: string, now: Date): Promise<boolean>;
  /** A campaign's events, oldest first. */
  events(campaignId: string): Promise<CampaignEvent[]>;
  /**
   * The stored results of `scorecardId` of those of `entityRefs` (full,
   * lower-case refs) that have one, with the failing checks among `checks`.
   */
  targetRows(
    scorecardId: string,
    entityRefs: string[],
    checks: string[],
  ): Promise<CampaignTargetRow[]>;
  /**
   * Writes a campaign's points of one day (replacing that day's points, so
   * an owner no longer covered loses its row); idempotent.
   */
  saveSnapshots(
    campaignId: string,
    day: string,
    points: Array<{ ownerRef: string; done: number; total: number }>,
    now: Date,
  ): Promise<void>;
  /** A campaign's points from `fromDay` to `toDay` (inclusive), by day. */
  snapshots(
    campaignId: string,
    fromDay: string,
    toDay: string,
  ): Promise<CampaignSnapshot[]>;
}
