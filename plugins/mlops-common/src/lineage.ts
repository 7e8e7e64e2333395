import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  RELATION_BASE_MODEL_OF,
  RELATION_CONSUMED_BY,
  RELATION_CONSUMES,
  RELATION_DERIVED_FROM,
  RELATION_DERIVES_TO,
  RELATION_EVALUATED_ON,
  RELATION_EVALUATION_DATA_OF,
  RELATION_FINE_TUNED_FROM,
  RELATION_PRODUCED_BY,
  RELATION_PRODUCES,
  RELATION_TRAINED_ON,
  RELATION_TRAINING_DATA_OF,
} from './relations';
import type { MlopsKind } from './kinds/common';

/**
 * Which way a lineage walk goes: `downstream` reaches what is affected when
 * an entity changes (models trained on a dataset, services depending on a
 * model); `upstream` reaches what an entity is built from.
 *
 * @public
 */
export type LineageDirection = 'downstream' | 'upstream';

const DOWNSTREAM_RELATIONS = [
  RELATION_TRAINING_DATA_OF,
  RELATION_EVALUATION_DATA_OF,
  RELATION_CONSUMED_BY,
  RELATION_DERIVES_TO,
  RELATION_BASE_MODEL_OF,
  RELATION_PRODUCES,
  RELATION_DEPENDENCY_OF,
  RELATION_PART_OF,
] as const;

const UPSTREAM_RELATIONS = [
  RELATION_TRAINED_ON,
  RELATION_EVALUATED_ON,
  RELATION_CONSUMES,
  RELATION_DERIVED_FROM,
  RELATION_FINE_TUNED_FROM,
  RELATION_PRODUCED_BY,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
] as const;

/**
 * The relations a walk follows in each direction. Downstream: models trained
 * or evaluated on a dataset, pipelines consuming it, datasets derived from it,
 * models fine-tuned from a model, what a pipeline produces, entities that
 * depend on it (`dependencyOf`) and the system it is part of (`partOf`).
 * Upstream is the reverse of each.
 *
 * @public
 */
export const LINEAGE_RELATIONS: Readonly<
  Record<LineageDirection, readonly string[]>
> = { downstream: DOWNSTREAM_RELATIONS, upstream: UPSTREAM_RELATIONS };

/**
 * The relations through which a model or dataset is trained: what a model
 * was trained on, fine-tuned from, produced by, and what those consumed or
 * were derived from. Evaluation data and services are not part of it.
 *
 * @public
 */
export const LINEAGE_TRAINING_RELATIONS: readonly string[] = [
  RELATION_TRAINED_ON,
  RELATION_FINE_TUNED_FROM,
  RELATION_PRODUCED_BY,
  RELATION_CONSUMES,
  RELATION_DERIVED_FROM,
];

const RELATION_LABELS = {
  [RELATION_TRAINED_ON]: 'Trained on',
  [RELATION_EVALUATED_ON]: 'Evaluated on',
  [RELATION_PRODUCED_BY]: 'Produced by',
  [RELATION_FINE_TUNED_FROM]: 'Fine-tuned from',
  [RELATION_DERIVED_FROM]: 'Derived from',
  [RELATION_CONSUMES]: 'Consumes',
  [RELATION_DEPENDENCY_OF]: 'Used by',
  [RELATION_BASE_MODEL_OF]: 'Base model of',
  [RELATION_CONSUMED_BY]: 'Consumed by',
  [RELATION_TRAINING_DATA_OF]: 'Trains',
  [RELATION_EVALUATION_DATA_OF]: 'Evaluates',
  [RELATION_DERIVES_TO]: 'Derived into',
  [RELATION_PRODUCES]: 'Produces',
} as const;

/**
 * How an entity page names each relation of an entity's direct lineage:
 * `Trained on`, `Used by`.
 *
 * @public
 */
export const LINEAGE_RELATION_LABELS: Readonly<Record<string, string>> =
  RELATION_LABELS;

/**
 * What an entity page lists for one direction: at least one relation, each
 * one the walk follows that way and has a label.
 */
type PageRelations<R extends string> = readonly [
  R & keyof typeof RELATION_LABELS,
  ...(R & keyof typeof RELATION_LABELS)[],
];

/**
 * An entity's direct lineage as its entity page shows it, per kind (lower
 * case): the relations into it (upstream) and out of it (downstream), in
 * reading order, each named in {@link LINEAGE_RELATION_LABELS}. Each is one
 * the walk follows in that direction ({@link LINEAGE_RELATIONS}); the page
 * leaves out `dependsOn`, `hasPart` and `partOf`. The type checker holds it
 * to this: a key for each ML kind, no empty list, no relation without a label
 * or that the walk follows the other way.
 *
 * @public
 */
export const LINEAGE_RELATIONS_BY_KIND: Readonly<
  Record<string, Readonly<Record<LineageDirection, readonly string[]>>>
> = {
  model: {
    upstream: [
      RELATION_TRAINED_ON,
      RELATION_EVALUATED_ON,
      RELATION_PRODUCED_BY,
      RELATION_FINE_TUNED_FROM,
    ],
    downstream: [
      RELATION_DEPENDENCY_OF,
      RELATION_BASE_MODEL_OF,
      RELATION_CONSUMED_BY,
    ],
  },
  dataset: {
    upstream: [RELATION_DERIVED_FROM, RELATION_PRODUCED_BY],
    downstream: [
      RELATION_TRAINING_DATA_OF,
      RELATION_EVALUATION_DATA_OF,
      RELATION_CONSUMED_BY,
      RELATION_DERIVES_TO,
      RELATION_DEPENDENCY_OF,
    ],
  },
  pipeline: {
    upstream: [RELATION_CONSUMES],
    downstream: [RELATION_PRODUCES],
  },
} satisfies Record<
  Lowercase<MlopsKind>,
  {
    upstream: PageRelations<(typeof UPSTREAM_RELATIONS)[number]>;
    downstream: PageRelations<(typeof DOWNSTREAM_RELATIONS)[number]>;
  }
>;

/** @public */
export const LINEAGE_DEFAULT_DEPTH = 6;
/** @public */
export const LINEAGE_MAX_DEPTH = 20;

/**
 * Send a notice about an entity to the teams owning what is downstream of it.
 * A resource permission on the catalog entity, so a policy can grant it to
 * the entity's owners.
 *
 * @public
 */
export const lineageNotifyPermission = createPermission({
  name: 'mlops.lineage.notify',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Every permission the mlops plugin defines.
 *
 * @public
 */
export const mlopsPermissions = [lineageNotifyPermission];

/**
 * One hop of the path from the walk's root to an entity.
 *
 * @public
 */
export interface LineageStep {
  /** The relation followed, from the previous entity to this one. */
  relation: string;
  /** The entity reached; absent when the caller may not read it. */
  entityRef?: string;
  /** True when the caller may not read the entity reached by this hop. */
  hidden?: boolean;
}

/**
 * What lineage tells of an entity: its ref, name, type, owner and lifecycle.
 *
 * @public
 */
export interface LineageEntitySummary {
  /** Full lower-case ref, e.g. `model:default/fraud-detector`. */
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  /** `spec.type`. */
  type?: string;
  /** Owner ref (full, lower case), from the `ownedBy` relation or `spec.owner`. */
  owner?: string;
  lifecycle?: string;
}

/**
 * An entity a lineage walk reached.
 *
 * @public
 */
export interface LineageEntity extends LineageEntitySummary {
  /** Hops from the root (1 for a direct neighbour). */
  depth: number;
  /** From the root to this entity, one step per hop; the last step is this entity. */
  path: LineageStep[];
}

/**
 * The answer of `GET /api/mlops/lineage/:kind/:namespace/:name`.
 *
 * @public
 */
export interface LineageResponse {
  root: LineageEntitySummary;
  direction: LineageDirection;
  /** The depth limit applied. */
  depth: number;
  /** The entities reached that the caller may read, nearest first. */
  entities: LineageEntity[];
  totals: {
    /** Entities listed (readable by the caller). */
    entities: number;
    /** Entities reached that the caller may not read: counted, never named. */
    hidden: number;
    /** Listed entities per kind (as the catalog spells it, e.g. `Model`). */
    byKind: Record<string, number>;
    /** Listed entities per owner ref; those without owner under `unowned`. */
    byOwner: Record<string, number>;
    /** Distinct owners of the listed entities. */
    owners: number;
  };
  /** True when entities lie beyond the depth limit. */
  truncated: boolean;
}

/**
 * What a lineage notice is about.
 *
 * @public
 */
export const LINEAGE_NOTICE_TYPES = [
  'deprecation',
  'personal-data',
  'incident',
  'other',
] as const;

/** @public */
export type LineageNoticeType = (typeof LINEAGE_NOTICE_TYPES)[number];

/**
 * The body of `POST /api/mlops/lineage/:kind/:namespace/:name/notices`.
 *
 * @public
 */
export interface LineageNoticeRequest {
  type: LineageNoticeType;
  /** Free text, up to 2000 characters; required for `other`. */
  message?: string;
  /** `YYYY-MM-DD`: from when a deprecation applies; required for `deprecation`. */
  effectiveDate?: string;
}

/**
 * A notice sent about an entity to the teams owning what is downstream of it.
 *
 * @public
 */
export interface LineageNotice {
  id: string;
  entityRef: string;
  type: LineageNoticeType;
  message?: string;
  effectiveDate?: string;
  /** The user who sent it (entity ref). */
  sentBy: string;
  /** ISO-8601. */
  sentAt: string;
  /**
   * The owning teams (and users) notified, one notification each; only those
   * owning something downstream the reader may read.
   */
  recipients: string[];
  /**
   * Teams notified that own only entities the reader may not read: counted,
   * never named. Absent when there are none.
   */
  hiddenRecipients?: number;
}
