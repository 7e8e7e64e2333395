import { DateTime } from 'luxon';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  CheckStatus,
  DEFAULT_EXEMPTION_MAX_DAYS,
  EntityScorecardResult,
  Exemption,
  ExemptionRequest,
  ExemptionRequestStatus,
  gradedStatuses,
  notFailing,
  scorecardsExemptionManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';
import { resolveRef, spec } from '../checks/helpers';
import { ScorecardStore } from '../database/ScorecardStore';
import { ScorecardEvaluator } from '../service/ScorecardEvaluator';
import { ScorecardQueries } from '../service/ScorecardQueries';
import { ExemptionRequestStore } from './ExemptionRequestStore';

/** How many requests a listing answers at most. */
const LIST_LIMIT = 500;

/** How much of a reason a notification quotes. */
const REASON_IN_NOTIFICATION = 300;

/** What a requester asks for: the request's check, reason and end. */
export type ExemptionRequestInput = Pick<
  ExemptionRequest,
  'checkId' | 'reason' | 'expiresAt'
>;

/**
 * The exemption workflow: anyone who may read an entity requests an
 * exemption from one of its failing checks; someone else who may manage the
 * entity's exemptions (`scorecards.exemption.manage`) approves it, or anyone
 * who may manage them rejects it (the requester too: a withdrawal); the
 * approved exemption counts from the entity's next grading (at once, on
 * approval) until it expires. The owner is told of each request, the
 * requester of each decision and of a request that expired undecided.
 * Every step is audited in `scorecard_audit`.
 */
export class ExemptionWorkflow {
  private readonly maxDays: number;

  constructor(
    private readonly options: {
      requests: ExemptionRequestStore;
      store: ScorecardStore;
      queries: ScorecardQueries;
      evaluator: ScorecardEvaluator;
      checks: ReadonlyMap<string, ScorecardCheck>;
      logger: LoggerService;
      notifications?: NotificationService;
      /** `scorecards.exemptions.maxDays`; default 90. */
      maxDays?: number;
      /**
       * `scorecards.exemptions.selfApproval`: whether the requester may
       * approve their own request when they may manage the entity's
       * exemptions. Default false (four eyes).
       */
      selfApproval?: boolean;
      now?: () => Date;
    },
  ) {
    const maxDays = options.maxDays ?? DEFAULT_EXEMPTION_MAX_DAYS;
    if (!Number.isInteger(maxDays) || maxDays < 1)
      throw new Error(
        `scorecards.exemptions.maxDays must be a whole number of days, 1 or more, not ${maxDays}`,
      );
    this.maxDays = maxDays;
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Asks for an exemption of a readable entity from one of its checks, until
   * `expiresAt` (in the future, at most `maxDays` ahead). A ConflictError
   * when the entity passes the check now (its graded results say so), when
   * an exemption from the check covers it until later than now already, or
   * when it has a pending request for the check already.
   */
  async submit(
    ref: CompoundEntityRef,
    input: ExemptionRequestInput,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<ExemptionRequest> {
    const entity = await this.options.queries.readable(ref, credentials);
    const entityRef = stringifyEntityRef(entity).toLowerCase();
    if (!this.options.checks.has(input.checkId))
      throw new InputError(`checkId: unknown check '${input.checkId}'`);
    // Only a check some scorecard grades for the entity can matter.
    const statuses = await this.gradedStatuses(entityRef, input.checkId);
    if (!statuses.length)
      throw new InputError(
        `checkId: '${input.checkId}' is not graded for ${entityRef}`,
      );
    const now = this.now();
    const expiresAt = new Date(input.expiresAt);
    if (expiresAt <= now)
      throw new InputError('expiresAt: must be in the future');
    const latest = DateTime.fromJSDate(now, { zone: 'utc' })
      .plus({ days: this.maxDays })
      .toJSDate();
    if (expiresAt > latest)
      throw new InputError(
        `expiresAt: must be at most ${
          this.maxDays
        } days ahead (${latest.toISOString()})`,
      );
    await this.refuseUnlessFailing(entityRef, input.checkId, statuses, now);
    const owner = spec(entity).owner;
    const ownerRef =
      typeof owner === 'string' && owner
        ? resolveRef(entity, owner, 'group')
        : undefined;
    const { request, expired } = await this.options.requests.createRequest(
      {
        entityRef,
        checkId: input.checkId,
        ownerRef,
        reason: input.reason,
        requestedBy: credentials.principal.userEntityRef,
        expiresAt,
      },
      now,
    );
    await this.notifyExpired(expired);
    if (!request)
      throw new ConflictError(
        `${entityRef} has a pending exemption request for '${input.checkId}' already`,
      );
    if (ownerRef)
      await this.notify(ownerRef, request, {
        title: `Exemption requested for ${this.checkTitle(
          request.checkId,
        )} on ${parseEntityRef(entityRef).name}`,
        description: `${
          request.requestedBy
        } asks to exempt ${entityRef} from '${this.checkTitle(
          request.checkId,
        )}' until ${request.expiresAt.slice(0, 10)}: ${this.quote(
          request.reason,
        )}`,
      });
    return request;
  }

  /** The statuses of a check in the entity's stored results, but `na`. */
  private async gradedStatuses(entityRef: string, checkId: string) {
    return gradedStatuses(
      await this.options.store.getResults([entityRef]),
      checkId,
    );
  }

  /**
   * An exemption only counts while the check fails: a ConflictError when
   * the entity's graded `statuses` of the check say it passes, or that it is
   * unknown (a fact provider failed: not known to fail), or when an exemption covers it until later than
   * `now` already (the message gives its end's UTC day). (A stored `exempt`
   * whose exemption has expired since is a failing check.) Both on
   * submitting and on approving a request.
   */
  private async refuseUnlessFailing(
    entityRef: string,
    checkId: string,
    statuses: CheckStatus[],
    now: Date,
  ) {
    const reason = notFailing(statuses);
    if (reason)
      throw new ConflictError(
        reason === 'pass'
          ? `${entityRef} passes '${checkId}' now; an exemption is for a failing check`
          : `'${checkId}' is unknown for ${entityRef} now (a fact provider failed); an exemption is for a failing check`,
      );
    const covering = (
      (await this.options.store.activeExemptions([entityRef], now)).get(
        entityRef,
      ) ?? []
    )
      .filter(e => e.checkId === checkId)
      .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
    if (covering) {
      // Its end's day (UTC), as the card shows it.
      const until = covering.expiresAt.slice(0, 10);
      throw new ConflictError(
        `${entityRef} is exempt from '${checkId}' until ${until} already`,
      );
    }
  }

  /** A readable entity's requests, newest first. */
  async listForEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{ requests: ExemptionRequest[] }> {
    const entityRef = stringifyEntityRef(
      await this.options.queries.readable(ref, credentials),
    ).toLowerCase();
    return {
      requests: await this.options.requests.listRequests(
        { entityRef },
        this.now(),
        LIST_LIMIT,
      ),
    };
  }

  /**
   * Requests of the entities the caller may read, newest first: with
   * `owner`, those of the entities the owner or a group below it owned when
   * they were requested; with `status`, those with that effective status.
   */
  async inbox(
    query: { status?: ExemptionRequestStatus; owner?: string },
    credentials: BackstageCredentials,
  ): Promise<{ requests: ExemptionRequest[] }> {
    const { queries } = this.options;
    const filter = await queries.visibleFilter(
      credentials,
      query.owner
        ? {
            ownerRefs: (await queries.ownerTree(query.owner, credentials)).refs,
          }
        : {},
    );
    return {
      requests: await this.options.requests.listRequests(
        {
          ownerRefs: filter.ownerRefs,
          entityRefs: filter.entityRefs,
          status: query.status,
        },
        this.now(),
        LIST_LIMIT,
      ),
    };
  }

  /**
   * The request; a NotFoundError unless the caller may read its entity (as
   * if there were no such request: a 403 would name the hidden entity), and
   * a NotAllowedError unless they may manage its exemptions or, for a
   * rejection, asked for it themselves (withdrawing it).
   */
  private async decidable(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    verb: 'approved' | 'rejected',
  ) {
    const request = await this.options.requests.getRequest(id, this.now());
    const missing = () => new NotFoundError(`No exemption request ${id}`);
    if (!request) throw missing();
    try {
      await this.options.queries.readableEntity(
        parseEntityRef(request.entityRef),
        credentials,
      );
    } catch (error) {
      if ((error as Error)?.name === 'NotFoundError') throw missing();
      throw error;
    }
    if (verb === 'rejected' && isRequester(request, credentials))
      return request;
    await this.options.queries.authorize(
      credentials,
      scorecardsExemptionManagePermission,
      request.entityRef,
    );
    return request;
  }

  /**
   * Records the caller's decision on request `id` with `record`, once the
   * caller may decide it and `allowed` (run on a pending request) has not
   * thrown; a ConflictError when it is no longer pending.
   */
  private async decide<T>(
    id: string,
    decision: { comment?: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    verb: 'approved' | 'rejected',
    record: (decided: {
      actor: string;
      comment?: string;
      now: Date;
    }) => Promise<T | undefined | null>,
    allowed?: (request: ExemptionRequest, now: Date) => Promise<void>,
  ): Promise<T> {
    const request = await this.decidable(id, credentials, verb);
    // Four eyes: whoever asked may withdraw (reject) the request, never
    // approve it, even when they may manage the entity's exemptions, unless
    // the configuration allows it (a portal with a single user).
    if (
      verb === 'approved' &&
      !this.options.selfApproval &&
      isRequester(request, credentials)
    )
      throw new NotAllowedError(
        'You requested this exemption; another owner or an admin must approve it',
      );
    const now = this.now();
    if (allowed && request.status === 'pending') await allowed(request, now);
    const decided = await record({
      actor: credentials.principal.userEntityRef,
      comment: decision.comment,
      now,
    });
    if (!decided) throw await this.notPending(id, verb);
    return decided;
  }

  private async notPending(id: string, verb: string) {
    const request = await this.options.requests.getRequest(id, this.now());
    return new ConflictError(
      `Exemption request ${id} is ${
        request?.status ?? 'gone'
      }; only a pending request can be ${verb}`,
    );
  }

  /**
   * Approves a pending, unexpired request, if the caller may manage the
   * entity's exemptions and is not its requester (a NotAllowedError: four
   * eyes): the exemption is created and the entity graded at once, so the
   * check reads `exempt`. A ConflictError when the request was decided
   * already or has expired, and as on submitting, leaving it pending (to be
   * rejected or withdrawn), when the entity passes the check now, its status
   * is unknown, or an exemption covers it already.
   */
  async approve(
    id: string,
    decision: { comment?: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{
    request: ExemptionRequest;
    exemption: Exemption;
    results: EntityScorecardResult[];
  }> {
    const approved = await this.decide(
      id,
      decision,
      credentials,
      'approved',
      d => this.options.requests.approve(id, d),
      async ({ entityRef, checkId }, now) =>
        this.refuseUnlessFailing(
          entityRef,
          checkId,
          await this.gradedStatuses(entityRef, checkId),
          now,
        ),
    );
    // The evaluator clears the summaries when it stores the results.
    const results = await this.options.evaluator.evaluateOne(
      approved.request.entityRef,
    );
    await this.notify(approved.request.requestedBy, approved.request, {
      title: `Exemption approved: ${this.checkTitle(
        approved.request.checkId,
      )} on ${parseEntityRef(approved.request.entityRef).name}`,
      description: `${
        approved.request.decidedBy
      } approved your request to exempt ${
        approved.request.entityRef
      } from '${this.checkTitle(
        approved.request.checkId,
      )}' until ${approved.request.expiresAt.slice(0, 10)}.${this.commentOf(
        approved.request,
      )}`,
    });
    return { ...approved, results };
  }

  /**
   * Rejects a pending, unexpired request, if the caller may manage the
   * entity's exemptions (its requester too, withdrawing it); a
   * ConflictError when it was decided already or has expired.
   */
  async reject(
    id: string,
    decision: { comment?: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ request: ExemptionRequest }> {
    const request = await this.decide(
      id,
      decision,
      credentials,
      'rejected',
      d => this.options.requests.reject(id, d),
    );
    if (isRequester(request, credentials)) {
      // Withdrawn: the owner was told of the request, so of this too.
      if (request.owner)
        await this.notify(request.owner, request, {
          title: `Exemption request withdrawn: ${this.checkTitle(
            request.checkId,
          )} on ${parseEntityRef(request.entityRef).name}`,
          description: `${
            request.requestedBy
          } withdrew their request to exempt ${
            request.entityRef
          } from '${this.checkTitle(request.checkId)}'.${this.commentOf(
            request,
          )}`,
        });
      return { request };
    }
    await this.notify(request.requestedBy, request, {
      title: `Exemption rejected: ${this.checkTitle(request.checkId)} on ${
        parseEntityRef(request.entityRef).name
      }`,
      description: `${request.decidedBy} rejected your request to exempt ${
        request.entityRef
      } from '${this.checkTitle(request.checkId)}'.${this.commentOf(request)}`,
    });
    return { request };
  }

  /**
   * The expiry sweep, run before each incremental pass: pending requests
   * whose expiry has passed become expired (their requesters are told), and
   * entities with an exemption that has expired are graded again by the
   * pass (their versions are forgotten), so the check stops counting; the
   * exemption's request reads expired. Safe to run twice and on two
   * replicas at once: each step changes only what has not changed yet.
   */
  async expire(
    now: Date = this.now(),
  ): Promise<{ requests: number; exemptions: number }> {
    const { requests, store, logger } = this.options;
    const expired = await requests.expirePending(now);
    await this.notifyExpired(expired);
    const due = await requests.dueExemptions(now);
    let handled: Exemption[] = [];
    if (due.length) {
      // First queue the entities for grading, then record the expiry as
      // handled: a sweep that stops in between does it again next time.
      await store.forgetEntityVersions(due.map(e => e.entityRef));
      handled = await requests.markExemptionsExpired(
        due.map(e => e.id),
        now,
      );
    }
    if (expired.length || handled.length)
      logger.info(
        `Exemptions: ${expired.length} pending requests expired; ${handled.length} exemptions expired, their entities are graded again`,
      );
    return { requests: expired.length, exemptions: handled.length };
  }

  private async notifyExpired(expired: ExemptionRequest[]) {
    for (const request of expired)
      await this.notify(request.requestedBy, request, {
        title: `Exemption request expired: ${this.checkTitle(
          request.checkId,
        )} on ${parseEntityRef(request.entityRef).name}`,
        description: `Your request to exempt ${
          request.entityRef
        } from '${this.checkTitle(
          request.checkId,
        )}' was not decided before ${request.expiresAt.slice(0, 10)}.`,
      });
  }

  private checkTitle(checkId: string) {
    return this.options.checks.get(checkId)?.title ?? checkId;
  }

  private quote(text: string) {
    return text.length > REASON_IN_NOTIFICATION
      ? `${text.slice(0, REASON_IN_NOTIFICATION)}…`
      : text;
  }

  private commentOf(request: ExemptionRequest) {
    return request.comment ? ` Comment: ${this.quote(request.comment)}` : '';
  }

  /** Tells `recipient` (a user or group ref) about a request; a failure is logged, not thrown. */
  private async notify(
    recipient: string,
    request: ExemptionRequest,
    content: { title: string; description: string },
  ) {
    const { notifications, logger } = this.options;
    if (!notifications) return;
    const { kind, namespace, name } = parseEntityRef(request.entityRef);
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipient },
        payload: {
          ...content,
          link: `/catalog/${[namespace, kind, name]
            .map(encodeURIComponent)
            .join('/')}`,
          severity: 'normal',
          topic: 'scorecards',
        },
      });
    } catch (error) {
      // Never the reason or the comment: they may hold anything.
      logger.warn(
        `Could not notify ${recipient} about exemption request ${request.id}: ${error}`,
      );
    }
  }
}

/** Whether the caller asked for the request (refs compared in any case). */
function isRequester(
  request: ExemptionRequest,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
) {
  return (
    request.requestedBy.toLowerCase() ===
    credentials.principal.userEntityRef.toLowerCase()
  );
}
