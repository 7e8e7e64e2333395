import { createHash } from 'crypto';
import { DateTime } from 'luxon';
import { LRUCache } from 'lru-cache';
import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  CacheService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  CompoundEntityRef,
  Entity,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  EntityScorecardResult,
  Exemption,
  OwnerScorecardSummary,
  ScorecardSummary,
  ScorecardTrendPoint,
  scorecardsExemptionManagePermission,
  scorecardsRefreshPermission,
} from '@convergence/backstage-plugin-scorecards-common';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';
import { ScorecardStore, SummaryFilter } from '../database/ScorecardStore';
import { CompiledScorecard } from '../engine/definitions';
import { ScorecardEvaluator } from './ScorecardEvaluator';
import { CachedJson, SummaryCache } from './SummaryCache';

const validators = makeValidator();

/** A kind, namespace and name the catalog could hold (compared as the catalog does, ignoring case). */
export const canExist = (kind: string, namespace: string, name: string) =>
  validators.isValidKind(kind) &&
  validators.isValidNamespace(namespace.toLowerCase()) &&
  validators.isValidEntityName(name);

const lower = (ref: string) => ref.toLowerCase();

/** The instant `days` whole days (of 24 hours) before `date`. */
const daysBefore = (date: Date, days: number) =>
  DateTime.fromJSDate(date, { zone: 'utc' }).minus({ days }).toJSDate();

/** The kinds whose results a conditionally allowed caller may see, if the catalog returns them. */
const GRADED_KINDS = ['Model', 'Dataset', 'Pipeline', 'Component'];

/** How many owners of a batch are summarised at once. */
const BATCH_CONCURRENCY = 8;

/** What a summary covers: full lower-case refs, and the days of trend. */
export type SummaryQuery = { owner?: string; system?: string; days: number };

/** A summary, as `GET /summary` answers it. */
export type SummaryAnswer = {
  owners?: string[];
  summaries: ScorecardSummary[];
  trend: ScorecardTrendPoint[];
};

/** A failing check to fix, as {@link ScorecardQueries.whatToFixNext} ranks them. */
export type CheckToFix = {
  scorecardId: string;
  checkId: string;
  title: string;
  why: string;
  howToFix: string;
  /** The owner's entities failing it (that the caller may read). */
  failing: number;
  /** Those and the entities downstream of them. */
  affects: number;
  /** Some of the entities failing it, those with the most downstream first. */
  entities: string[];
};

/** How many failing entities {@link ScorecardQueries.whatToFixNext} names per check. */
const ENTITIES_PER_CHECK = 10;

/**
 * The days of trend of the summary {@link ScorecardQueries.whatToFixNext}
 * reads (the trend is not used): the ownership page's, so both share the
 * cached summary.
 */
const WHAT_TO_FIX_DAYS = 90;

/** An owner and the groups below it, as lower-case refs; `known` when the catalog has the owner. */
export type OwnerTree = { refs: string[]; known: boolean };

/** What the caller may read of the catalog: everything, or these entities. */
type Visibility = { all: true } | { all: false; entityRefs: string[] };

/** How many callers' catalog-read decisions are kept at most. */
const DECISION_CACHE_MAX_CALLERS = 10_000;

/** How the read decision's request is passed to the LRU's fetchMethod. */
type Decide = () => Promise<PolicyDecision>;

/**
 * The scorecards' read and write operations for a caller, with the caller's
 * permissions applied: what the REST routes answer, and what other callers
 * (actions, other plugins) use. Owns the summary cache, which the evaluator
 * clears each time it stores or removes results.
 */
export class ScorecardQueries {
  private readonly summaries: SummaryCache;
  /** Users' catalog-read decisions, by a hash of their token (see `readDecision`). */
  private readonly decisions?: LRUCache<string, PolicyDecision, Decide>;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      /** Derives the cache key of a user's read decision from their credentials. */
      auth: AuthService;
      /**
       * How long a user's catalog-read decision is reused
       * (`scorecards.permissionDecisionCacheSeconds`); default 10, 0 disables.
       */
      permissionDecisionCacheSeconds?: number;
      catalog: CatalogService;
      store: ScorecardStore;
      evaluator: ScorecardEvaluator;
      scorecards: CompiledScorecard[];
      checks: ReadonlyMap<string, ScorecardCheck>;
      /** Shares summaries of callers who may read the whole catalog between replicas. */
      cache?: CacheService;
      now?: () => Date;
    },
  ) {
    this.summaries = new SummaryCache({
      shared: options.cache,
      ttlSeconds: 60,
      maxEntries: 500,
    });
    // This replica's summaries show new results at once; others' within 60 s.
    options.evaluator.onResultsChanged(() => this.summaries.clear());
    const seconds = options.permissionDecisionCacheSeconds ?? 10;
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(
        `scorecards.permissionDecisionCacheSeconds must be a number of seconds, 0 or more, not ${seconds}`,
      );
    if (seconds > 0)
      this.decisions = new LRUCache<string, PolicyDecision, Decide>({
        max: DECISION_CACHE_MAX_CALLERS,
        ttl: seconds * 1000,
        // Read the clock on every lookup (the injectable one, in tests).
        perf: { now: () => this.now().getTime() },
        ttlResolution: 0,
        // Concurrent misses share one request; a failed one is not kept.
        fetchMethod: (_key, _stale, { context }) => context(),
      });
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** The scorecards configured and the checks they use. */
  definitions() {
    return {
      scorecards: this.options.scorecards.map(({ matches, ...s }) => s),
      checks: [...this.options.checks.values()].map(
        ({ id, title, why, howToFix }) => ({ id, title, why, howToFix }),
      ),
    };
  }

  /**
   * The entity, if the caller may read it; a NotFoundError if the catalog
   * has no such entity for the caller.
   */
  async readable(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const { kind, namespace, name } = ref;
    const missing = () =>
      new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
    if (!canExist(kind, namespace, name)) throw missing();
    const entity = await this.options.catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) throw missing();
    return entity;
  }

  /**
   * The entity as a full lower-case ref, if the caller may read it; a
   * NotFoundError if the catalog has no such entity for the caller.
   */
  async readableEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<string> {
    return lower(stringifyEntityRef(await this.readable(ref, credentials)));
  }

  /** A NotAllowedError unless the caller may do `permission` on the entity. */
  async authorize(
    credentials: BackstageCredentials,
    permission: typeof scorecardsRefreshPermission,
    resourceRef: string,
  ) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${permission.name} on ${resourceRef}`,
      );
    }
  }

  /**
   * What the caller may read: unconditionally allowed callers everything,
   * conditionally allowed ones only the entities the catalog returns for
   * them, denied ones nothing.
   */
  private async visibility(
    credentials: BackstageCredentials,
  ): Promise<Visibility> {
    const decision = await this.readDecision(credentials);
    if (decision.result === AuthorizeResult.ALLOW) return { all: true };
    if (decision.result === AuthorizeResult.DENY)
      return { all: false, entityRefs: [] };
    const entityRefs: string[] = [];
    for await (const page of this.options.catalog.streamEntities(
      {
        filter: { kind: GRADED_KINDS },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    )) {
      entityRefs.push(...page.map(e => lower(stringifyEntityRef(e))));
    }
    return { all: false, entityRefs };
  }

  /**
   * The caller's conditional decision on reading the catalog. A user's is
   * reused for `permissionDecisionCacheSeconds`: the permission backend
   * decides on what the user's token says (the user, and the ownership
   * claims its user info resolves to), so the decision is kept under a
   * SHA-256 hash of the limited user token that the permissions service
   * sends on the user's behalf (never the token itself). A new token (a new
   * sign-in, changed group memberships) is a new key. Services' decisions
   * are taken locally by the permissions service and are not kept.
   */
  private async readDecision(
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const decide = async () =>
      (
        await this.options.permissions.authorizeConditional(
          [{ permission: catalogEntityReadPermission }],
          { credentials },
        )
      )[0];
    const key = this.decisions && (await this.decisionKey(credentials));
    if (!key) return decide();
    const decision = await this.decisions!.fetch(key, { context: decide });
    if (!decision) throw new Error('No catalog read decision');
    return decision;
  }

  /** The cache key of a user's decision; undefined for other callers. */
  private async decisionKey(
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    const { auth } = this.options;
    if (!auth.isPrincipal(credentials, 'user')) return undefined;
    let token: string;
    try {
      ({ token } = await auth.getLimitedUserToken(credentials));
    } catch {
      // No key for this token (e.g. without an identity proof): ask every time.
      return undefined;
    }
    return createHash('sha256').update(token).digest('base64url');
  }

  private static restrict(filter: SummaryFilter, visibility: Visibility) {
    return visibility.all
      ? filter
      : { ...filter, entityRefs: visibility.entityRefs };
  }

  /** `filter` restricted to the entities the caller may read. */
  async visibleFilter(
    credentials: BackstageCredentials,
    filter: SummaryFilter = {},
  ): Promise<SummaryFilter> {
    return ScorecardQueries.restrict(
      filter,
      await this.visibility(credentials),
    );
  }

  /**
   * A group and every group below it (through `parentOf`), as lower-case
   * refs; `known` is false when the catalog has no such owner (for this
   * caller).
   */
  async ownerTree(
    ownerRef: string,
    credentials: BackstageCredentials,
  ): Promise<OwnerTree> {
    return (await this.ownerTrees([ownerRef], credentials)).get(ownerRef)!;
  }

  /**
   * {@link ScorecardQueries.ownerTree} of each of these owners, by owner.
   * The walks go down level by level together, with one catalog request
   * per level for all of them.
   */
  async ownerTrees(
    ownerRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, OwnerTree>> {
    const groups = new Map<string, Entity | undefined>();
    const walks = [...new Set(ownerRefs)].map(owner => ({
      owner,
      seen: new Set<string>([lower(owner)]),
      frontier: [owner],
      known: undefined as boolean | undefined,
    }));
    for (;;) {
      const frontier = walks.flatMap(w => w.frontier);
      if (!frontier.length) break;
      const missing = [...new Set(frontier.map(lower))].filter(
        ref => !groups.has(ref),
      );
      if (missing.length) {
        const { items } = await this.options.catalog.getEntitiesByRefs(
          // The relations are all the walk reads of a group.
          { entityRefs: missing, fields: ['kind', 'relations'] },
          { credentials },
        );
        missing.forEach((ref, i) => groups.set(ref, items[i] ?? undefined));
      }
      for (const walk of walks) {
        const items = walk.frontier.map(ref => groups.get(lower(ref)));
        if (items.length) walk.known ??= Boolean(items[0]);
        walk.frontier = items
          .flatMap(e =>
            (e?.relations ?? [])
              .filter(r => r.type === 'parentOf')
              .map(r => r.targetRef),
          )
          .filter(ref => !walk.seen.has(lower(ref)));
        walk.frontier.forEach(ref => walk.seen.add(lower(ref)));
      }
    }
    return new Map(
      walks.map(w => [w.owner, { refs: [...w.seen], known: w.known ?? false }]),
    );
  }

  /**
   * The summary, and whether the catalog has the owner and system asked for
   * (an answer about names it does not have is not cached).
   */
  private async computeSummary(
    query: SummaryQuery,
    credentials: BackstageCredentials,
    visibility: Visibility,
    treeOf: (owner: string) => Promise<OwnerTree>,
  ): Promise<{ answer: SummaryAnswer; known: boolean }> {
    const filter: SummaryFilter = {};
    let known = true;
    if (query.owner) {
      const owners = await treeOf(query.owner);
      filter.ownerRefs = owners.refs;
      known = owners.known;
    }
    if (query.system) {
      filter.systemRef = query.system;
      known &&= Boolean(
        await this.options.catalog.getEntityByRef(query.system, {
          credentials,
        }),
      );
    }
    const visible = ScorecardQueries.restrict(filter, visibility);
    const since = daysBefore(this.now(), query.days);
    const [summaries, trend] = await Promise.all([
      this.options.store.summarize(visible),
      this.options.store.trend(visible, since),
    ]);
    return { answer: { owners: filter.ownerRefs, summaries, trend }, known };
  }

  /**
   * The summary as JSON bytes with their ETag, from the cache, for callers
   * who may read the whole catalog; the plain answer for the others.
   *
   * Results change only when an evaluation runs (which clears the cache):
   * callers who may read the whole catalog share one answer per query for
   * 60 s. Owner and system are full refs here, so spellings of one name
   * share an answer; names the catalog does not have are answered but not
   * cached, so callers cannot fill the cache with them.
   */
  private async summaryOf(
    query: SummaryQuery,
    credentials: BackstageCredentials,
    visibility: Visibility,
    treeOf = (owner: string) => this.ownerTree(owner, credentials),
  ): Promise<{ cached: CachedJson } | { answer: SummaryAnswer }> {
    if (!visibility.all)
      return {
        answer: (
          await this.computeSummary(query, credentials, visibility, treeOf)
        ).answer,
      };
    const key = `summary:${query.owner ?? ''}:${query.system ?? ''}:${
      query.days
    }`;
    return {
      cached: await this.summaries.get(key, async () => {
        const { answer, known } = await this.computeSummary(
          query,
          credentials,
          visibility,
          treeOf,
        );
        return known ? answer : SummaryCache.uncached(answer);
      }),
    };
  }

  /**
   * The summary for an HTTP answer: ready-to-send JSON with its ETag when it
   * may be cached, else the answer.
   */
  async getSummaryResponse(
    query: SummaryQuery,
    credentials: BackstageCredentials,
  ): Promise<{ cached: CachedJson } | { answer: SummaryAnswer }> {
    return this.summaryOf(
      query,
      credentials,
      await this.visibility(credentials),
    );
  }

  /**
   * Level counts, scores, top failing checks and trend of the entities the
   * caller may read, of an owner and the groups below it and/or of a system.
   */
  async getSummary(
    query: SummaryQuery,
    credentials: BackstageCredentials,
  ): Promise<SummaryAnswer> {
    return ScorecardQueries.answerOf(
      await this.getSummaryResponse(query, credentials),
    );
  }

  private static answerOf(
    response: { cached: CachedJson } | { answer: SummaryAnswer },
  ): SummaryAnswer {
    return 'cached' in response
      ? JSON.parse(response.cached.body.toString('utf8'))
      : response.answer;
  }

  /**
   * The summaries of many owners: one item per owner asked for, in order,
   * each what {@link ScorecardQueries.getSummary} answers for it, with the
   * owner. The caller's permissions are looked up once, each distinct
   * owner is summarised once, and the owners' groups are walked together
   * (once the first summary is not in the cache).
   */
  async getSummaries(
    query: { owners: string[]; days: number },
    credentials: BackstageCredentials,
  ): Promise<{ items: OwnerScorecardSummary[] }> {
    const visibility = await this.visibility(credentials);
    const distinct = [...new Set(query.owners)];
    let trees: Promise<Map<string, OwnerTree>> | undefined;
    const treeOf = async (owner: string) =>
      (await (trees ??= this.ownerTrees(distinct, credentials))).get(owner)!;
    const answers = new Map<string, SummaryAnswer>();
    let next = 0;
    const worker = async () => {
      while (next < distinct.length) {
        const owner = distinct[next++];
        answers.set(
          owner,
          ScorecardQueries.answerOf(
            await this.summaryOf(
              { owner, days: query.days },
              credentials,
              visibility,
              treeOf,
            ),
          ),
        );
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(BATCH_CONCURRENCY, distinct.length) },
        worker,
      ),
    );
    return {
      items: query.owners.map(owner => ({ owner, ...answers.get(owner)! })),
    };
  }

  /**
   * The failing checks of an owner and the groups below it, across its
   * scorecards, ranked as the ownership page's "What to fix next" ranks each
   * scorecard's (its summary's `topFailingChecks`): what affects the most
   * entities first, then what fails most often; at most `limit`. Each with
   * the check's why and how to fix, and some of the failing entities the
   * caller may read. NotFoundError when the catalog has no such owner (for
   * the caller).
   */
  async whatToFixNext(
    query: { owner: string; limit: number },
    credentials: BackstageCredentials,
  ): Promise<{ owner: string; items: CheckToFix[] }> {
    const [visibility, tree] = await Promise.all([
      this.visibility(credentials),
      this.ownerTree(query.owner, credentials),
    ]);
    if (!tree.known) throw new NotFoundError(`No owner ${query.owner}`);
    const { summaries } = ScorecardQueries.answerOf(
      await this.summaryOf(
        { owner: query.owner, days: WHAT_TO_FIX_DAYS },
        credentials,
        visibility,
        async () => tree,
      ),
    );
    const ranked = summaries
      .flatMap(s =>
        s.topFailingChecks.map(c => ({
          scorecardId: s.scorecardId,
          checkId: c.checkId,
          failing: c.failing,
          affects: c.affects ?? c.failing,
        })),
      )
      // A stable sort: ties keep the scorecards' order and each one's.
      .sort((a, b) => b.affects - a.affects || b.failing - a.failing)
      .slice(0, query.limit);
    const failing = await this.options.store.failingEntities(
      ScorecardQueries.restrict({ ownerRefs: tree.refs }, visibility),
      ranked,
      ENTITIES_PER_CHECK,
    );
    return {
      owner: query.owner,
      items: ranked.map((c, i) => {
        const check = this.options.checks.get(c.checkId);
        return {
          scorecardId: c.scorecardId,
          checkId: c.checkId,
          title: check?.title ?? c.checkId,
          why: check?.why ?? '',
          howToFix: check?.howToFix ?? '',
          failing: c.failing,
          affects: c.affects,
          entities: failing[i].entityRefs,
        };
      }),
    };
  }

  /**
   * The latest results, lowest score first (at most 500), of the entities the
   * caller may read, of an owner and the groups below it and/or of a system.
   */
  async getResults(
    query: { owner?: string; system?: string },
    credentials: BackstageCredentials,
  ): Promise<{ results: EntityScorecardResult[] }> {
    const filter: SummaryFilter = {};
    if (query.owner)
      filter.ownerRefs = (await this.ownerTree(query.owner, credentials)).refs;
    if (query.system) filter.systemRef = query.system;
    return {
      results: await this.options.store.findResults(
        await this.visibleFilter(credentials, filter),
        500,
      ),
    };
  }

  /** The latest results of those of these entities (full lower-case refs) the caller may read. */
  async getResultsByRefs(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<{ results: EntityScorecardResult[] }> {
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const visible = items.flatMap(e =>
      e ? [lower(stringifyEntityRef(e))] : [],
    );
    return { results: await this.options.store.getResults(visible) };
  }

  /** An entity's latest results and exemptions; NotFoundError unless the caller may read it. */
  async getEntityResults(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{
    entityRef: string;
    results: EntityScorecardResult[];
    exemptions: Exemption[];
  }> {
    const entityRef = await this.readableEntity(ref, credentials);
    const [results, exemptions] = await Promise.all([
      this.options.store.getResults([entityRef]),
      this.options.store.listExemptions(entityRef),
    ]);
    return { entityRef, results, exemptions };
  }

  /** An entity's history over the last `days` days. */
  async getEntityHistory(
    ref: CompoundEntityRef,
    days: number,
    credentials: BackstageCredentials,
  ) {
    const entityRef = await this.readableEntity(ref, credentials);
    return {
      entityRef,
      history: await this.options.store.entityHistory(
        entityRef,
        daysBefore(this.now(), days),
      ),
    };
  }

  /** Grades an entity now, if the caller may refresh it; its new results. */
  async refreshEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ) {
    const entityRef = await this.readableEntity(ref, credentials);
    await this.authorize(credentials, scorecardsRefreshPermission, entityRef);
    // The evaluator clears the summaries when it stores the results.
    const results = await this.options.evaluator.evaluateOne(entityRef);
    return { entityRef, results };
  }

  /** An entity's exemptions and their audit trail. */
  async getExemptions(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ) {
    const entityRef = await this.readableEntity(ref, credentials);
    return {
      exemptions: await this.options.store.listExemptions(entityRef),
      audit: await this.options.store.auditTrail(entityRef),
    };
  }

  /**
   * Exempts an entity from a check, if the caller (a user) may manage its
   * exemptions; an InputError for an unknown check or an expiry in the past.
   */
  async createExemption(
    ref: CompoundEntityRef,
    exemption: { checkId: string; reason: string; expiresAt: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Exemption> {
    const entityRef = await this.readableEntity(ref, credentials);
    await this.authorize(
      credentials,
      scorecardsExemptionManagePermission,
      entityRef,
    );
    if (!this.options.checks.has(exemption.checkId))
      throw new InputError(`checkId: unknown check '${exemption.checkId}'`);
    const now = this.now();
    if (new Date(exemption.expiresAt) <= now)
      throw new InputError('expiresAt: must be in the future');
    return this.options.store.createExemption(
      {
        entityRef,
        ...exemption,
        expiresAt: new Date(exemption.expiresAt).toISOString(),
        author: credentials.principal.userEntityRef,
      },
      now,
    );
  }

  /**
   * Revokes an exemption, if the caller (a user) may manage the entity's
   * exemptions; NotFoundError for an id that names none. Undefined when it
   * was revoked meanwhile.
   */
  async revokeExemption(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Exemption | undefined> {
    const exemption = await this.options.store.getExemption(id);
    if (!exemption) throw new NotFoundError(`No exemption ${id}`);
    await this.authorize(
      credentials,
      scorecardsExemptionManagePermission,
      exemption.entityRef,
    );
    return this.options.store.revokeExemption(
      exemption.id,
      credentials.principal.userEntityRef,
      this.now(),
    );
  }
}
