import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Ownership scorecards (@convergence/backstage-plugin-scorecards-backend). */
  scorecards?: {
    /**
     * When the whole catalog is graded. Default: every 30 minutes, 15 minute
     * timeout, first run 15 seconds after start. One replica runs it. After a
     * complete pass, the results it did not produce (entities deleted, no
     * longer matched, scorecards no longer configured) are removed, unless
     * the pass found nothing to grade at all while results exist.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /**
     * The incremental pass: grades only entities that are new or whose catalog
     * etag changed since they were last graded (it reads refs and etags, not
     * whole entities), and removes the results of entities gone from the
     * catalog (not when the catalog lists nothing, or lacks more than half
     * of the entities known: then the full pass removes them). Changes in
     * related entities wait for the full pass. It does nothing until a full
     * pass has completed once; and a full pass never overwrites an entity
     * that a later pass graded while it ran.
     */
    incremental?: {
      /**
       * When it runs. Default: every 20 seconds, 5 minute timeout, first run
       * 20 seconds after start. One replica runs it.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /**
     * Days of history kept for trends. Default 365. Older rows are deleted,
     * except each result's last row before the cut, so an entity whose score
     * has not changed for longer still counts in trends.
     */
    historyRetentionDays?: number;
    /**
     * Seconds for which a signed-in user's catalog read decision (allowed,
     * denied, or allowed on conditions) is reused by scorecard reads instead
     * of asking the permission backend on every request. Default 10; 0 asks
     * every time. Each replica keeps the decisions of at most 10,000 users in
     * memory, under a hash of their token. The trade-off: a permission
     * revoked in the policy applies to scorecard reads within this many
     * seconds.
     */
    permissionDecisionCacheSeconds?: number;
    /**
     * The scorecards. When absent, two defaults are used: "ML production
     * readiness" (Model, Dataset, Pipeline) and "ML service readiness"
     * (Components that depend on something).
     */
    definitions?: Array<{
      /** Stable id, e.g. ml-production-readiness. */
      id: string;
      title: string;
      description?: string;
      /**
       * Which entities it grades: a filter predicate, e.g. { kind: Model, spec.lifecycle: production }.
       * Name the kinds (kind: X or kind: { $in: [...] }): the evaluation passes
       * then list only those kinds and the ones checks look up; a filter that
       * names none makes them list the whole catalog.
       */
      filter: object;
      /** Levels from lowest to highest; a level is reached when its checks and all lower levels' checks hold. */
      levels: Array<{ name: string; checks: string[] }>;
    }>;
    /**
     * Campaigns: a goal with a deadline over the stored results of one
     * scorecard, e.g. every production model reaches Silver by 31 March.
     * These are read-only in the UI; users allowed
     * `scorecards.campaign.manage` create more there (stored in the
     * database). A bad entry stops the backend at startup, naming the key.
     */
    campaigns?: Array<{
      /** Stable id: lower-case letters, digits and dashes, at most 63. */
      id: string;
      title: string;
      description?: string;
      /** The id of the scorecard whose results decide progress. */
      scorecard: string;
      /** Exactly one of `level` (a level of that scorecard, or higher) or `checks` (each must pass or be exempt). */
      target: { level?: string; checks?: string[] };
      /**
       * The entities it covers (of those its scorecard grades): a catalog
       * filter predicate, e.g. { kind: Model, spec.lifecycle: production }.
       */
      filter: object;
      /** Required. ISO-8601 date (the start of that day, UTC) or date-time with an offset. */
      startsAt: string;
      /** ISO-8601 date (the end of that day, UTC) or date-time. */
      deadline: string;
      /** The group that runs it, e.g. group:default/ml-platform. */
      owner: string;
    }>;
    /** Exemptions requested in the UI. */
    exemptions?: {
      /**
       * The longest an exemption may be requested for, in days. Default 90.
       * @visibility frontend
       */
      maxDays?: number;
      /**
       * Whether someone who may manage an entity's exemptions may approve
       * an exemption they requested themselves. Default false: another
       * owner or an admin must approve it (they may withdraw it). Turn it on
       * only where one person runs the portal, as the local demo does.
       * @visibility frontend
       */
      selfApproval?: boolean;
    };
    /**
     * The weekly digest: one notification per team with its level changes,
     * campaign deadlines coming up and its top fixes. Sent once per team per
     * period (UTC ISO week) across replicas, never twice.
     */
    digest?: {
      /** Default false. */
      enabled?: boolean;
      /**
       * When it runs. Default: Mondays 08:00 (cron `0 8 * * 1`, the
       * server's time zone), 30 minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Campaign deadlines within this many days are listed. Default 14. */
      deadlineDays?: number;
      /** How many fixes are listed. Default 3. */
      fixes?: number;
    };
    /** Custom checks without code. */
    checks?: Array<{
      id: string;
      title: string;
      why?: string;
      howToFix?: string;
      /** Entities the check applies to (a filter predicate); others score n/a. */
      appliesTo?: object;
      /** A filter predicate that must hold, e.g. { metadata.annotations.mlflow.org/registered-model: { $exists: true } }. */
      require?: object;
      /** Numeric bounds on entity fields or facts, e.g. { path: spec.metrics.auc, min: 0.9 } or facts.catalog.relations.dependencyOf. */
      thresholds?: Array<{ path: string; min?: number; max?: number }>;
    }>;
  };
}
