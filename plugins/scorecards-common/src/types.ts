/**
 * The outcome of one check for one entity.
 * - `pass` / `fail`: the check applied and held or not;
 * - `exempt`: it failed, but an unexpired exemption covers it;
 * - `na`: the check does not apply to this entity (e.g. a model check on a dataset);
 * - `unknown`: the check could not be decided because a fact provider it reads
 *   failed during this evaluation (e.g. MLflow was down); the message names the
 *   provider. An unknown check is left out of the score (neither numerator nor
 *   denominator), does not block a level (a level is reached when each of its
 *   checks, and those of the levels below, passes, is exempt, does not apply or
 *   is unknown), and a result holding unknown checks sends no level-drop
 *   notification.
 *
 * @public
 */
export type CheckStatus = 'pass' | 'fail' | 'exempt' | 'na' | 'unknown';

/**
 * What a check says about itself; shown to the people who must fix it.
 *
 * @public
 */
export interface CheckInfo {
  /** Stable id, e.g. `model-card-complete`. */
  id: string;
  title: string;
  /** Why the check matters. */
  why: string;
  /** What to change to pass it. */
  howToFix: string;
}

/**
 * One check's result for one entity.
 *
 * @public
 */
export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  /** Specifics for this entity, e.g. which field is missing. */
  message?: string;
  /**
   * Entity refs that make the check fail, e.g. the deprecated dataset
   * upstream of a model (full, lower-case refs).
   */
  causes?: string[];
}

/**
 * A scorecard's result for one entity.
 *
 * @public
 */
export interface EntityScorecardResult {
  entityRef: string;
  scorecardId: string;
  /** The highest level whose checks (and all lower levels' checks) pass; null when not even the first. */
  level: string | null;
  /** 0..1: passing or exempt checks over applicable checks (neither `na` nor `unknown`). */
  score: number;
  checks: CheckResult[];
  /** ISO-8601. */
  evaluatedAt: string;
}

/**
 * A level of a scorecard, e.g. Bronze.
 *
 * @public
 */
export interface ScorecardLevel {
  name: string;
  checks: string[];
}

/**
 * A scorecard as configured under `scorecards.definitions`.
 *
 * @public
 */
export interface ScorecardDefinition {
  id: string;
  title: string;
  description?: string;
  /** Which entities it grades: a catalog filter predicate (kind, spec.type, spec.lifecycle, …). */
  filter: Record<string, unknown>;
  levels: ScorecardLevel[];
}

/**
 * An exemption from one check for one entity.
 *
 * @public
 */
export interface Exemption {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  author: string;
  /** ISO-8601; the exemption stops counting after this moment. */
  expiresAt: string;
  createdAt: string;
  /** The exemption request it was approved from, when it came from one. */
  requestId?: string;
  /** Who approved the request (a user ref), when it came from one. */
  approvedBy?: string;
}

/**
 * How many days ahead an exemption may be requested when
 * `scorecards.exemptions.maxDays` is not configured: what the backend
 * enforces and the request dialog offers.
 *
 * @public
 */
export const DEFAULT_EXEMPTION_MAX_DAYS = 90;

/**
 * One step of an entity's exemption audit trail, as the card shows it.
 *
 * @public
 */
export interface ExemptionAuditEntry {
  /** ISO-8601. */
  at: string;
  /** The user ref who acted. */
  actor: string;
  /**
   * `exemption.create`, `exemption.revoke`, `exemption.request`,
   * `exemption.approve`, `exemption.reject` or `exemption.expire`.
   */
  action: string;
  checkId: string;
  details: unknown;
}

/**
 * Where an exemption request stands. A pending request whose expiry has
 * passed reads as `expired`; an approved request whose exemption has
 * expired reads as `expired` too.
 *
 * @public
 */
export type ExemptionRequestStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired';

/**
 * A request to exempt an entity from a check, decided by someone allowed
 * `scorecards.exemption.manage` on the entity.
 *
 * @public
 */
export interface ExemptionRequest {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  /** The user ref who asked. */
  requestedBy: string;
  /** ISO-8601. */
  requestedAt: string;
  /** ISO-8601: when the exemption asked for would end. */
  expiresAt: string;
  status: ExemptionRequestStatus;
  /** The entity's owner when the request was made. */
  owner?: string;
  decidedBy?: string;
  /** ISO-8601. */
  decidedAt?: string;
  /** The approver's or rejecter's comment. */
  comment?: string;
  /** The exemption created on approval. */
  exemptionId?: string;
}

/**
 * What a campaign asks of the entities it covers: a level of its scorecard
 * (or higher), or a set of checks that must each pass or be exempt.
 *
 * @public
 */
export type CampaignTarget = { level: string } | { checks: string[] };

/**
 * A goal with a deadline, e.g. "every production model reaches Silver by 31 March".
 *
 * @public
 */
export interface Campaign {
  /** Stable id: lower-case letters, digits and dashes. */
  id: string;
  title: string;
  description?: string;
  /** The scorecard whose stored results decide progress. */
  scorecardId: string;
  target: CampaignTarget;
  /** The entities it covers: a catalog filter predicate, as scorecards and custom checks use. */
  filter: Record<string, unknown>;
  /** ISO-8601. */
  startsAt: string;
  /** ISO-8601: the end of the deadline day. */
  deadline: string;
  /** The group that runs it. */
  owner: string;
  /** `config` for campaigns in app-config.yaml (read-only here), `database` for those created in the UI. */
  source: 'config' | 'database';
  createdBy?: string;
  createdAt?: string;
  updatedAt?: string;
}

/**
 * A campaign as a user creates or edits it.
 *
 * @public
 */
export interface CampaignInput {
  title: string;
  description?: string;
  scorecardId: string;
  target: CampaignTarget;
  filter: Record<string, unknown>;
  /** ISO-8601 date or date-time; default now. */
  startsAt?: string;
  /** ISO-8601 date (end of that day, UTC) or date-time. */
  deadline: string;
  owner: string;
}

/**
 * How far a campaign is: of the covered entities that have a result
 * (`total`), how many meet the target (`done`); `ungraded` covered entities
 * have no result yet.
 *
 * @public
 */
export interface CampaignProgress {
  done: number;
  total: number;
  ungraded: number;
}

/**
 * A campaign with its progress (for the caller, or for one owner's tree).
 *
 * @public
 */
export interface CampaignSummary extends Campaign {
  state: 'upcoming' | 'open' | 'closed';
  progress: CampaignProgress;
  /**
   * Why progress could not be computed (e.g. the catalog refused the
   * campaign's filter); progress is then zeros.
   */
  error?: string;
}

/**
 * A team's progress in a campaign, its sub-teams rolled up.
 *
 * @public
 */
export interface CampaignTeamProgress {
  owner: string;
  done: number;
  total: number;
}

/**
 * A covered entity and what it still lacks.
 *
 * @public
 */
export interface CampaignEntity {
  entityRef: string;
  owner?: string;
  level: string | null;
  done: boolean;
  /** The target's checks that fail (not exempt). */
  failingChecks: string[];
}

/**
 * A day of a campaign's burn-up.
 *
 * @public
 */
export interface CampaignBurnUpPoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  done: number;
  total: number;
}

/**
 * A campaign's page: progress, teams ranked, entities not done first, burn-up.
 *
 * @public
 */
export interface CampaignDetails {
  campaign: CampaignSummary;
  /** The owner tree asked for, when `owner` was given. */
  owners?: string[];
  teams: CampaignTeamProgress[];
  entities: CampaignEntity[];
  burnUp: CampaignBurnUpPoint[];
}

/**
 * A day of one check's pass rate.
 *
 * @public
 */
export interface CheckTrendPoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Passing or exempt over applicable entities that day, 0..1. */
  passRate: number;
  /** Applicable entities that day. */
  entities: number;
}

/**
 * One check's pass rate over time, for an owner's tree, a system or the
 * whole catalog the caller may read.
 *
 * @public
 */
export interface CheckTrend {
  scorecardId: string;
  checkId: string;
  owners?: string[];
  points: CheckTrendPoint[];
}

/**
 * What a check trend covers: a scorecard's check over the last `days` days,
 * for an owner's tree, a system or everything the caller may read.
 *
 * @public
 */
export type CheckTrendQuery = {
  scorecardId: string;
  owner?: string;
  system?: string;
  days?: number;
};

/**
 * When one of an entity's checks last changed state.
 *
 * @public
 */
export interface CheckChange {
  scorecardId: string;
  checkId: string;
  status: CheckStatus;
  /** ISO-8601: since when the check has had this status. */
  since: string;
  /**
   * True when `since` is when the check's history began (the upgrade that
   * added per-check history), not a recorded change: the status may be older.
   */
  sinceHistoryStart?: boolean;
}

/**
 * Level counts and score of a set of entities (a team, a system, everything).
 *
 * @public
 */
export interface ScorecardSummary {
  scorecardId: string;
  entities: number;
  /** Entities per level name; `none` for those below the first level. */
  levels: Record<string, number>;
  /** Mean score, 0..1. */
  score: number;
  /**
   * The checks to fix first: those affecting the most entities (`affects`),
   * then failing most often. `affects` counts each failing entity and the
   * entities downstream of it in the lineage (per failing entity, so an
   * entity downstream of two counts twice); without lineage facts it equals
   * `failing`.
   */
  topFailingChecks: Array<{
    checkId: string;
    failing: number;
    affects?: number;
  }>;
}

/**
 * A day's mean score of one scorecard, in a summary's trend.
 *
 * @public
 */
export interface ScorecardTrendPoint {
  /** The day, `YYYY-MM-DD` (UTC). */
  day: string;
  scorecardId: string;
  /** Mean score that day, 0..1. */
  score: number;
}

/**
 * The summary of one owner and the groups below it, as `getSummaries` returns it per owner.
 *
 * @public
 */
export interface OwnerScorecardSummary {
  /** The owner asked for, as a full lower-case ref (e.g. `group:default/fraud-ml`). */
  owner: string;
  /** The owner and every group below it. */
  owners?: string[];
  summaries: ScorecardSummary[];
  trend: ScorecardTrendPoint[];
}
