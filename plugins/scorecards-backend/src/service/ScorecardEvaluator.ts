import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EntityScorecardResult } from '@convergence/backstage-plugin-scorecards-common';
import {
  EntityFacts,
  FactProvider,
  ScorecardCheck,
} from '@convergence/backstage-plugin-scorecards-node';
import { CompiledScorecard, kindsOf } from '../engine/definitions';
import { evaluateScorecard, markFactsUnavailable } from '../engine/evaluate';
import { ScorecardStore, StoredResult } from '../database/ScorecardStore';
import { resolveRef } from '../checks/helpers';

const lower = (ref: string) => ref.toLowerCase();

/**
 * Kinds a check may look up through `related` (owners, systems, lineage). The
 * passes list these and every kind a scorecard may grade.
 */
const RELATED_KINDS = [
  'Group',
  'User',
  'System',
  'Model',
  'Dataset',
  'Pipeline',
  'Component',
];
const BATCH = 500;

/** Above this many deleted entities, the incremental pass does not look for their dependents. */
const MAX_DELETED_FOR_DEPENDENTS = 100;

/**
 * The largest share of the known entities the incremental pass removes at
 * once; when more are missing from the catalog, it removes nothing.
 */
const INCREMENTAL_REMOVAL_SHARE = 0.5;

/** What the incremental pass reads of every entity: enough to tell a change. */
const VERSION_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
];

const etagOf = (e: Entity) => e.metadata.etag ?? '';

/**
 * The fact that says how many entities are downstream of an entity (see
 * LineageFactProvider), stored with its results to rank failing checks.
 */
const DOWNSTREAM_PROVIDER = 'lineage';
const downstreamOf = (facts: Record<string, unknown> | undefined) =>
  typeof facts?.downstream === 'number' ? facts.downstream : undefined;

/** Whether a fact provider failed for some check of the result. */
const hasUnknown = (r: EntityScorecardResult) =>
  r.checks.some(c => c.status === 'unknown');

/**
 * The pages of a stream, each next one requested as soon as the one before
 * arrives: the catalog reads it while the caller works on this one.
 */
async function* prefetched<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  const pages = stream[Symbol.asyncIterator]();
  let next = pages.next();
  for (;;) {
    const page = await next;
    if (page.done) return;
    next = pages.next();
    // Awaited in the next round; a failure then fails the caller.
    next.catch(() => {});
    yield page.value;
  }
}

/** A batch graded and not yet saved. */
type GradedBatch = {
  entities: Entity[];
  /** The entities' lower-case refs, in the same order. */
  refs: string[];
  results: StoredResult[];
  /** When it was graded. */
  now: Date;
};

/** What one evaluation pass (all its batches) shares. */
type Pass = {
  /** Fact providers whose failure this pass has logged. */
  loggedFailures: Set<string>;
};
const newPass = (): Pass => ({ loggedFailures: new Set() });

/** A spec reference as a full, lower-case entity ref, if it is one. */
const fullRef = (entity: Entity, ref: unknown, defaultKind: string) =>
  typeof ref === 'string' && ref
    ? resolveRef(entity, ref, defaultKind)
    : undefined;

/**
 * Grades catalog entities with the configured scorecards, stores the results
 * and tells owners when an entity drops a level (not when the new or the
 * previous result holds `unknown` checks: a fact provider failed, and the
 * drop may not be real).
 */
export class ScorecardEvaluator {
  constructor(
    private readonly options: {
      scorecards: CompiledScorecard[];
      checks: ReadonlyMap<string, ScorecardCheck>;
      factProviders: FactProvider[];
      store: ScorecardStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      notifications?: NotificationService;
      now?: () => Date;
    },
  ) {
    const kinds = options.scorecards.map(s => kindsOf(s.filter));
    this.listed = kinds.some(k => k === undefined)
      ? {}
      : {
          filter: {
            kind: [
              ...new Set(
                [...RELATED_KINDS, ...kinds.flat()].map(k =>
                  k!.toLocaleLowerCase('en-US'),
                ),
              ),
            ],
          },
        };
  }

  /**
   * What both passes list: every entity a scorecard may grade (so that the
   * results of none are taken for deleted) and those checks look up. All
   * kinds when a scorecard's filter does not say which.
   */
  private readonly listed: { filter?: { kind: string[] } };

  private readonly listeners: Array<() => void> = [];

  /**
   * Calls `listener` each time this evaluator has stored results or removed
   * some (e.g. to drop cached summaries).
   */
  onResultsChanged(listener: () => void) {
    this.listeners.push(listener);
  }

  private resultsChanged() {
    for (const listener of this.listeners) listener();
  }

  /**
   * Grades every entity a scorecard covers. Once every entity is graded, the
   * results that this complete pass did not produce are removed: of entities
   * gone from the catalog, no longer matched by a scorecard, or of scorecards
   * no longer configured. A pass that fails midway removes nothing, and so
   * does one that found nothing to grade while results exist (an empty or
   * loading catalog looks the same; the results go with the first pass that
   * grades something). Returns how many entities were graded.
   *
   * It grades the catalog as it was when it started: an entity that another
   * pass (incremental, or a refresh) graded since then is left as that pass
   * stored it, not overwritten with the older version.
   */
  async evaluateAll(): Promise<number> {
    const { scorecards, store, logger } = this.options;
    const startedAt = this.now();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const related = new Map<string, Entity>();
    // Which scorecards grade each entity (none for most related entities).
    const gradedBy = new Map<string, ReadonlySet<string>>();
    const pass = newPass();
    // One set per combination of scorecards, shared by the entities it
    // grades (most entities: none, or the same few).
    const combinations = new Map<string, ReadonlySet<string>>();
    const matching = (e: Entity) => {
      const ids = scorecards.filter(s => s.matches(e)).map(s => s.id);
      const k = ids.join('\n');
      let set = combinations.get(k);
      if (!set) {
        set = new Set(ids);
        combinations.set(k, set);
      }
      return set;
    };
    let graded = 0;
    let saved = 0;
    // Grading overlaps with listing: an entity is graded once it and every
    // entity its relations point at are listed (all that a check may look
    // up, see CheckContext), or at the end, when no more will come. While
    // the database saves a batch, the next one is graded, and the catalog
    // reads the next page.
    let ready: Entity[] = [];
    /** Entities to grade by a ref they wait for, and how many each waits for. */
    const waiting = new Map<string, Entity[]>();
    const waitsFor = new Map<Entity, number>();
    let saving: Promise<void> = Promise.resolve();
    const saveBatch = async (batch: GradedBatch) => {
      const results = await this.save(batch, startedAt);
      saved += new Set(results.map(r => r.entityRef)).size;
    };
    const gradeReady = async (all: boolean) => {
      while (ready.length >= (all ? 1 : BATCH)) {
        const batch = await this.grade(ready.slice(0, BATCH), related, pass);
        ready = ready.slice(BATCH);
        graded += batch.entities.length;
        await saving;
        saving = saveBatch(batch);
        // Awaited with the next batch or at the end: a failure fails the pass.
        saving.catch(() => {});
      }
    };
    for await (const page of prefetched(
      this.options.catalog.streamEntities(this.listed, { credentials }),
    )) {
      for (const e of page) {
        const ref = lower(stringifyEntityRef(e));
        if (related.has(ref)) continue;
        related.set(ref, e);
        const ids = matching(e);
        gradedBy.set(ref, ids);
        if (ids.size) {
          const targets = new Set<string>();
          for (const r of e.relations ?? []) {
            const t = lower(r.targetRef);
            if (!related.has(t)) targets.add(t);
          }
          for (const t of targets) {
            const list = waiting.get(t);
            if (list) list.push(e);
            else waiting.set(t, [e]);
          }
          if (targets.size) waitsFor.set(e, targets.size);
          else ready.push(e);
        }
        for (const w of waiting.get(ref) ?? []) {
          const left = waitsFor.get(w)! - 1;
          if (left) waitsFor.set(w, left);
          else {
            waitsFor.delete(w);
            ready.push(w);
          }
        }
        waiting.delete(ref);
      }
      await gradeReady(false);
    }
    // Those that point at entities the catalog does not list.
    ready.push(...waitsFor.keys());
    await gradeReady(true);
    await saving;
    // The graded entities' versions are recorded with their results.
    const unmatched = [...related].filter(
      ([ref]) => gradedBy.get(ref)!.size === 0,
    );
    const newer = await store.entityVersionsSeenSince(
      unmatched.map(([ref]) => ref),
      startedAt,
    );
    await store.saveEntityVersions(
      unmatched
        .filter(([ref]) => !newer.has(ref))
        .map(([entityRef, e]) => ({ entityRef, etag: etagOf(e) })),
      startedAt,
      { onlyChanged: true },
    );
    let removed = 0;
    if (graded === 0 && (await this.hasResults())) {
      logger.warn(
        'Full pass: no entity to grade, while results exist; none removed (a catalog that is empty or still loading looks the same)',
      );
    } else {
      removed = await store.removeStale({
        present: new Set(related.keys()),
        graded: gradedBy,
        scorecardIds: new Set(scorecards.map(s => s.id)),
        before: startedAt,
      });
      if (removed) this.resultsChanged();
    }
    // From now on the incremental pass has versions to compare with.
    await store.saveFullPass(startedAt, this.now());
    logger.info(
      `Graded ${saved} entities with ${scorecards.length} scorecards; removed ${removed} results no longer graded`,
    );
    return saved;
  }

  /**
   * Grades only the entities that are new or changed since they were last
   * graded: it reads every entity's ref and catalog etag (not the whole
   * entity), compares the etag with the one recorded when the entity was
   * graded, and fetches and grades the others. Like a full pass, it then
   * removes the results of entities gone from the catalog or no longer
   * matched, unless the listing is empty or lacks more than half of the
   * entities known (a catalog empty or half loaded): then it removes nothing
   * and leaves removal to the full pass. With the changed entities it grades
   * those whose facts depend on them, as the fact providers say (see
   * FactProvider.dependents): a model trained on a dataset just deprecated.
   * Returns how many entities were graded.
   *
   * Until a full pass has completed once, it does nothing: every entity
   * would be new, and both passes would grade the whole catalog.
   */
  async evaluateChanged(): Promise<number> {
    const { scorecards, store, logger, catalog } = this.options;
    if (!(await store.lastFullPass())) {
      logger.debug('Incremental pass skipped: no full pass has completed yet');
      return 0;
    }
    const startedAt = this.now();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const known = await store.entityVersions();
    const present = new Set<string>();
    const changed: string[] = [];
    for await (const page of catalog.streamEntities(
      { ...this.listed, fields: VERSION_FIELDS },
      { credentials },
    )) {
      for (const e of page) {
        const ref = lower(stringifyEntityRef(e));
        // A listing that pages while the catalog changes can name an entity
        // twice; grading it twice in one batch would fail the save.
        if (present.has(ref)) continue;
        present.add(ref);
        if (known.get(ref) !== etagOf(e)) changed.push(ref);
      }
    }
    // Graded entities gone from the catalog: what depended on them changes
    // too. Not when many are gone at once (a catalog still loading looks the
    // same): the full pass grades everything then.
    let gone = [...known.keys()].filter(ref => !present.has(ref));
    if (gone.length > MAX_DELETED_FOR_DEPENDENTS) gone = [];
    if (changed.length || gone.length) {
      const more = new Set<string>();
      for (const provider of this.options.factProviders) {
        if (!provider.dependents) continue;
        try {
          for (const ref of await provider.dependents([...changed, ...gone]))
            more.add(lower(ref));
        } catch (error) {
          // Graded again by the next full pass.
          logger.warn(
            `Fact provider ${provider.id} could not name the entities depending on ${changed.length} changed and ${gone.length} deleted ones: ${error}`,
          );
        }
      }
      for (const ref of changed) more.delete(ref);
      // Only those listed: the kinds the scorecards grade, still there.
      for (const ref of more) if (present.has(ref)) changed.push(ref);
    }
    const gradedBy = new Map<string, Set<string>>();
    const pass = newPass();
    let graded = 0;
    for (let i = 0; i < changed.length; i += BATCH) {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: changed.slice(i, i + BATCH) },
        { credentials },
      );
      // One that is gone since the listing is removed by the next pass.
      const entities = items.filter((e): e is Entity => Boolean(e));
      const toGrade: Entity[] = [];
      const unmatched: Entity[] = [];
      for (const e of entities) {
        const ids = scorecards.filter(s => s.matches(e)).map(s => s.id);
        gradedBy.set(lower(stringifyEntityRef(e)), new Set(ids));
        (ids.length ? toGrade : unmatched).push(e);
      }
      if (toGrade.length) {
        const related = await this.relatedOf(toGrade, credentials);
        await this.evaluate(toGrade, related, pass);
        graded += toGrade.length;
      }
      await store.saveEntityVersions(
        unmatched.map(e => ({
          entityRef: lower(stringifyEntityRef(e)),
          etag: etagOf(e),
        })),
        startedAt,
      );
    }
    // A catalog that is empty or half loaded must not empty the results:
    // when too many known entities are missing, the full pass decides.
    const missing = [...known.keys()].filter(ref => !present.has(ref)).length;
    let removed = 0;
    if (
      present.size === 0 ||
      missing > known.size * INCREMENTAL_REMOVAL_SHARE
    ) {
      if (missing || (await this.hasResults()))
        logger.warn(
          `Incremental pass: ${missing} of the ${known.size} known entities are missing from the catalog (${present.size} listed); their results stay until a full pass removes them`,
        );
    } else {
      removed = await store.removeStale({
        present,
        graded: gradedBy,
        scorecardIds: new Set(scorecards.map(s => s.id)),
        before: startedAt,
      });
      if (removed) this.resultsChanged();
    }
    if (graded || removed) {
      logger.info(
        `Graded ${graded} new or changed entities; removed ${removed} results no longer graded`,
      );
    }
    return graded;
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  private async hasResults() {
    return (await this.options.store.findResults({}, 1)).length > 0;
  }

  /** Grades one entity now; returns its results. */
  async evaluateOne(entityRef: string): Promise<EntityScorecardResult[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) return [];
    const related = await this.relatedOf([entity], credentials);
    return this.evaluate([entity], related, newPass());
  }

  /** The entities themselves and those their relations point at, by lower-case ref. */
  private async relatedOf(
    entities: Entity[],
    credentials: BackstageCredentials,
  ) {
    const related = new Map<string, Entity>();
    for (const e of entities) related.set(lower(stringifyEntityRef(e)), e);
    const refs = [
      ...new Set(
        entities.flatMap(e => (e.relations ?? []).map(r => r.targetRef)),
      ),
    ].filter(ref => !related.has(lower(ref)));
    for (let i = 0; i < refs.length; i += BATCH) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: refs.slice(i, i + BATCH) },
        { credentials },
      );
      for (const e of items)
        if (e) related.set(lower(stringifyEntityRef(e)), e);
    }
    return related;
  }

  /**
   * Grades a batch and saves its results (see {@link ScorecardEvaluator.grade}
   * and {@link ScorecardEvaluator.save}).
   */
  private async evaluate(
    entities: Entity[],
    related: ReadonlyMap<string, Entity>,
    pass: Pass,
    unlessGradedSince?: Date,
  ) {
    return this.save(
      await this.grade(entities, related, pass),
      unlessGradedSince,
    );
  }

  /**
   * Grades a batch. The checks that read the facts of a provider that fails
   * for this batch are `unknown`; the failure is logged once per pass. Their
   * level then follows their stored results (see evaluateScorecard), and the
   * entities' versions are not recorded (see save), so that the incremental
   * pass grades them again until every check is decided.
   */
  private async grade(
    entities: Entity[],
    related: ReadonlyMap<string, Entity>,
    pass: Pass,
  ): Promise<GradedBatch> {
    const now = this.now();
    const refs = entities.map(e => lower(stringifyEntityRef(e)));
    // The exemptions are read while the facts are gathered.
    const exemptionsRead = this.options.store.activeExemptions(refs, now);
    exemptionsRead.catch(() => {});
    const factsByProvider = await Promise.all(
      this.options.factProviders.map(async p => {
        try {
          return [p.id, await p.getFacts(entities, { related })] as const;
        } catch (error) {
          if (!pass.loggedFailures.has(p.id)) {
            pass.loggedFailures.add(p.id);
            this.options.logger.warn(
              `Fact provider ${p.id} failed; the checks that read its facts are unknown in this evaluation: ${error}`,
            );
          }
          return [p.id, undefined] as const;
        }
      }),
    );
    const exemptions = await exemptionsRead;
    // Unknown checks count as they last counted: read the stored results.
    const stored = factsByProvider.some(([, byEntity]) => !byEntity)
      ? new Map(
          (await this.options.store.getResults(refs)).map(r => [
            `${r.entityRef}|${r.scorecardId}`,
            r,
          ]),
        )
      : undefined;

    const downstreamFacts = factsByProvider.find(
      ([id]) => id === DOWNSTREAM_PROVIDER,
    )?.[1];
    const results: StoredResult[] = [];
    entities.forEach((entity, i) => {
      const facts: EntityFacts = {};
      for (const [id, byEntity] of factsByProvider) {
        if (byEntity)
          facts[id] = byEntity.get(stringifyEntityRef(entity)) ?? {};
        else markFactsUnavailable(facts, id);
      }
      const exempt = new Set(
        (exemptions.get(refs[i]) ?? []).map(e => e.checkId),
      );
      for (const scorecard of this.options.scorecards) {
        if (!scorecard.matches(entity)) continue;
        const result = evaluateScorecard(
          scorecard,
          this.options.checks,
          { entity, related, facts, now },
          exempt,
          stored?.get(`${refs[i]}|${scorecard.id}`),
        );
        results.push({
          ...result,
          entityRef: refs[i],
          ownerRef: fullRef(entity, (entity.spec as any)?.owner, 'group'),
          systemRef: fullRef(entity, (entity.spec as any)?.system, 'system'),
          downstream: downstreamOf(
            downstreamFacts?.get(stringifyEntityRef(entity)),
          ),
        });
      }
    });
    return { entities, refs, results, now };
  }

  /**
   * Saves a graded batch, records the versions graded and tells owners of
   * drops; returns the results saved.
   *
   * With `unlessGradedSince` (the start of a full pass, whose snapshot this
   * batch comes from), entities that another pass graded since then are
   * left as it stored them: nothing of theirs is saved or returned.
   */
  private async save(
    { entities, refs, results, now }: GradedBatch,
    unlessGradedSince?: Date,
  ) {
    // Read just before saving: only a grade that lands between this read and
    // the save is overwritten (and then with its older version recorded, so
    // the next incremental pass grades the entity again).
    const newer = unlessGradedSince
      ? await this.options.store.entityVersionsSeenSince(
          refs,
          unlessGradedSince,
        )
      : new Set<string>();
    const saved = results.filter(r => !newer.has(r.entityRef));
    const previous = await this.options.store.saveResults(saved);
    if (saved.length) this.resultsChanged();
    // The version graded: a later change of the entity shows as a new etag.
    // One with unknown checks is not graded for good: forgetting its version
    // makes the incremental pass grade it again.
    const undecided = new Set(saved.filter(hasUnknown).map(r => r.entityRef));
    await this.options.store.saveEntityVersions(
      entities.flatMap((e, i) =>
        newer.has(refs[i]) || undecided.has(refs[i])
          ? []
          : [{ entityRef: refs[i], etag: etagOf(e) }],
      ),
      now,
      // A full pass grades everything: only what changed is new to record.
      { onlyChanged: unlessGradedSince !== undefined },
    );
    if (undecided.size)
      await this.options.store.forgetEntityVersions([...undecided]);
    await this.notifyDrops(saved, previous);
    return saved;
  }

  private async notifyDrops(
    results: StoredResult[],
    previous: Map<string, EntityScorecardResult>,
  ) {
    const { notifications, scorecards } = this.options;
    if (!notifications) return;
    for (const r of results) {
      const before = previous.get(`${r.entityRef}|${r.scorecardId}`);
      const scorecard = scorecards.find(s => s.id === r.scorecardId)!;
      const rank = (level: string | null) =>
        scorecard.levels.findIndex(l => l.name === level);
      if (!before || !r.ownerRef || rank(r.level) >= rank(before.level))
        continue;
      // A result that could not be fully decided (a fact provider failed),
      // or compared with one, tells nobody anything.
      if (hasUnknown(r) || hasUnknown(before)) continue;
      const { kind, namespace, name } = parseEntityRef(r.entityRef);
      const failing = r.checks
        .filter(c => c.status === 'fail')
        .map(c => c.checkId);
      try {
        await notifications.send({
          recipients: { type: 'entity', entityRef: r.ownerRef },
          payload: {
            title: `${name} dropped from ${before.level} to ${
              r.level ?? 'no level'
            } on ${scorecard.title}`,
            description: `Failing: ${failing.join(', ') || 'none'}.`,
            link: `/catalog/${namespace}/${kind}/${name}`,
            severity: 'normal',
            topic: 'scorecards',
          },
        });
      } catch (error) {
        this.options.logger.warn(
          `Could not notify ${r.ownerRef} about ${r.entityRef}: ${error}`,
        );
      }
    }
  }
}
