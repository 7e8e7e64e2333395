import {
  CheckChange,
  CheckTrendPoint,
  EntityScorecardResult,
  Exemption,
  ScorecardSummary,
} from '@convergence/backstage-plugin-scorecards-common';

/** A result with the rollup keys it is stored under. */
export type StoredResult = EntityScorecardResult & {
  ownerRef?: string;
  systemRef?: string;
  /** Entities downstream of this one in the lineage; undefined when unknown. */
  downstream?: number;
};

/** One point of an entity's or a team's history. */
export type HistoryPoint = {
  scorecardId: string;
  entityRef?: string;
  level: string | null;
  score: number;
  evaluatedAt: string;
};

/** Which stored results a summary covers. */
export type SummaryFilter = {
  ownerRefs?: string[];
  systemRef?: string;
  entityRefs?: string[];
};

/** Persistence of scorecard results, history, exemptions and their audit. */
export interface ScorecardStore {
  /**
   * Upserts the latest results; appends history where level, score, owner or
   * system changed (a result that moved also gets a removal row under its old
   * owner and system), and check history where a check's known status
   * changed (`unknown` keeps the last known one). Returns the previous
   * results.
   */
  saveResults(
    results: StoredResult[],
  ): Promise<Map<string, EntityScorecardResult>>;
  /**
   * After a complete pass over the catalog, removes the results it found
   * stale: of entities not in `present` (gone from the catalog), of entities
   * in `graded` for scorecards that did not grade them (no longer matched),
   * and of scorecards not in `scorecardIds` (no longer configured). Only
   * results evaluated before `before` go: one written since by a concurrent
   * evaluation stays. History keeps their past, and a removal row ends their
   * place in trends. The recorded versions of entities not in `present` go
   * too. Returns how many results were removed.
   */
  removeStale(options: {
    present: ReadonlySet<string>;
    graded: ReadonlyMap<string, ReadonlySet<string>>;
    scorecardIds: ReadonlySet<string>;
    before: Date;
  }): Promise<number>;
  /** The catalog etag each entity had when last graded (or found to match no scorecard), by entity ref. */
  entityVersions(): Promise<Map<string, string>>;
  /**
   * Records the catalog etag of entities just graded or found to match no
   * scorecard, seen at `seenAt`. With `onlyChanged`, an entity whose
   * recorded etag is the same keeps its row as it is, time included: a full
   * pass, which grades every entity, records only what changed (see
   * entityVersionsSeenSince, which then names what other passes graded).
   */
  saveEntityVersions(
    versions: Array<{ entityRef: string; etag: string }>,
    seenAt: Date,
    options?: { onlyChanged?: boolean },
  ): Promise<void>;
  getResults(entityRefs: string[]): Promise<EntityScorecardResult[]>;
  /** The latest results of the entities that match, lowest score first. */
  findResults(
    filter: SummaryFilter,
    limit: number,
  ): Promise<EntityScorecardResult[]>;
  /**
   * Level counts, mean score and top failing checks per scorecard over the
   * entities that match: owned by one of `ownerRefs`, part of `systemRef`,
   * and (when given) among `entityRefs`. No filter means the whole catalog.
   */
  summarize(filter: SummaryFilter): Promise<ScorecardSummary[]>;
  /**
   * For each of these checks of a scorecard, up to `limit` of the matching
   * entities that fail it: those with the most entities downstream first
   * (unknown counts as none), then by ref. One item per check asked for, in
   * order.
   */
  failingEntities(
    filter: SummaryFilter,
    checks: Array<{ scorecardId: string; checkId: string }>,
    limit: number,
  ): Promise<
    Array<{ scorecardId: string; checkId: string; entityRefs: string[] }>
  >;
  /**
   * Mean score per scorecard and day over the history of the matching
   * entities since `since`: each entity counts with its last score of that
   * day or before (from before `since` too), until its result is removed.
   * One point per scorecard for the first day (`since`'s, when an entity
   * counts then) and for each day with history, by day then scorecard id.
   */
  trend(
    filter: SummaryFilter,
    since: Date,
  ): Promise<Array<{ day: string; scorecardId: string; score: number }>>;
  entityHistory(entityRef: string, since: Date): Promise<HistoryPoint[]>;
  /**
   * One check's pass rate per day over the check history of the matching
   * entities since `since`: each entity counts with its last status of that
   * day or before (from before `since` too) until its result is removed;
   * `pass` and `exempt` pass, `na` does not count. One point for the first
   * day (`since`'s, when an entity counts then) and for each day with
   * history, by day.
   */
  checkTrend(
    filter: SummaryFilter,
    scorecardId: string,
    checkId: string,
    since: Date,
  ): Promise<CheckTrendPoint[]>;
  /**
   * The current known status of each of an entity's checks, per scorecard,
   * and since when it has had it (a move to another owner or system does not
   * count as a change). By scorecard id then check id.
   */
  checkChanges(entityRef: string): Promise<CheckChange[]>;
  /**
   * Deletes history and check history from before `before`, except each
   * result's (each check's) last row then unless it is a removal row: trends
   * since `before` stay the same. Returns how many rows of level and score
   * history were deleted.
   */
  deleteHistoryBefore(before: Date): Promise<number>;

  /** Unexpired exemptions, by entity ref. */
  activeExemptions(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, Exemption[]>>;
  listExemptions(entityRef: string): Promise<Exemption[]>;
  getExemption(id: string): Promise<Exemption | undefined>;
  createExemption(
    exemption: Omit<Exemption, 'id' | 'createdAt'>,
    now: Date,
  ): Promise<Exemption>;
  revokeExemption(
    id: string,
    actor: string,
    now: Date,
  ): Promise<Exemption | undefined>;
  auditTrail(entityRef: string): Promise<
    Array<{
      at: string;
      actor: string;
      action: string;
      checkId: string;
      details: unknown;
    }>
  >;

  /** Forgets the recorded versions of these entities: the incremental pass grades them again. */
  forgetEntityVersions(entityRefs: string[]): Promise<void>;
  /** Those of these entities whose version was recorded at or after `since` (graded since then). */
  entityVersionsSeenSince(
    entityRefs: string[],
    since: Date,
  ): Promise<Set<string>>;
  /** When the last completed full pass started; undefined until one completes. */
  lastFullPass(): Promise<Date | undefined>;
  /** Records that a full pass that started at `startedAt` completed at `completedAt`. */
  saveFullPass(startedAt: Date, completedAt: Date): Promise<void>;
}
