import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  LINEAGE_DEFAULT_DEPTH,
  LINEAGE_MAX_DEPTH,
  LINEAGE_RELATIONS,
  LINEAGE_TRAINING_RELATIONS,
} from '@convergence/backstage-plugin-mlops-common';
import {
  catalogLineageLoader,
  LineageNode,
  LineageNodeLoader,
  LineageWalk,
  lineagePath,
  normalizeEntityRef,
  toLineageNode,
  walkLineage,
  walkLineageSync,
} from '@convergence/backstage-plugin-mlops-node';
import {
  FactContext,
  FactProvider,
} from '@convergence/backstage-plugin-scorecards-node';
import { holdsPersonalData } from '../checks/helpers';

/**
 * The fields the lineage facts read beyond the walk's own: what tells
 * whether a dataset holds personal data.
 */
export const LINEAGE_FACT_FIELDS = ['spec.containsPii', 'spec.schema'];

/** How many refs one catalog read asks for at most. */
const READ_BATCH = 500;

/** Deleted refs per catalog request when looking for what still names them. */
const REFERRER_BATCH = 10;

/** An entity a lineage fact names, with the path from the graded entity to it. */
export type LineageFactEntity = {
  /** Full, lower-case ref. */
  entityRef: string;
  kind: string;
  /** Hops from the graded entity. */
  depth: number;
  /** From the graded entity to this one, first hop first. */
  path: Array<{ relation: string; entityRef: string }>;
};

/** The facts under `facts.lineage`. */
export type LineageFacts = {
  /** Upstream entities (any lineage relation) whose lifecycle is `deprecated`, nearest first. */
  deprecatedUpstream: LineageFactEntity[];
  /** Entities in the training path whose lifecycle is `experimental`, nearest first. */
  experimentalInTrainingPath: LineageFactEntity[];
  /** Datasets in the training path holding personal data, nearest first. */
  personalDataInTrainingPath: LineageFactEntity[];
  /** How many entities are downstream, up to LINEAGE_DEFAULT_DEPTH hops. */
  downstream: number;
};

/**
 * The lineage view of an entity, made once per entity object: a pass hands
 * the same objects to every batch (see FactContext).
 */
const nodes = new WeakMap<Entity, LineageNode>();
function nodeOf(entity: Entity): LineageNode {
  let node = nodes.get(entity);
  if (!node) {
    node = toLineageNode(entity);
    nodes.set(entity, node);
  }
  return node;
}

/**
 * A loader that reads each ref once per batch of walks, and none that are
 * `primed` or in `known` (by full lower-case ref), and gathers the refs that
 * the walks running at the same time ask for into one catalog read: walks
 * that go level by level in step cost one read per level together, not one
 * each. What it has already it answers at once (no promise).
 */
export function sharedLineageLoader(
  load: LineageNodeLoader,
  primed: Iterable<LineageNode> = [],
  known?: ReadonlyMap<string, Entity>,
): LineageNodeLoader {
  /** Nodes at hand (undefined: the catalog has none by that ref). */
  const ready = new Map<string, LineageNode | undefined>();
  for (const node of primed) ready.set(node.entityRef, node);
  /** Nodes being read, or whose read failed. */
  const reading = new Map<string, Promise<LineageNode | undefined>>();
  type Waiter = {
    resolve: (n: LineageNode | undefined) => void;
    reject: (e: unknown) => void;
  };
  let queued: Map<string, Waiter> | undefined;
  const flush = async (batch: Map<string, Waiter>) => {
    try {
      const refs = [...batch.keys()];
      const found = new Map<string, LineageNode>();
      for (let i = 0; i < refs.length; i += READ_BATCH) {
        for (const [ref, node] of await load(refs.slice(i, i + READ_BATCH)))
          found.set(ref, node);
      }
      for (const [ref, waiter] of batch) {
        ready.set(ref, found.get(ref));
        reading.delete(ref);
        waiter.resolve(found.get(ref));
      }
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    }
  };
  const read = (ref: string) => {
    if (!queued) {
      const batch = new Map<string, Waiter>();
      queued = batch;
      // Once every walk has asked for what it needs now.
      setImmediate(() => {
        queued = undefined;
        flush(batch);
      });
    }
    const batch = queued;
    return new Promise<LineageNode | undefined>((resolve, reject) =>
      batch.set(ref, { resolve, reject }),
    );
  };
  return refs => {
    const out = new Map<string, LineageNode>();
    let waiting: Array<Promise<void>> | undefined;
    for (const ref of refs) {
      let node = ready.get(ref);
      if (node === undefined && !ready.has(ref)) {
        const entity = known?.get(ref);
        if (!entity) {
          let promise = reading.get(ref);
          if (!promise) {
            promise = read(ref);
            reading.set(ref, promise);
          }
          (waiting ??= []).push(
            promise.then(n => {
              if (n) out.set(ref, n);
            }),
          );
          continue;
        }
        node = nodeOf(entity);
        ready.set(ref, node);
      }
      if (node) out.set(ref, node);
    }
    return waiting ? Promise.all(waiting).then(() => out) : out;
  };
}

const spec = (node: LineageNode) =>
  (node.entity.spec ?? {}) as Record<string, any>;

/** The entities of the walk that `pick` selects, nearest first, with their paths. */
function picked(
  walk: LineageWalk,
  pick: (node: LineageNode) => boolean,
): LineageFactEntity[] {
  const out: LineageFactEntity[] = [];
  for (const [ref, hop] of walk.hops) {
    if (!pick(hop.node)) continue;
    out.push({
      entityRef: ref,
      kind: hop.node.kind,
      depth: hop.depth,
      path: lineagePath(walk, ref),
    });
  }
  return out;
}

const isDataset = (node: LineageNode) => node.kind.toLowerCase() === 'dataset';

/** The three walks of the lineage facts (read from mlops-common once). */
const WALKS = {
  upstream: { direction: 'upstream', maxDepth: LINEAGE_MAX_DEPTH },
  training: {
    direction: 'upstream',
    maxDepth: LINEAGE_MAX_DEPTH,
    relations: LINEAGE_TRAINING_RELATIONS,
  },
  downstream: { direction: 'downstream', maxDepth: LINEAGE_DEFAULT_DEPTH },
} as const;

/** The lineage facts of one entity, walked over nodes the loader has at hand. */
function lineageFactsOf(
  root: LineageNode,
  load: (refs: readonly string[]) => ReadonlyMap<string, LineageNode>,
): LineageFacts {
  const walk = (which: keyof typeof WALKS) =>
    walkLineageSync({ ...WALKS[which], root: root.entityRef, load });
  const upstream = walk('upstream');
  const training = walk('training');
  return {
    deprecatedUpstream: picked(upstream, n => n.lifecycle === 'deprecated'),
    experimentalInTrainingPath: picked(
      training,
      n => n.lifecycle === 'experimental',
    ),
    personalDataInTrainingPath: picked(
      training,
      n => isDataset(n) && holdsPersonalData(spec(n)),
    ),
    downstream: walk('downstream').hops.size,
  };
}

/**
 * Facts from the lineage, under `facts.lineage` (see {@link LineageFacts}):
 * what is deprecated upstream of an entity, what is experimental or holds
 * personal data in its training path, and how many entities are downstream.
 * It reads the catalog with the plugin's own credentials (the whole graph),
 * and each entity once per batch of graded entities, unless the pass has
 * read it already (see FactContext).
 *
 * Its facts depend on the entities up- and downstream: {@link dependents}
 * names them, so that the incremental pass grades a model again when the
 * dataset it was trained on is deprecated.
 */
export class LineageFactProvider implements FactProvider {
  readonly id = 'lineage';

  static fromCatalog(
    catalog: CatalogService,
    auth: AuthService,
  ): LineageFactProvider {
    return new LineageFactProvider(
      catalogLineageLoader(catalog, () => auth.getOwnServiceCredentials(), {
        fields: LINEAGE_FACT_FIELDS,
      }),
      async entityRefs => {
        // An entity's upstream relations stay on it when their target is
        // deleted (a model's trainedOn comes from its own spec). The filters
        // go into the query string: a few refs per request.
        const credentials = await auth.getOwnServiceCredentials();
        const found: string[] = [];
        for (let i = 0; i < entityRefs.length; i += REFERRER_BATCH) {
          const { items } = await catalog.getEntities(
            {
              filter: entityRefs.slice(i, i + REFERRER_BATCH).flatMap(ref =>
                LINEAGE_RELATIONS.upstream.map(type => ({
                  [`relations.${type}`]: ref,
                })),
              ),
              fields: ['kind', 'metadata.namespace', 'metadata.name'],
            },
            { credentials },
          );
          for (const e of items)
            found.push(normalizeEntityRef(stringifyEntityRef(e)));
        }
        return found;
      },
    );
  }

  /**
   * @param load - reads lineage nodes
   * @param referrers - the entities whose upstream relations name any of
   *   these refs, for refs the catalog no longer has
   */
  constructor(
    private readonly load: LineageNodeLoader,
    private readonly referrers?: (entityRefs: string[]) => Promise<string[]>,
  ) {}

  async getFacts(entities: Entity[], context?: FactContext) {
    const roots = entities.map(nodeOf);
    // What the pass has read already is not read again.
    const load = sharedLineageLoader(this.load, roots, context?.related);
    const facts = new Map<string, Record<string, unknown>>();
    // Each root is walked at once over the nodes in hand. A walk that needs
    // one the catalog must give is walked again when the reads that all the
    // walks asked for together are in: one read per level for the batch.
    let todo = roots.map((_, i) => i);
    while (todo.length) {
      const reads: Array<Promise<unknown>> = [];
      const inHand = (refs: readonly string[]) => {
        const got = load(refs);
        if (got instanceof Map) return got;
        reads.push(got);
        return new Map<string, LineageNode>();
      };
      const again: number[] = [];
      for (const i of todo) {
        const before = reads.length;
        const lineage = lineageFactsOf(roots[i], inHand);
        // Keyed as the evaluator looks facts up.
        if (reads.length === before)
          facts.set(stringifyEntityRef(entities[i]), lineage);
        else again.push(i);
      }
      await Promise.all(reads);
      todo = again;
    }
    return facts;
  }

  /**
   * The entities downstream of these (their upstream facts may have
   * changed) and upstream of them (their downstream count may have).
   */
  async dependents(entityRefs: string[]): Promise<string[]> {
    const load = sharedLineageLoader(this.load);
    const found = new Set<string>();
    const gone: string[] = [];
    const walkFrom = async (roots: string[], upstreamToo: boolean) =>
      Promise.all(
        roots.map(async root => {
          const [downstream, upstream] = await Promise.all([
            walkLineage({
              root,
              direction: 'downstream',
              maxDepth: LINEAGE_MAX_DEPTH,
              load,
            }),
            upstreamToo
              ? walkLineage({
                  root,
                  direction: 'upstream',
                  maxDepth: LINEAGE_DEFAULT_DEPTH,
                  load,
                })
              : undefined,
          ]);
          if (!downstream.root) gone.push(root);
          for (const walk of [downstream, upstream])
            for (const ref of walk?.hops.keys() ?? []) found.add(ref);
        }),
      );
    await walkFrom(entityRefs, true);
    // A deleted entity has no relations left to walk: what still names it
    // upstream (a model trained on a deleted dataset) depends on it, and so
    // does everything downstream of that.
    if (gone.length > 0 && this.referrers) {
      const referrers = await this.referrers(gone);
      referrers.forEach(ref => found.add(ref));
      await walkFrom(referrers, false);
    }
    return [...found];
  }
}
