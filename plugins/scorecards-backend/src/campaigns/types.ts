import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Campaign,
  CampaignDetails,
  CampaignInput,
  CampaignSummary,
} from '@convergence/backstage-plugin-scorecards-common';

/** Which campaigns a list holds, by their dates against now. */
export type CampaignState = 'open' | 'upcoming' | 'closed' | 'all';

/**
 * Campaigns from app-config.yaml and the database, and their progress from
 * the stored results. Reads are filtered by the caller's catalog read
 * permission; writes need `scorecards.campaign.manage`.
 */
export interface CampaignService {
  /**
   * Campaigns (not archived) in `state` (default `all`), each with progress.
   * With `owner` (a full lower-case group ref): progress of that owner's tree,
   * and only the campaigns covering at least one of its entities.
   */
  list(
    options: { owner?: string; state?: CampaignState },
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary[]>;
  /** A campaign's page; NotFoundError for an unknown or archived id. */
  get(
    id: string,
    options: { owner?: string },
    credentials: BackstageCredentials,
  ): Promise<CampaignDetails>;
  /**
   * Creates a campaign in the database (InputError naming the field for bad
   * input, or an owner that is no group of the catalog the caller can read;
   * NotAllowedError without the permission).
   */
  create(
    input: CampaignInput,
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary>;
  /** Checks its input as create does; ConflictError for a campaign defined in config. */
  update(
    id: string,
    input: CampaignInput,
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary>;
  /** Archives it (it leaves every list); ConflictError for a config campaign. */
  archive(id: string, credentials: BackstageCredentials): Promise<void>;
  /** Every campaign not archived (config and database), without progress. */
  all(): Promise<Campaign[]>;
  /**
   * Records today's burn-up point of every campaign running at `now`
   * (computed with the plugin's own credentials). Idempotent: running it
   * twice, or on two replicas, writes the same rows. First logs a warning
   * for each campaign of app-config.yaml whose owner is no group of the
   * catalog.
   */
  snapshotAll(now: Date): Promise<void>;
}
