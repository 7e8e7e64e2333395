import { Entity } from '@backstage/catalog-model';
import { LINEAGE_RELATIONS } from '@convergence/backstage-plugin-mlops-common';
import { prng } from '@convergence/backstage-plugin-mlops-node/testUtils';
import { SECRET_LABEL } from './policy';

/** A generated estate: the entities, and the lineage edges they declare. */
export interface GeneratedGraph {
  entities: Entity[];
  /** Full lower-case ref → the refs directly downstream of it. */
  downstream: Map<string, Set<string>>;
  /** Full lower-case ref → the refs directly upstream of it. */
  upstream: Map<string, Set<string>>;
  /** Refs of the entities labelled secret. */
  secret: Set<string>;
  /** Ref → its entity. */
  byRef: Map<string, Entity>;
  /** Ref → owner ref (full, lower case). */
  owner: Map<string, string>;
}

export const TEAMS = Array.from({ length: 8 }, (_, i) => `team-${i}`);
/** Relations the catalog writes for each downstream edge (any one will do). */
export const DOWNSTREAM = new Set(LINEAGE_RELATIONS.downstream);

/**
 * A few hundred ML entities, services and systems with realistic fan-out:
 * datasets derive from earlier datasets (and two of them from each other,
 * a cycle), pipelines consume datasets and produce datasets, models are
 * trained and evaluated on datasets, produced by pipelines and fine-tuned
 * from earlier models, services depend on models and belong to systems.
 * Names mix dots, underscores and upper case, some live in another
 * namespace, titles hold quotes, backslashes and unicode. Some pipelines
 * and models carry the secret label.
 */
export function generateGraph(seed = 16): GeneratedGraph {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const entities: Entity[] = [];
  const downstream = new Map<string, Set<string>>();
  const upstream = new Map<string, Set<string>>();
  const secret = new Set<string>();
  const byRef = new Map<string, Entity>();
  const owner = new Map<string, string>();
  const refOf = (e: Entity) =>
    `${e.kind}:${e.metadata.namespace ?? 'default'}/${
      e.metadata.name
    }`.toLocaleLowerCase('en-US');
  const edge = (from: Entity, to: Entity) => {
    const [f, t] = [refOf(from), refOf(to)];
    if (!downstream.has(f)) downstream.set(f, new Set());
    if (!upstream.has(t)) upstream.set(t, new Set());
    downstream.get(f)!.add(t);
    upstream.get(t)!.add(f);
  };
  // As users write references in spec fields: kind:namespace/name as spelled.
  const refIn = (e: Entity) =>
    `${e.kind.toLocaleLowerCase('en-US')}:${e.metadata.namespace}/${
      e.metadata.name
    }`;
  const add = (
    kind: string,
    name: string,
    namespace: string,
    spec: Record<string, unknown>,
    isSecret = false,
  ): Entity => {
    const team = pick(TEAMS);
    const entity: Entity = {
      apiVersion:
        kind === 'Component' || kind === 'System' || kind === 'Group'
          ? 'backstage.io/v1alpha1'
          : 'convergence.dev/v1alpha1',
      kind,
      metadata: {
        name,
        namespace,
        title: `Données « ${name} » "quoted" \\ back`,
        ...(isSecret && { labels: { [SECRET_LABEL]: 'true' } }),
        annotations: {
          'backstage.io/managed-by-location': 'url:https://example.test/graph',
          'backstage.io/managed-by-origin-location':
            'url:https://example.test/graph',
        },
      },
      spec:
        kind === 'Group'
          ? { type: 'team', children: [] }
          : {
              type: 'x',
              lifecycle: pick(['production', 'experimental', 'deprecated']),
              owner: `group:default/${team}`,
              ...spec,
            },
    };
    entities.push(entity);
    const ref = refOf(entity);
    byRef.set(ref, entity);
    if (kind !== 'Group') owner.set(ref, `group:default/${team}`);
    if (isSecret) secret.add(ref);
    return entity;
  };

  for (const team of TEAMS) add('Group', team, 'default', {});
  const systems = [0, 1, 2, 3].map(i =>
    add('System', `system-${i}`, 'default', {}),
  );

  const datasets: Entity[] = [];
  for (let i = 0; i < 80; i++) {
    let name = `ds-${i}`;
    if (i === 0) name = 'Raw.Events.0';
    else if (i % 7 === 0) name = `raw.events.${i}`;
    else if (i % 11 === 0) name = `Mixed_Case.v${i}`;
    const dataset = add('Dataset', name, i % 5 === 4 ? 'ml-prod' : 'default', {
      type: 'table',
    });
    datasets.push(dataset);
  }
  // Derivations: later from earlier, and 0 ↔ 79 both ways (a cycle).
  const derivedFrom = new Map<Entity, Entity[]>();
  const derive = (child: Entity, parent: Entity) => {
    derivedFrom.set(child, [...(derivedFrom.get(child) ?? []), parent]);
    edge(parent, child);
  };
  for (let i = 1; i < 80; i++) {
    if (rnd() < 0.6) derive(datasets[i], datasets[Math.floor(rnd() * i)]);
  }
  derive(datasets[79], datasets[0]);
  derive(datasets[0], datasets[79]);

  const pipelines: Entity[] = [];
  for (let i = 0; i < 40; i++) {
    const consumes = [pick(datasets.slice(0, 40)), pick(datasets)];
    const pipeline = add(
      'Pipeline',
      i % 6 === 0 ? `train.pipeline.${i}` : `pipeline-${i}`,
      'default',
      { type: 'training', consumes: [...new Set(consumes)].map(refIn) },
      i % 4 === 1,
    );
    for (const d of new Set(consumes)) edge(d, pipeline);
    pipelines.push(pipeline);
  }
  // Datasets 40.. may be produced by a pipeline.
  const producedBy = new Map<Entity, Entity>();
  for (let i = 40; i < 80; i++) {
    if (rnd() < 0.5) {
      const p = pick(pipelines);
      producedBy.set(datasets[i], p);
      edge(p, datasets[i]);
    }
  }
  for (const d of datasets) {
    const spec = d.spec as Record<string, unknown>;
    const parents = derivedFrom.get(d);
    if (parents) spec.derivedFrom = parents.map(refIn);
    const p = producedBy.get(d);
    if (p) spec.producedBy = refIn(p);
  }

  const models: Entity[] = [];
  for (let i = 0; i < 120; i++) {
    const trainedOn = [...new Set([pick(datasets), pick(datasets)])];
    const spec: Record<string, unknown> = {
      type: 'classification',
      trainedOn: trainedOn.map(refIn),
    };
    const evaluatedOn = rnd() < 0.3 ? pick(datasets) : undefined;
    if (evaluatedOn) spec.evaluatedOn = [refIn(evaluatedOn)];
    const producer = rnd() < 0.6 ? pick(pipelines) : undefined;
    if (producer) spec.producedBy = refIn(producer);
    const base = i > 0 && rnd() < 0.3 ? pick(models) : undefined;
    if (base) spec.baseModel = refIn(base);
    const model = add(
      'Model',
      i % 10 === 3 ? `Fraud.Detector_v${i}` : `model-${i}`,
      i % 8 === 5 ? 'ml-prod' : 'default',
      spec,
      i % 9 === 2,
    );
    for (const d of trainedOn) edge(d, model);
    if (evaluatedOn) edge(evaluatedOn, model);
    if (producer) edge(producer, model);
    if (base) edge(base, model);
    models.push(model);
  }

  for (let i = 0; i < 40; i++) {
    const dependsOn = [...new Set([pick(models), pick(models)])];
    const system = rnd() < 0.5 ? pick(systems) : undefined;
    const component = add('Component', `service-${i}`, 'default', {
      type: 'service',
      dependsOn: dependsOn.map(refIn),
      ...(system && { system: system.metadata.name }),
    });
    for (const m of dependsOn) edge(m, component);
    if (system) edge(component, system);
  }

  return { entities, downstream, upstream, secret, byRef, owner };
}

/** Breadth-first distances from `root` over `edges` (root excluded), without a limit. */
export function distances(
  edges: Map<string, Set<string>>,
  root: string,
): Map<string, number> {
  const dist = new Map<string, number>([[root, 0]]);
  let frontier = [root];
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const ref of frontier) {
      for (const to of edges.get(ref) ?? []) {
        if (dist.has(to)) continue;
        dist.set(to, d);
        next.push(to);
      }
    }
    frontier = next;
  }
  dist.delete(root);
  return dist;
}
