import { randomBytes } from 'crypto';
import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { FilterPredicate } from '@backstage/filter-predicates';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  Campaign,
  CampaignBurnUpPoint,
  CampaignDetails,
  CampaignEntity,
  CampaignInput,
  CampaignProgress,
  CampaignSummary,
  CampaignTeamProgress,
  ScorecardDefinition,
  scorecardsCampaignManagePermission,
} from '@convergence/backstage-plugin-scorecards-common';
import { resolveRef } from '../checks/helpers';
import { campaignBody } from '../service/campaignInputs';
import { parseInput } from '../service/inputs';
import { OwnerTree, ScorecardQueries } from '../service/ScorecardQueries';
import { CampaignStore } from './CampaignStore';
import {
  CAMPAIGN_ID,
  campaignInstant,
  campaignProblem,
  targetChecks,
} from './readCampaigns';
import { CampaignService, CampaignState } from './types';

/** How many entities a campaign's page lists at most. */
const MAX_ENTITIES = 500;

/** The UTC day of an instant, `YYYY-MM-DD`. */
const dayOf = (instant: Date | string) =>
  (instant instanceof Date ? instant : new Date(instant))
    .toISOString()
    .slice(0, 10);

/** A catalog error that rejects the request (a 400). */
function isRejection(error: unknown) {
  const e = error as { name?: string; statusCode?: number } | undefined;
  return e?.name === 'InputError' || e?.statusCode === 400;
}

/** An error's message, first line, at most 200 characters (no stack, no request). */
function shortReason(error: unknown) {
  const message =
    (error as { message?: unknown } | undefined)?.message ?? String(error);
  const line = String(message).split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The campaign's state at `now`. */
export function stateOf(
  campaign: Pick<Campaign, 'startsAt' | 'deadline'>,
  now: Date,
): CampaignSummary['state'] {
  if (now < new Date(campaign.startsAt)) return 'upcoming';
  if (now > new Date(campaign.deadline)) return 'closed';
  return 'open';
}

/**
 * A campaign id from its title: the title in lower-case letters, digits and
 * dashes (accents dropped; at most 50), a dash and 6 random hex digits.
 */
export function campaignIdFor(title: string): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, 50)
      .replace(/-+$/, '') || 'campaign';
  return `${slug}-${randomBytes(3).toString('hex')}`;
}

/** What a campaign's coverage is for a caller. */
type Evaluation = {
  /** The covered entities that have a result (in an owner's tree, if asked). */
  entities: CampaignEntity[];
  /** The covered entities without a result (in that tree). */
  ungraded: number;
};

const progressOf = (e: Evaluation): CampaignProgress => ({
  done: e.entities.filter(x => x.done).length,
  total: e.entities.length,
  ungraded: e.ungraded,
});

/**
 * {@link CampaignService} over the stored results: a campaign's coverage is
 * computed when it is read, by streaming the catalog with the campaign's
 * filter and the caller's credentials (so what the caller may not read is
 * not covered), joined with the stored results of its scorecard.
 */
export class DefaultCampaignService implements CampaignService {
  constructor(
    private readonly options: {
      store: CampaignStore;
      queries: ScorecardQueries;
      catalog: CatalogService;
      permissions: PermissionsService;
      auth: AuthService;
      scorecards: ScorecardDefinition[];
      /** The campaigns of app-config.yaml (see readCampaigns). */
      configCampaigns: Campaign[];
      logger?: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  async all(): Promise<Campaign[]> {
    const { configCampaigns, store } = this.options;
    const configIds = new Set(configCampaigns.map(c => c.id));
    return [
      ...configCampaigns,
      ...(await store.listCampaigns()).filter(c => !configIds.has(c.id)),
    ];
  }

  /** A campaign not archived; NotFoundError otherwise. */
  private async find(id: string): Promise<Campaign> {
    const campaign =
      CAMPAIGN_ID.test(id) &&
      (this.options.configCampaigns.find(c => c.id === id) ??
        (await this.options.store.getCampaign(id)));
    if (!campaign) throw new NotFoundError(`No campaign ${id}`);
    return campaign;
  }

  /**
   * The covered entities the caller may read, each with its owner in the
   * catalog: those of the campaign's filter that its scorecard grades (its
   * filter too), so that an entity the scorecard never grades (a group,
   * with a filter of `{}`) is not counted as ungraded.
   */
  private async covered(
    campaign: Campaign,
    scorecard: ScorecardDefinition | undefined,
    credentials: BackstageCredentials,
  ): Promise<Map<string, string | undefined>> {
    const covered = new Map<string, string | undefined>();
    const query = (
      scorecard
        ? { $all: [campaign.filter, scorecard.filter] }
        : campaign.filter
    ) as FilterPredicate;
    for await (const page of this.options.catalog.streamEntities(
      {
        query,
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.owner'],
      },
      { credentials },
    )) {
      for (const entity of page) {
        const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
        covered.set(
          stringifyEntityRef(entity).toLowerCase(),
          typeof owner === 'string' && owner
            ? resolveRef(entity, owner, 'group')
            : undefined,
        );
      }
    }
    return covered;
  }

  /**
   * The covered entities (those in `tree`, when given) with their stored
   * result of the campaign's scorecard, and whether each meets the target.
   */
  private async evaluate(
    campaign: Campaign,
    credentials: BackstageCredentials,
    tree?: OwnerTree,
  ): Promise<Evaluation> {
    const scorecard = this.options.scorecards.find(
      s => s.id === campaign.scorecardId,
    );
    const covered = await this.covered(campaign, scorecard, credentials);
    // A scorecard removed from the config since: no results count.
    const rows = scorecard
      ? await this.options.store.targetRows(
          scorecard.id,
          [...covered.keys()],
          targetChecks(campaign.target, scorecard),
        )
      : [];
    const inTree = tree && new Set(tree.refs);
    const counts = (owner: string | null | undefined) =>
      !inTree || (Boolean(owner) && inTree.has(owner!));
    const { target } = campaign;
    const levels = scorecard?.levels.map(l => l.name) ?? [];
    const targetIndex = 'level' in target ? levels.indexOf(target.level) : -1;
    const entities = rows
      .filter(r => counts(r.ownerRef))
      .map(
        (r): CampaignEntity => ({
          entityRef: r.entityRef,
          ...(r.ownerRef ? { owner: r.ownerRef } : {}),
          level: r.level,
          // A level target: that level or a higher one (the stored level
          // already counts exempt checks as holding). A checks target: none
          // of them fails (exempt, n/a and unknown ones do not).
          done:
            'level' in target
              ? targetIndex >= 0 &&
                r.level !== null &&
                levels.indexOf(r.level) >= targetIndex
              : r.failing.length === 0,
          failingChecks: r.failing,
        }),
      );
    const graded = new Set(rows.map(r => r.entityRef));
    let ungraded = 0;
    for (const [ref, owner] of covered)
      if (!graded.has(ref) && counts(owner)) ungraded++;
    return { entities, ungraded };
  }

  /**
   * The teams among the entities, each with the groups below it rolled up
   * (as the summaries roll them up), best first: the direct owners, and
   * `owner` when one was asked for.
   */
  private async teams(
    entities: CampaignEntity[],
    credentials: BackstageCredentials,
    owner?: string,
  ): Promise<CampaignTeamProgress[]> {
    const owners = [
      ...new Set([
        ...(owner ? [owner] : []),
        ...entities.flatMap(e => (e.owner ? [e.owner] : [])),
      ]),
    ];
    if (!owners.length) return [];
    const trees = await this.options.queries.ownerTrees(owners, credentials);
    return owners
      .map(team => {
        const refs = new Set(trees.get(team)?.refs ?? [team]);
        const mine = entities.filter(e => e.owner && refs.has(e.owner));
        return {
          owner: team,
          done: mine.filter(e => e.done).length,
          total: mine.length,
        };
      })
      .filter(t => t.total > 0)
      .sort(
        (a, b) =>
          b.done / b.total - a.done / a.total ||
          b.done - a.done ||
          a.owner.localeCompare(b.owner),
      );
  }

  /** Whether the caller may read the whole catalog, unconditionally. */
  private async readsEverything(credentials: BackstageCredentials) {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * The burn-up: the stored daily points from the start to today (or the
   * deadline), today's replaced by the live one.
   *
   * The stored points were computed with the plugin's own credentials, so
   * they count every covered entity, also those a caller may not read.
   * Only callers who may read the whole catalog unconditionally get them;
   * the others get the live point alone, computed with their credentials,
   * so the burn-up never tells anyone how many entities they cannot see.
   * An upcoming campaign has no points; a closed one no live point (its
   * last is the deadline's day).
   */
  private async burnUp(
    campaign: Campaign,
    live: CampaignProgress,
    credentials: BackstageCredentials,
    tree: OwnerTree | undefined,
  ): Promise<CampaignBurnUpPoint[]> {
    const today = dayOf(this.now());
    const start = dayOf(campaign.startsAt);
    const last = dayOf(campaign.deadline);
    if (today < start) return [];
    const livePoint =
      today <= last ? [{ day: today, done: live.done, total: live.total }] : [];
    if (!(await this.readsEverything(credentials))) return livePoint;
    const end = today < last ? today : last;
    const owners = tree && new Set(tree.refs);
    const byDay = new Map<string, CampaignBurnUpPoint>();
    for (const s of await this.options.store.snapshots(
      campaign.id,
      start,
      end,
    )) {
      if (s.day === today) continue;
      if (owners ? !owners.has(s.ownerRef) : s.ownerRef !== '') continue;
      const point = byDay.get(s.day) ?? { day: s.day, done: 0, total: 0 };
      point.done += s.done;
      point.total += s.total;
      byDay.set(s.day, point);
    }
    return [
      ...[...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
      ...livePoint,
    ];
  }

  private summary(
    campaign: Campaign,
    progress: CampaignProgress,
  ): CampaignSummary {
    return { ...campaign, state: stateOf(campaign, this.now()), progress };
  }

  async list(
    options: { owner?: string; state?: CampaignState },
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary[]> {
    const now = this.now();
    const state = options.state ?? 'all';
    const campaigns = (await this.all())
      .filter(c => state === 'all' || stateOf(c, now) === state)
      .sort(
        (a, b) =>
          a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id),
      );
    const tree = options.owner
      ? await this.options.queries.ownerTree(options.owner, credentials)
      : undefined;
    const items = await Promise.all(
      campaigns.map(async c => {
        try {
          return {
            campaign: c,
            progress: progressOf(await this.evaluate(c, credentials, tree)),
          };
        } catch (error) {
          // One campaign the catalog cannot compute does not hide the others.
          const reason = shortReason(error);
          this.options.logger?.warn(
            `Could not compute the progress of campaign ${c.id}: ${reason}`,
          );
          return {
            campaign: c,
            progress: { done: 0, total: 0, ungraded: 0 },
            error: `could not compute progress: ${reason}`,
          };
        }
      }),
    );
    return items
      .filter(
        // With an owner, only the campaigns covering some of its entities
        // (and those whose coverage is unknown, with their error).
        ({ progress: p, error }) =>
          !tree || error !== undefined || p.total + p.ungraded > 0,
      )
      .map(({ campaign, progress, error }) => ({
        ...this.summary(campaign, progress),
        ...(error !== undefined ? { error } : {}),
      }));
  }

  async get(
    id: string,
    options: { owner?: string },
    credentials: BackstageCredentials,
  ): Promise<CampaignDetails> {
    const campaign = await this.find(id);
    const tree = options.owner
      ? await this.options.queries.ownerTree(options.owner, credentials)
      : undefined;
    let evaluation: Evaluation;
    try {
      evaluation = await this.evaluate(campaign, credentials, tree);
    } catch (error) {
      const reason = shortReason(error);
      this.options.logger?.warn(
        `Could not compute the progress of campaign ${campaign.id}: ${reason}`,
      );
      const message = `Could not compute the progress of campaign ${
        campaign.id
      } with filter ${JSON.stringify(campaign.filter)}: ${reason}`;
      if (isRejection(error)) throw new InputError(message);
      throw new ServiceUnavailableError(message);
    }
    const progress = progressOf(evaluation);
    const [teams, burnUp] = await Promise.all([
      this.teams(evaluation.entities, credentials, options.owner),
      this.burnUp(campaign, progress, credentials, tree),
    ]);
    const entities = [...evaluation.entities]
      .sort(
        (a, b) =>
          Number(a.done) - Number(b.done) ||
          a.entityRef.localeCompare(b.entityRef),
      )
      .slice(0, MAX_ENTITIES);
    return {
      campaign: this.summary(campaign, progress),
      ...(tree ? { owners: tree.refs } : {}),
      teams,
      entities,
      burnUp,
    };
  }

  /** The user acting, if a user allowed `scorecards.campaign.manage`; NotAllowedError otherwise. */
  private async manager(credentials: BackstageCredentials): Promise<string> {
    const { auth, permissions } = this.options;
    if (!auth.isPrincipal(credentials, 'user'))
      throw new NotAllowedError('Only users may manage campaigns');
    const [decision] = await permissions.authorize(
      [{ permission: scorecardsCampaignManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `You may not ${scorecardsCampaignManagePermission.name}`,
      );
    return credentials.principal.userEntityRef;
  }

  /**
   * The input as a campaign's fields, checked: an InputError naming the
   * field (`target.level: …`, `deadline: …`) when it is not acceptable.
   */
  private async validate(
    input: unknown,
    credentials: BackstageCredentials,
    startsAtBefore?: string,
  ) {
    const body = parseInput(campaignBody, input, 'body');
    const now = this.now();
    const fields = {
      title: body.title,
      ...(body.description ? { description: body.description } : {}),
      scorecardId: body.scorecardId,
      target: body.target,
      filter: body.filter,
      startsAt: body.startsAt
        ? campaignInstant(body.startsAt, 'start')
        : startsAtBefore ?? now.toISOString(),
      deadline: campaignInstant(body.deadline, 'end'),
      owner: body.owner,
    };
    // A past deadline first: said as such, not as "before startsAt" (which
    // the caller may not have sent).
    if (new Date(fields.deadline) <= now)
      throw new InputError('deadline: must be in the future');
    const problem = campaignProblem(fields, this.options.scorecards);
    if (problem) throw new InputError(`${problem.field}: ${problem.message}`);
    // The owner is a group of the catalog the caller can read: one it
    // cannot (or one deleted) is as missing.
    if (
      !(await this.options.catalog.getEntityByRef(fields.owner, {
        credentials,
      }))
    )
      throw new InputError(`owner: no group ${fields.owner} in the catalog`);
    // What the catalog's query language accepts is narrower than the
    // predicate schema (e.g. a partial $contains): ask it once.
    try {
      await this.options.catalog.queryEntities(
        {
          query: fields.filter as FilterPredicate,
          limit: 1,
          fields: ['kind'],
        },
        { credentials },
      );
    } catch (error) {
      const e = error as {
        name?: string;
        statusCode?: number;
        message?: string;
      };
      if (e?.name === 'InputError' || e?.statusCode === 400)
        throw new InputError(
          `filter: the catalog does not accept it: ${e.message}`,
        );
      throw error;
    }
    return fields;
  }

  /** Stores today's burn-up point of one campaign (logged, not thrown, on failure). */
  private async snapshotOne(campaign: Campaign) {
    try {
      await this.snapshot(
        campaign,
        await this.options.auth.getOwnServiceCredentials(),
        this.now(),
      );
    } catch (error) {
      this.options.logger?.warn(
        `Could not record the burn-up of campaign ${campaign.id}: ${error}`,
      );
    }
  }

  async create(
    input: CampaignInput,
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary> {
    const actor = await this.manager(credentials);
    const fields = await this.validate(input, credentials);
    const configIds = new Set(this.options.configCampaigns.map(c => c.id));
    let id = campaignIdFor(fields.title);
    while (configIds.has(id)) id = campaignIdFor(fields.title);
    const created = await this.options.store.createCampaign(
      { id, ...fields, source: 'database', createdBy: actor },
      this.now(),
    );
    await this.snapshotOne(created);
    return this.summary(
      created,
      progressOf(await this.evaluate(created, credentials)),
    );
  }

  /** A database campaign to change: NotFoundError, or ConflictError for a config one. */
  private async changeable(id: string): Promise<Campaign> {
    const campaign = await this.find(id);
    if (campaign.source === 'config')
      throw new ConflictError(
        `Campaign ${id} is defined in app-config.yaml (scorecards.campaigns); change it there`,
      );
    return campaign;
  }

  async update(
    id: string,
    input: CampaignInput,
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary> {
    const actor = await this.manager(credentials);
    const before = await this.changeable(id);
    const fields = await this.validate(input, credentials, before.startsAt);
    const updated = await this.options.store.updateCampaign(
      { ...before, description: undefined, ...fields },
      actor,
      this.now(),
    );
    if (!updated) throw new NotFoundError(`No campaign ${id}`);
    await this.snapshotOne(updated);
    return this.summary(
      updated,
      progressOf(await this.evaluate(updated, credentials)),
    );
  }

  async archive(id: string, credentials: BackstageCredentials) {
    const actor = await this.manager(credentials);
    await this.changeable(id);
    if (!(await this.options.store.archiveCampaign(id, actor, this.now())))
      throw new NotFoundError(`No campaign ${id}`);
  }

  /** Stores the day's points of a campaign: the whole of it and each direct owner. */
  private async snapshot(
    campaign: Campaign,
    credentials: BackstageCredentials,
    now: Date,
  ) {
    const { entities } = await this.evaluate(campaign, credentials);
    const byOwner = new Map<string, { done: number; total: number }>();
    for (const e of entities) {
      if (!e.owner) continue;
      const point = byOwner.get(e.owner) ?? { done: 0, total: 0 };
      point.total++;
      if (e.done) point.done++;
      byOwner.set(e.owner, point);
    }
    // After the deadline, the last point is the deadline's day.
    const today = dayOf(now);
    const last = dayOf(campaign.deadline);
    await this.options.store.saveSnapshots(
      campaign.id,
      today < last ? today : last,
      [
        {
          ownerRef: '',
          done: entities.filter(e => e.done).length,
          total: entities.length,
        },
        ...[...byOwner].map(([ownerRef, p]) => ({ ownerRef, ...p })),
      ],
      now,
    );
  }

  /**
   * Logs a warning for each campaign of app-config.yaml whose owner is not
   * a group of the catalog (a typo, or a group deleted since): the config
   * is read at start-up, before the catalog can be asked, and such a
   * campaign is kept, not refused.
   */
  private async warnOfUnknownOwners(credentials: BackstageCredentials) {
    const { configCampaigns, catalog, logger } = this.options;
    if (!logger || !configCampaigns.length) return;
    try {
      const owners = [...new Set(configCampaigns.map(c => c.owner))];
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: owners, fields: ['kind', 'metadata.name'] },
        { credentials },
      );
      const missing = new Set(owners.filter((_, i) => !items[i]));
      for (const c of configCampaigns)
        if (missing.has(c.owner))
          logger.warn(
            `Campaign ${c.id} of app-config.yaml (scorecards.campaigns) has the owner ${c.owner}, which is not a group in the catalog`,
          );
    } catch (error) {
      logger.warn(
        `Could not check the owners of the campaigns of app-config.yaml: ${shortReason(
          error,
        )}`,
      );
    }
  }

  async snapshotAll(now: Date): Promise<void> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    await this.warnOfUnknownOwners(credentials);
    const failed: string[] = [];
    for (const campaign of await this.all()) {
      // Running, or ended less than a day ago (its final point).
      const ended = new Date(campaign.deadline).getTime() + 86_400_000;
      if (now < new Date(campaign.startsAt) || now.getTime() > ended) continue;
      try {
        await this.snapshot(campaign, credentials, now);
      } catch (error) {
        failed.push(`${campaign.id}: ${error}`);
      }
    }
    if (failed.length)
      throw new Error(
        `Could not record the burn-up of campaigns: ${failed.join('; ')}`,
      );
  }
}
