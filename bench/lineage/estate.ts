/*
 * The generated estate of bench/lineage: an organisation of 200 teams, ML
 * entities (datasets, pipelines, models) and services linked by lineage,
 * deterministic for a given scale (a seeded PRNG), plus the bench's own
 * downstream walk over the generated spec fields, which the lineage
 * service's answers are checked against. That walk reads only the specs
 * written here (no catalog, no Convergence code).
 *
 * Shape of the estate at scale 1 (20,000 ML entities, 2,000 services):
 *
 *  - 40 projects, each run by 5 teams of one department (acme > 10
 *    departments > 200 teams, one user per team and user bench-user);
 *    most lineage stays inside a project, some crosses into another.
 *  - 8,000 datasets: 1,600 raw sources, then four rounds of refinement in
 *    which data pipelines consume datasets and produce new ones and other
 *    datasets are derived from earlier ones (`derivedFrom`), and late
 *    prediction datasets written by batch-inference pipelines from models.
 *  - 4,000 pipelines: 1,400 data pipelines, 2,200 training pipelines
 *    (`consumes` datasets; the models they train name them in
 *    `producedBy`), 400 batch-inference pipelines (`consumes` a model and a
 *    dataset, `produces` a prediction dataset).
 *  - 8,000 models: 400 foundation models trained on raw data, the rest
 *    trained (`trainedOn`, `evaluatedOn`) by a training pipeline, a quarter
 *    of them fine-tuned from an earlier model (`baseModel`).
 *  - 2,000 services (Components) that depend on one or two models and, for
 *    two in five, on earlier services (`dependsOn`).
 *
 * Upstream picks favour what is already used (preferential attachment), so
 * a few datasets feed much of their project, as in real estates; 20 of the
 * raw datasets are a shared core (customer master data, events) that 4 % of
 * all dataset picks use, so the most-connected dataset reaches across
 * projects (about 1,600 entities, 11 hops deep at scale 1).
 */
import { Entity } from '@backstage/catalog-model';
import { organisation, team, TEAMS } from '../lib/org';
import { prng } from '@convergence/backstage-plugin-mlops-node/testUtils';

const PROJECTS = 40;
const TEAMS_PER_PROJECT = TEAMS / PROJECTS;
/** Chance that an upstream pick comes from another project. */
const CROSS_PROJECT = 0.02;
/** The shared core datasets (customer master data, events) form a pool of their own. */
const CORE = PROJECTS;
/** Chance that a dataset pick comes from the core datasets. */
const CORE_PICK = 0.04;

/** One generated entity with what the bench's own walk needs. */
export type EstateEntity = {
  entity: Entity;
  /** Full lower-case ref, as the catalog writes relation targets. */
  ref: string;
  kind: string;
  owner: string;
};

export type Estate = {
  /** Groups and users. */
  org: Entity[];
  /** ML entities and services, in creation (topological) order. */
  items: EstateEntity[];
  /** Downstream edges: ref -> refs of what is directly downstream of it. */
  downstream: Map<string, string[]>;
  byRef: Map<string, EstateEntity>;
};

const WORDS = [
  'clickstream',
  'payments',
  'customer',
  'fraud',
  'churn',
  'search',
  'ranking',
  'pricing',
  'inventory',
  'support',
  'geo',
  'ads',
];

/**
 * The estate at `scale` (1: 20,000 ML entities and 2,000 services; the
 * organisation is the same at every scale).
 */
export function generateEstate(scale = 1, seed = 20261130): Estate {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;
  const count = (n: number) => Math.max(1, Math.round(n * scale));

  const origin = 'bench:lineage';
  const annotations = {
    'backstage.io/managed-by-location': origin,
    'backstage.io/managed-by-origin-location': origin,
  };

  const org = organisation(annotations);

  const items: EstateEntity[] = [];
  const downstream = new Map<string, string[]>();
  const byRef = new Map<string, EstateEntity>();
  const link = (from: string, to: string) => {
    const list = downstream.get(from);
    if (!list) downstream.set(from, [to]);
    else if (!list.includes(to)) list.push(to);
  };

  /**
   * Per project and kind, every entity once plus once more each time it was
   * picked as an upstream: a uniform pick from it is preferential.
   */
  const pools = new Map<string, string[]>();
  const poolOf = (kind: string, project: number) => {
    const key = `${kind}/${project}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = []));
    return pool;
  };
  /** Up to n distinct upstream refs of `kind`, mostly from `project`. */
  const pick = (kind: string, project: number, n: number): string[] => {
    const out = new Set<string>();
    for (let tries = 0; out.size < n && tries < n * 8; tries++) {
      const from =
        kind === 'Dataset' && chance(CORE_PICK)
          ? CORE
          : chance(CROSS_PROJECT)
          ? int(PROJECTS)
          : project;
      const pool = poolOf(kind, from);
      if (pool.length === 0) continue;
      out.add(pool[int(pool.length)]);
    }
    for (const ref of out) poolOf(kind, projectOf.get(ref)!).push(ref);
    return [...out];
  };
  const projectOf = new Map<string, number>();
  // The core datasets belong to the first project's teams (a data platform).
  const ownerIn = (project: number) =>
    `group:default/${team(
      (project % PROJECTS) * TEAMS_PER_PROJECT + int(TEAMS_PER_PROJECT),
    )}`;
  const lifecycle = () =>
    chance(0.7) ? 'production' : chance(0.8) ? 'experimental' : 'deprecated';

  const serial: Record<string, number> = {};
  const add = (
    kind: 'Dataset' | 'Pipeline' | 'Model' | 'Component',
    project: number,
    spec: Record<string, unknown>,
    owner = ownerIn(project),
  ): string => {
    const n = (serial[kind] = (serial[kind] ?? 0) + 1);
    const word = project === CORE ? 'core' : WORDS[project % WORDS.length];
    // Names with dots and underscores; titles with quotes and accents.
    const name =
      kind === 'Component'
        ? `${word}-svc_${n}`
        : `${word}.${kind.toLowerCase()}_${project}-${n}`;
    const entity: Entity = {
      apiVersion:
        kind === 'Component'
          ? 'backstage.io/v1alpha1'
          : 'convergence.dev/v1alpha1',
      kind,
      metadata: {
        name,
        namespace: 'default',
        ...(n % 5 === 0 && { title: `« ${word} » ${kind} "${n}" — ü` }),
        annotations,
      },
      spec: { lifecycle: lifecycle(), owner, ...spec },
    };
    const ref = `${kind.toLowerCase()}:default/${name.toLowerCase()}`;
    const item = { entity, ref, kind, owner };
    items.push(item);
    byRef.set(ref, item);
    projectOf.set(ref, project);
    poolOf(kind, project).push(ref);
    return ref;
  };

  const DATASETS = count(8000);
  const RAW = count(1600);
  const DATA_PIPELINES = count(1400);
  const TRAINING_PIPELINES = count(2200);
  const INFERENCE_PIPELINES = count(400);
  const MODELS = count(8000);
  const FOUNDATION = count(400);
  const SERVICES = count(2000);

  // Raw sources; the first 20 are the shared core.
  for (let i = 0; i < RAW; i++) {
    add('Dataset', i < 20 ? CORE : i % PROJECTS, {
      type: chance(0.5) ? 'table' : 'stream',
      containsPii: chance(0.3),
    });
  }
  // Four rounds of refinement; the prediction datasets come later.
  const refined = DATASETS - RAW - INFERENCE_PIPELINES;
  const perRound = Math.ceil(refined / 4);
  const pipelinesPerRound = Math.ceil(DATA_PIPELINES / 4);
  let datasets = RAW;
  let dataPipelines = 0;
  for (let round = 0; round < 4; round++) {
    const end = Math.min(RAW + (round + 1) * perRound, RAW + refined);
    const pipelinesEnd = Math.min(
      (round + 1) * pipelinesPerRound,
      DATA_PIPELINES,
    );
    while (datasets < end) {
      const project = int(PROJECTS);
      if (dataPipelines < pipelinesEnd && chance(0.5)) {
        // A data pipeline consumes one to three datasets and writes one or two.
        const consumes = pick('Dataset', project, 1 + int(3));
        const outputs: string[] = [];
        const writes = Math.min(1 + int(2), end - datasets);
        for (let k = 0; k < writes; k++, datasets++) {
          outputs.push(
            add('Dataset', project, { type: 'table', containsPii: false }),
          );
        }
        const p = add('Pipeline', project, {
          type: 'data',
          consumes,
          produces: outputs,
        });
        dataPipelines++;
        for (const c of consumes) link(c, p);
        for (const o of outputs) link(p, o);
      } else {
        const from = pick('Dataset', project, 1 + int(2));
        const d = add('Dataset', project, {
          type: 'feature-set',
          derivedFrom: from,
        });
        datasets++;
        for (const f of from) link(f, d);
      }
    }
  }
  // Foundation models, trained on raw data.
  let models = 0;
  for (; models < FOUNDATION; models++) {
    const project = models % PROJECTS;
    const trainedOn = pick('Dataset', project, 1);
    const m = add('Model', project, { type: 'llm', trainedOn });
    for (const d of trainedOn) link(d, m);
  }
  // Training pipelines and the models they train.
  const perPipeline = (MODELS - FOUNDATION) / TRAINING_PIPELINES;
  for (let p = 0; p < TRAINING_PIPELINES; p++) {
    const project = int(PROJECTS);
    const consumes = pick('Dataset', project, 1 + int(3));
    const pipeline = add('Pipeline', project, {
      type: 'training',
      consumes,
    });
    for (const c of consumes) link(c, pipeline);
    const end = Math.round(FOUNDATION + (p + 1) * perPipeline);
    for (; models < end; models++) {
      const evaluatedOn = chance(0.5) ? pick('Dataset', project, 1) : [];
      const baseModel = chance(0.25) ? pick('Model', project, 1)[0] : undefined;
      const m = add('Model', project, {
        type: chance(0.5) ? 'classification' : 'ranking',
        trainedOn: consumes,
        ...(evaluatedOn.length && { evaluatedOn }),
        producedBy: pipeline,
        ...(baseModel && { baseModel }),
      });
      for (const d of [...consumes, ...evaluatedOn]) link(d, m);
      link(pipeline, m);
      if (baseModel) link(baseModel, m);
    }
  }
  // Batch inference: a model and a dataset in, a prediction dataset out.
  for (let p = 0; p < INFERENCE_PIPELINES; p++, datasets++) {
    const project = int(PROJECTS);
    const consumes = [
      ...pick('Model', project, 1),
      ...pick('Dataset', project, 1),
    ];
    const out = add('Dataset', project, { type: 'table', containsPii: false });
    const pipeline = add('Pipeline', project, {
      type: 'batch-inference',
      consumes,
      produces: [out],
    });
    for (const c of consumes) link(c, pipeline);
    link(pipeline, out);
  }
  // Services: on models, some on earlier services too.
  for (let s = 0; s < SERVICES; s++) {
    const project = int(PROJECTS);
    const dependsOn = [
      ...pick('Model', project, 1 + int(2)),
      ...(chance(0.4) ? pick('Component', project, 1 + int(2)) : []),
    ];
    const c = add(
      'Component',
      project,
      { type: 'service', dependsOn },
      // Anyone may run a service on a project's models.
      `group:default/${team(int(TEAMS))}`,
    );
    for (const d of dependsOn) link(d, c);
  }
  return { org, items, downstream, byRef };
}

/**
 * The relations under which the catalog records the generated downstream
 * links, one per spec field: a model's trainedOn / evaluatedOn / producedBy /
 * baseModel, a dataset's derivedFrom, a pipeline's consumes / produces, a
 * component's dependsOn (the estate has no systems, so no partOf). Used only
 * to tell when the catalog has stitched the estate.
 */
export const DOWNSTREAM_RELATIONS: readonly string[] = [
  'trainingDataOf',
  'evaluationDataOf',
  'produces',
  'baseModelOf',
  'derivesTo',
  'consumedBy',
  'dependencyOf',
];

/** What the bench's own walk found downstream of a root. */
export type Reach = {
  /** Reached ref -> hops from the root (shortest). */
  depthOf: Map<string, number>;
  /** True when something lies beyond the depth limit. */
  truncated: boolean;
  /** The deepest hop reached. */
  maxDepth: number;
};

/** Breadth first from `root` over `estate.downstream`, up to `limit` hops. */
export function reachDownstream(
  estate: Pick<Estate, 'downstream'>,
  root: string,
  limit = Infinity,
): Reach {
  const depthOf = new Map<string, number>();
  let frontier = [root];
  let truncated = false;
  const seen = new Set([root]);
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const ref of frontier) {
      for (const to of estate.downstream.get(ref) ?? []) {
        if (seen.has(to)) continue;
        if (depth > limit) {
          truncated = true;
          break;
        }
        seen.add(to);
        depthOf.set(to, depth);
        next.push(to);
      }
    }
    if (depth > limit) break;
    frontier = next;
  }
  let maxDepth = 0;
  for (const d of depthOf.values()) maxDepth = Math.max(maxDepth, d);
  return { depthOf, truncated, maxDepth };
}

/** Entities per kind or per owner ref among the reached refs. */
export function countBy(
  estate: Estate,
  refs: Iterable<string>,
  field: 'kind' | 'owner',
) {
  const out: Record<string, number> = {};
  for (const ref of refs) {
    const value = estate.byRef.get(ref)![field];
    out[value] = (out[value] ?? 0) + 1;
  }
  return out;
}
