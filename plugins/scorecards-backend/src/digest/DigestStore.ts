/** A digest's row: one per team and period. */
export type DigestRecord = {
  teamRef: string;
  period: string;
  status: 'sending' | 'sent' | 'failed';
  claimedAt: string;
  sentAt?: string;
  attempts: number;
  /** What was sent (or tried): the notification's title and description. */
  content?: DigestContent;
};

/** A digest's notification text. */
export type DigestContent = { title: string; description: string };

/** An entity whose level in a scorecard changed since a date. */
export type LevelChange = {
  entityRef: string;
  scorecardId: string;
  /** The level at that date; null below the first level. */
  from: string | null;
  /** The level now. */
  to: string | null;
};

/**
 * Persistence of the weekly digests: which team's digest of which period a
 * replica has claimed or sent, and what a digest reports.
 */
export interface DigestStore {
  /**
   * Claims the team's digest of `period` for the caller: true when the
   * caller is the one to send it, because it inserted its row or re-claimed
   * a `failed` one (at most `maxAttempts` claims in all). Atomic across
   * replicas: of concurrent claims, one wins.
   */
  claim(teamRef: string, period: string, now: Date): Promise<boolean>;
  /** Records that the claimed digest was sent, with what it said. */
  markSent(
    teamRef: string,
    period: string,
    content: DigestContent,
    now: Date,
  ): Promise<void>;
  /** Records that sending the claimed digest failed: a later run may claim it again. */
  markFailed(
    teamRef: string,
    period: string,
    content?: DigestContent,
  ): Promise<void>;
  get(teamRef: string, period: string): Promise<DigestRecord | undefined>;
  /** The groups that directly own graded entities, as lower-case refs, sorted. */
  teams(): Promise<string[]>;
  /**
   * The current results owned by one of `ownerRefs` whose level differs from
   * their level at `since` (their last history row then). Results graded
   * for the first time since then, or back after removal, are not changes.
   * By entity ref, then scorecard id.
   */
  levelChanges(ownerRefs: string[], since: Date): Promise<LevelChange[]>;
}
