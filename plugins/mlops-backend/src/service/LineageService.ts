import { createHash, randomUUID } from 'crypto';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  LINEAGE_MAX_DEPTH,
  LineageDirection,
  LineageEntity,
  LineageEntitySummary,
  lineageNotifyPermission,
  LineageNotice,
  LineageNoticeRequest,
  LineageResponse,
  LineageStep,
} from '@convergence/backstage-plugin-mlops-common';
import {
  catalogLineageLoader,
  LineageNode,
  LineageNodeLoader,
  lineagePath,
  LineageWalk,
  normalizeEntityRef,
  walkLineage,
} from '@convergence/backstage-plugin-mlops-node';
import { NoticeStore } from '../database/NoticeStore';

const validators = makeValidator();

/** A kind, namespace and name the catalog could hold (compared ignoring case). */
const canExist = ({ kind, namespace, name }: CompoundEntityRef) =>
  validators.isValidKind(kind) &&
  validators.isValidNamespace(namespace.toLocaleLowerCase('en-US')) &&
  validators.isValidEntityName(name);

/**
 * A serialized answer ready to send, with its strong ETag, and its gzipped
 * bytes once a client has asked for them (compressed once, not per request).
 */
export type CachedJson = { body: Buffer; etag: string; gzip?: Buffer };

/**
 * The lineage of an entity for a caller: the answer, and for callers who may
 * read everything also its shared bytes (what the route sends, with an ETag).
 */
export type LineageAnswer =
  | { answer: LineageResponse; cached: CachedJson }
  | { answer: LineageResponse };

/** The fields read to tell which entities a caller may read. */
const IDENTITY_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
/** The fields the refresh task lists to detect changes. */
const VERSION_FIELDS = [...IDENTITY_FIELDS, 'metadata.etag'];

/** How many callers' catalog-read decisions are kept at most. */
const DECISION_CACHE_MAX_CALLERS = 10_000;

type Decide = () => Promise<PolicyDecision>;

/** A walk over the whole graph, and every ref it looked up (reached or not). */
type WalkEntry = {
  walk: LineageWalk;
  /** Refs the walk read (including absent ones), to drop it when one changes. */
  refs: Set<string>;
  /** The answer for callers who may read everything, and its bytes. */
  shared?: { answer: LineageResponse; cached: CachedJson };
};

/** A node cache entry; `node` is undefined for a ref the catalog does not have. */
type CachedNode = { node?: LineageNode };

function toCachedJson(value: unknown): CachedJson {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const hash = createHash('sha1').update(body).digest('base64url');
  return { body, etag: `"${hash}"` };
}

/** Orders strings by UTF-16 code units, the same in every locale. */
const byCodeUnits = (a: string, b: string) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/** The response fields of an entity, without undefined values. */
function describe(node: LineageNode): LineageEntitySummary {
  const { entityRef, kind, namespace, name, title, type, owner, lifecycle } =
    node;
  return JSON.parse(
    JSON.stringify({
      entityRef,
      kind,
      namespace,
      name,
      title,
      type,
      owner,
      lifecycle,
    }),
  );
}

const NOTICE_SEVERITY: Record<
  LineageNoticeRequest['type'],
  NotificationSeverity
> = {
  incident: 'critical',
  'personal-data': 'high',
  deprecation: 'normal',
  other: 'normal',
};

/** The notification title for a notice about `ref`. */
function noticeTitle(ref: string, notice: LineageNoticeRequest): string {
  const dated = notice.effectiveDate ? ` (${notice.effectiveDate})` : '';
  switch (notice.type) {
    case 'deprecation':
      return `${ref} is deprecated from ${notice.effectiveDate}`;
    case 'personal-data':
      return `${ref} contains personal data${dated}`;
    case 'incident':
      return `Incident: ${ref}${dated}`;
    default:
      return `Notice about ${ref}${dated}`;
  }
}

/**
 * Lineage over the catalog's relations, for a caller: the walk, the caller's
 * view of it, and notices to the teams downstream.
 *
 * The walk reads the whole graph with the plugin's own credentials through a
 * per-entity node cache, and whole walks are cached too, so a repeated query
 * costs no catalog read. {@link LineageService.refresh} (a scheduled task)
 * lists the catalog's etags and evicts what changed: answers are at most one
 * refresh interval stale. The caches are in this process's memory and each
 * replica refreshes its own (scope `local`).
 */
export class LineageService {
  /** Lineage nodes by full lower-case ref, including refs the catalog lacks. */
  private readonly nodes: LRUCache<string, CachedNode>;
  /** Walks over the whole graph by direction, depth and root. */
  private readonly walks: LRUCache<string, WalkEntry>;
  /** Walks being computed, shared by concurrent callers. */
  private readonly running = new Map<string, Promise<WalkEntry>>();
  /** Users' catalog-read decisions, by a hash of their token. */
  private readonly decisions?: LRUCache<string, PolicyDecision, Decide>;
  /** Bumped on every eviction: loads and walks begun before it are not kept. */
  private generation = 0;
  /** Etags of the last refresh; undefined before the first. */
  private etags?: Map<string, string>;
  private readonly loadFromCatalog: LineageNodeLoader;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
      logger: LoggerService;
      store: NoticeStore;
      notifications: NotificationService;
      auditor?: AuditorService;
      /** How long a user's catalog-read decision is reused; default 10, 0 disables. */
      permissionDecisionCacheSeconds?: number;
      /** How many entities the node cache holds at most; default 100 000. */
      maxCachedEntities?: number;
      /** How many walks are kept at most; default 1000. */
      maxCachedWalks?: number;
      now?: () => Date;
    },
  ) {
    const maxEntities = options.maxCachedEntities ?? 100_000;
    if (!Number.isInteger(maxEntities) || maxEntities < 1)
      throw new Error(
        `mlops.lineage.maxCachedEntities must be a whole number, 1 or more, not ${maxEntities}`,
      );
    this.nodes = new LRUCache({ max: maxEntities });
    this.walks = new LRUCache({ max: options.maxCachedWalks ?? 1000 });
    this.loadFromCatalog = catalogLineageLoader(options.catalog, () =>
      options.auth.getOwnServiceCredentials(),
    );
    const seconds = options.permissionDecisionCacheSeconds ?? 10;
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(
        `mlops.lineage.permissionDecisionCacheSeconds must be a number of seconds, 0 or more, not ${seconds}`,
      );
    if (seconds > 0)
      this.decisions = new LRUCache<string, PolicyDecision, Decide>({
        max: DECISION_CACHE_MAX_CALLERS,
        ttl: seconds * 1000,
        // Concurrent misses share one request; a failed one is not kept.
        fetchMethod: (_key, _stale, { context }) => context(),
      });
  }

  /**
   * What a caller may see of the lineage of an entity (the REST route and
   * the `get-lineage` action): the answer, shared with its `cached` bytes by
   * every caller who may read the whole catalog, or computed for this caller.
   * A NotFoundError when the caller may not read the root.
   */
  async lineage(
    ref: CompoundEntityRef,
    query: { direction: LineageDirection; depth: number },
    credentials: BackstageCredentials,
  ): Promise<LineageAnswer> {
    const missing = this.missing(ref);
    if (!canExist(ref)) throw missing;
    const rootRef = normalizeEntityRef(stringifyEntityRef(ref));
    const decision = await this.readDecision(credentials);
    if (decision.result === AuthorizeResult.DENY) throw missing;
    const entry = await this.walk(rootRef, query.direction, query.depth);
    if (!entry.walk.root) throw missing;

    if (decision.result === AuthorizeResult.ALLOW) {
      if (!entry.shared) {
        const answer = await this.view(entry.walk, query, () => true);
        entry.shared = { answer, cached: toCachedJson(answer) };
      }
      return entry.shared;
    }
    // Conditionally allowed: one read with the caller's credentials says
    // which of the root and the entities reached the caller may read.
    const refs = [rootRef, ...entry.walk.hops.keys()];
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: IDENTITY_FIELDS },
      { credentials },
    );
    const readable = new Set(
      items.flatMap(e =>
        e ? [normalizeEntityRef(stringifyEntityRef(e))] : [],
      ),
    );
    if (!readable.has(rootRef)) throw missing;
    return {
      answer: await this.view(entry.walk, query, r => readable.has(r)),
    };
  }

  /**
   * Sends a notice about an entity to every team owning something downstream
   * of it, one notification per team, and stores it. Only for those allowed
   * `mlops.lineage.notify` on the entity (its owners, in the Convergence policy).
   */
  async sendNotice(
    ref: CompoundEntityRef,
    notice: LineageNoticeRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    request?: Request,
  ): Promise<LineageNotice> {
    const entityRef = await this.readableEntity(ref, credentials);
    const audit = await this.options.auditor?.createEvent({
      eventId: 'lineage-notice',
      severityLevel: 'medium',
      request,
      // Never the message: it may describe an incident or personal data.
      meta: {
        entityRef,
        type: notice.type,
        ...(notice.effectiveDate && { effectiveDate: notice.effectiveDate }),
      },
    });
    try {
      const sent = await this.notify(entityRef, notice, credentials);
      await audit?.success({
        meta: { noticeId: sent.id, recipients: sent.recipients },
      });
      const [answer] = await this.redactRecipients(ref, [sent], credentials);
      return answer;
    } catch (error) {
      await audit?.fail({ error: error as Error });
      throw error;
    }
  }

  /** The notices sent about an entity the caller may read, newest first. */
  async listNotices(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{ items: LineageNotice[] }> {
    const entityRef = await this.readableEntity(ref, credentials);
    const items = await this.options.store.list(entityRef);
    return { items: await this.redactRecipients(ref, items, credentials) };
  }

  /**
   * The notices as the caller may see them: a recipient that owns nothing
   * downstream the caller may read is counted in `hiddenRecipients`, not
   * named (naming it would tell that a hidden entity exists downstream and
   * who owns it). Callers who may read every entity see every recipient.
   */
  private async redactRecipients(
    ref: CompoundEntityRef,
    notices: LineageNotice[],
    credentials: BackstageCredentials,
  ): Promise<LineageNotice[]> {
    if (notices.length === 0) return notices;
    const { answer } = await this.lineage(
      ref,
      { direction: 'downstream', depth: LINEAGE_MAX_DEPTH },
      credentials,
    );
    if (answer.totals.hidden === 0) return notices;
    const visible = new Set(
      answer.entities.flatMap(e => (e.owner ? [e.owner] : [])),
    );
    return notices.map(notice => {
      const recipients = notice.recipients.filter(r => visible.has(r));
      const hiddenRecipients = notice.recipients.length - recipients.length;
      return hiddenRecipients === 0
        ? notice
        : { ...notice, recipients, hiddenRecipients };
    });
  }

  /**
   * Lists every entity's etag with the plugin's credentials and evicts the
   * entities that changed, appeared or disappeared since the last refresh,
   * and the walks that read any of them. The first refresh records the etags
   * and drops everything cached before it. Returns the refs evicted.
   */
  async refresh(): Promise<string[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const etags = new Map<string, string>();
    for await (const page of this.options.catalog.streamEntities(
      { fields: VERSION_FIELDS },
      { credentials },
    )) {
      for (const entity of page) {
        const ref = normalizeEntityRef(stringifyEntityRef(entity));
        etags.set(ref, entity.metadata.etag ?? '');
      }
    }
    const previous = this.etags;
    this.etags = etags;
    if (!previous) {
      this.generation++;
      this.nodes.clear();
      this.walks.clear();
      return [];
    }
    const changed = new Set<string>();
    for (const [ref, etag] of etags) {
      if (previous.get(ref) !== etag) changed.add(ref);
    }
    for (const ref of previous.keys()) {
      if (!etags.has(ref)) changed.add(ref);
    }
    // Cached nodes read between two refreshes may already be older than
    // this one's etags (or cache a ref as absent that exists now).
    for (const [ref, cached] of this.nodes.entries()) {
      const etag = etags.get(ref);
      if (cached.node ? cached.node.etag !== etag : etag !== undefined)
        changed.add(ref);
    }
    if (changed.size === 0) return [];
    this.generation++;
    for (const ref of changed) this.nodes.delete(ref);
    for (const [key, entry] of this.walks.entries()) {
      for (const ref of changed) {
        if (entry.refs.has(ref)) {
          this.walks.delete(key);
          break;
        }
      }
    }
    this.options.logger.debug(
      `Lineage cache: ${changed.size} changed entities evicted`,
    );
    return [...changed];
  }

  private missing(ref: CompoundEntityRef) {
    return new NotFoundError(
      `No entity ${ref.kind}:${ref.namespace}/${ref.name}`,
    );
  }

  /** The full lower-case ref if the caller may read the entity, else a NotFoundError. */
  private async readableEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<string> {
    if (!canExist(ref)) throw this.missing(ref);
    const entity = await this.options.catalog.getEntityByRef(
      normalizeEntityRef(stringifyEntityRef(ref)),
      { credentials },
    );
    if (!entity) throw this.missing(ref);
    return normalizeEntityRef(stringifyEntityRef(entity));
  }

  private async notify(
    entityRef: string,
    notice: LineageNoticeRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<LineageNotice> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: lineageNotifyPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `only the owners of ${entityRef} may send notices`,
      );

    const { walk } = await this.walk(
      entityRef,
      'downstream',
      LINEAGE_MAX_DEPTH,
    );
    const root = walk.root;
    if (!root) throw new NotFoundError(`No entity ${entityRef}`);
    const downstream = new Map<string, string[]>();
    for (const { node } of walk.hops.values()) {
      if (node.owner) {
        const owned = downstream.get(node.owner) ?? [];
        owned.push(node.entityRef);
        downstream.set(node.owner, owned);
      }
    }
    if (downstream.size === 0)
      throw new ConflictError(
        `nothing downstream of ${entityRef} has an owner to notify`,
      );

    const id = randomUUID();
    // As the catalog's entity route spells it: kind and namespace lower case.
    const link = `/catalog/${[
      root.namespace.toLocaleLowerCase('en-US'),
      root.kind.toLocaleLowerCase('en-US'),
      root.name,
    ]
      .map(encodeURIComponent)
      .join('/')}`;
    const title = noticeTitle(entityRef, notice);
    const owners = [...downstream.keys()].sort();
    const results = await Promise.allSettled(
      owners.map(owner => {
        const owned = downstream.get(owner)!;
        const count =
          owned.length === 1
            ? `1 entity of ${owner} is downstream of ${entityRef}: ${owned[0]}`
            : `${owned.length} entities of ${owner} are downstream of ${entityRef}`;
        return this.options.notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title,
            description: notice.message
              ? `${notice.message}\n\n${count}.`
              : `${count}.`,
            link,
            severity: NOTICE_SEVERITY[notice.type],
            topic: 'mlops.lineage',
            metadata: { noticeId: id, entityRef },
          },
        });
      }),
    );
    const recipients = owners.filter(
      (_, i) => results[i].status === 'fulfilled',
    );
    const failed = owners.filter((_, i) => results[i].status === 'rejected');
    if (failed.length > 0) {
      const reason = results.find(r => r.status === 'rejected') as
        | PromiseRejectedResult
        | undefined;
      this.options.logger.warn(
        `Lineage notice ${id} about ${entityRef} could not be sent to ${failed.join(
          ', ',
        )}: ${reason?.reason}`,
      );
    }
    if (recipients.length === 0)
      throw new ServiceUnavailableError(
        `the notice about ${entityRef} could not be sent to any of the ${owners.length} downstream owners; try again later`,
      );

    const sent: LineageNotice = {
      id,
      entityRef,
      type: notice.type,
      ...(notice.message !== undefined && { message: notice.message }),
      ...(notice.effectiveDate !== undefined && {
        effectiveDate: notice.effectiveDate,
      }),
      sentBy: credentials.principal.userEntityRef,
      sentAt: (this.options.now?.() ?? new Date()).toISOString(),
      recipients,
    };
    await this.options.store.insert(sent);
    return sent;
  }

  /** The walk over the whole graph, from the cache or computed once for concurrent callers. */
  private async walk(
    rootRef: string,
    direction: LineageDirection,
    depth: number,
  ): Promise<WalkEntry> {
    const key = `${direction}\u0000${depth}\u0000${rootRef}`;
    const cached = this.walks.get(key);
    if (cached) return cached;
    let running = this.running.get(key);
    if (!running) {
      running = this.computeWalk(key, rootRef, direction, depth).finally(() =>
        this.running.delete(key),
      );
      this.running.set(key, running);
    }
    return running;
  }

  private async computeWalk(
    key: string,
    rootRef: string,
    direction: LineageDirection,
    depth: number,
  ): Promise<WalkEntry> {
    const generation = this.generation;
    const refs = new Set<string>();
    const walk = await walkLineage({
      root: rootRef,
      direction,
      maxDepth: depth,
      load: batch => {
        batch.forEach(r => refs.add(r));
        return this.loadNodes(batch);
      },
    });
    const entry: WalkEntry = { walk, refs };
    // A refresh evicted something meanwhile: answer, but do not keep.
    if (generation === this.generation) this.walks.set(key, entry);
    return entry;
  }

  /** Nodes from the cache; the others read from the catalog with the plugin's credentials. */
  private async loadNodes(
    refs: readonly string[],
  ): Promise<Map<string, LineageNode>> {
    const found = new Map<string, LineageNode>();
    const misses: string[] = [];
    for (const ref of refs) {
      const cached = this.nodes.get(ref);
      if (!cached) misses.push(ref);
      else if (cached.node) found.set(ref, cached.node);
    }
    if (misses.length === 0) return found;
    const generation = this.generation;
    const loaded = await this.loadFromCatalog(misses);
    for (const ref of misses) {
      const node = loaded.get(ref);
      if (node) found.set(ref, node);
      if (generation === this.generation) this.nodes.set(ref, { node });
    }
    return found;
  }

  /**
   * The answer for a caller who may read the entities `readable` says:
   * unreadable ones are counted as hidden and never named. A readable entity
   * gets the shortest path through readable entities when there is one
   * within the depth, else its shortest path with the unreadable hops
   * redacted; its depth is the length of that path.
   */
  private async view(
    walk: LineageWalk,
    query: { direction: LineageDirection; depth: number },
    readable: (ref: string) => boolean,
  ): Promise<LineageResponse> {
    const root = walk.root!;
    const everything = [...walk.hops.keys()].every(readable);
    // The walk again through readable entities only, over the nodes the
    // first walk read: no catalog read.
    const readableWalk = everything
      ? undefined
      : await walkLineage({
          root: root.entityRef,
          direction: query.direction,
          maxDepth: query.depth,
          load: async refs => {
            const found = new Map<string, LineageNode>();
            for (const ref of refs) {
              const hop = walk.hops.get(ref);
              if (ref === root.entityRef) found.set(ref, root);
              else if (hop && readable(ref)) found.set(ref, hop.node);
            }
            return found;
          },
        });
    const readablePath = (ref: string): LineageStep[] | undefined =>
      readableWalk?.hops.has(ref) ? lineagePath(readableWalk, ref) : undefined;
    const entities: LineageEntity[] = [];
    let hidden = 0;
    for (const { node } of walk.hops.values()) {
      if (!readable(node.entityRef)) {
        hidden++;
        continue;
      }
      const path: LineageStep[] =
        readablePath(node.entityRef) ??
        lineagePath(walk, node.entityRef).map(step =>
          readable(step.entityRef)
            ? step
            : { relation: step.relation, hidden: true },
        );
      entities.push({ ...describe(node), depth: path.length, path });
    }
    entities.sort(
      (a, b) => a.depth - b.depth || byCodeUnits(a.entityRef, b.entityRef),
    );
    const byKind: Record<string, number> = {};
    const byOwner: Record<string, number> = {};
    for (const e of entities) {
      byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
      const owner = e.owner ?? 'unowned';
      byOwner[owner] = (byOwner[owner] ?? 0) + 1;
    }
    return {
      root: describe(walk.root!),
      direction: query.direction,
      depth: query.depth,
      entities,
      totals: {
        entities: entities.length,
        hidden,
        byKind,
        byOwner,
        owners: new Set(entities.flatMap(e => (e.owner ? [e.owner] : []))).size,
      },
      truncated: walk.truncated,
    };
  }

  /**
   * The caller's catalog-read decision; users' decisions are reused for
   * `permissionDecisionCacheSeconds`, keyed by a hash of their limited token
   * (never the token itself).
   */
  private async readDecision(
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const ask = async () => {
      const [decision] = await this.options.permissions.authorizeConditional(
        [{ permission: catalogEntityReadPermission }],
        { credentials },
      );
      return decision;
    };
    if (!this.decisions || !this.options.auth.isPrincipal(credentials, 'user'))
      return ask();
    const { token } = await this.options.auth.getLimitedUserToken(credentials);
    const key = createHash('sha256').update(token).digest('base64url');
    const decision = await this.decisions.fetch(key, { context: ask });
    return decision ?? ask();
  }
}
