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
