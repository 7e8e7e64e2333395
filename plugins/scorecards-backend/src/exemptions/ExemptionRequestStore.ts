import {
  Exemption,
  ExemptionRequest,
  ExemptionRequestStatus,
} from '@convergence/backstage-plugin-scorecards-common';

/** A request as its requester makes it (refs full and lower-case). */
export type NewExemptionRequest = {
  entityRef: string;
  checkId: string;
  ownerRef?: string;
  reason: string;
  requestedBy: string;
  expiresAt: Date;
};

/** Which requests a listing covers; every field given must match. */
export type ExemptionRequestFilter = {
  entityRef?: string;
  /** Only these entities (what the caller may read). */
  entityRefs?: string[];
  /** Only requests whose owner (when requested) is one of these. */
  ownerRefs?: string[];
  /** The effective status (see {@link ExemptionRequestStore.listRequests}). */
  status?: ExemptionRequestStatus;
};

/** A decision on a pending request. */
export type ExemptionDecision = {
  actor: string;
  comment?: string;
  now: Date;
};

/**
 * Persistence of exemption requests. Every change of a request's state is
 * conditional on its current state, in one transaction with its audit rows
 * (`scorecard_audit`), so that two replicas deciding the same request at
 * once cannot both succeed.
 */
export interface ExemptionRequestStore {
  /**
   * Stores a pending request and its `exemption.request` audit row, unless
   * the entity already has a pending request for the check: then undefined.
   * A pending request of the entity and check that has expired by `now` is
   * marked expired first (and returned in `expired`).
   */
  createRequest(
    request: NewExemptionRequest,
    now: Date,
  ): Promise<{ request?: ExemptionRequest; expired: ExemptionRequest[] }>;

  /** The request, with its effective status at `now`. */
  getRequest(id: string, now: Date): Promise<ExemptionRequest | undefined>;

  /**
   * Requests that match, newest first, at most `limit`, each with its
   * effective status at `now`: a pending request whose expiry has passed,
   * and an approved one whose exemption has expired, read as `expired`.
   */
  listRequests(
    filter: ExemptionRequestFilter,
    now: Date,
    limit: number,
  ): Promise<ExemptionRequest[]>;

  /**
   * Approves a request still pending and unexpired at `decision.now`: marks
   * it approved, creates its exemption (author the requester, approved by
   * the actor) and writes the `exemption.approve` audit row, all in one
   * transaction. Undefined when the request is not pending (any more) or
   * has expired.
   */
  approve(
    id: string,
    decision: ExemptionDecision,
  ): Promise<{ request: ExemptionRequest; exemption: Exemption } | undefined>;

  /**
   * Rejects a request still pending and unexpired, with its
   * `exemption.reject` audit row; undefined otherwise.
   */
  reject(
    id: string,
    decision: ExemptionDecision,
  ): Promise<ExemptionRequest | undefined>;

  /**
   * Marks the pending requests whose expiry has passed by `now` as expired,
   * each with an `exemption.expire` audit row; returns those this call
   * marked (none a second time).
   */
  expirePending(now: Date): Promise<ExemptionRequest[]>;

  /** Exemptions whose expiry has passed by `now` and has not been handled yet. */
  dueExemptions(now: Date): Promise<Exemption[]>;

  /**
   * Records that these exemptions' expiry was handled: each one not handled
   * yet gets `expiry_handled_at`, its request (if any) is marked expired,
   * and an `exemption.expire` audit row is written. Returns those this call
   * handled (none a second time).
   */
  markExemptionsExpired(ids: string[], now: Date): Promise<Exemption[]>;
}
