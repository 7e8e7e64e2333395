import type { MlopsKind } from './kinds/common';

/**
 * Model → Dataset: the model was trained on the dataset.
 * @public
 */
export const RELATION_TRAINED_ON = 'trainedOn';
/**
 * Dataset → Model: reverse of {@link RELATION_TRAINED_ON}.
 * @public
 */
export const RELATION_TRAINING_DATA_OF = 'trainingDataOf';
/**
 * Model → Dataset: the model was evaluated on the dataset.
 * @public
 */
export const RELATION_EVALUATED_ON = 'evaluatedOn';
/**
 * Dataset → Model: reverse of {@link RELATION_EVALUATED_ON}.
 * @public
 */
export const RELATION_EVALUATION_DATA_OF = 'evaluationDataOf';
/**
 * Model or Dataset → Pipeline: the pipeline produces it.
 * @public
 */
export const RELATION_PRODUCED_BY = 'producedBy';
/**
 * Pipeline → Model or Dataset: reverse of {@link RELATION_PRODUCED_BY}.
 * @public
 */
export const RELATION_PRODUCES = 'produces';
/**
 * Pipeline → Dataset or Model: the pipeline reads it.
 * @public
 */
export const RELATION_CONSUMES = 'consumes';
/**
 * Dataset or Model → Pipeline: reverse of {@link RELATION_CONSUMES}.
 * @public
 */
export const RELATION_CONSUMED_BY = 'consumedBy';
/**
 * Dataset → Dataset: derived from the target.
 * @public
 */
export const RELATION_DERIVED_FROM = 'derivedFrom';
/**
 * Dataset → Dataset: reverse of {@link RELATION_DERIVED_FROM}.
 * @public
 */
export const RELATION_DERIVES_TO = 'derivesTo';
/**
 * Model → Model: fine-tuned from the target.
 * @public
 */
export const RELATION_FINE_TUNED_FROM = 'fineTunedFrom';
/**
 * Model → Model: reverse of {@link RELATION_FINE_TUNED_FROM}.
 * @public
 */
export const RELATION_BASE_MODEL_OF = 'baseModelOf';

/**
 * How one spec field of an ML kind turns into a relation pair.
 *
 * @public
 */
export interface MlopsRelationField {
  /** The kind that carries the field. */
  kind: MlopsKind;
  /** The spec field, holding one entity reference or a list of them. */
  field: string;
  /** The relation from the entity to the referenced one. */
  relation: string;
  /** The relation from the referenced entity back. */
  reverse: string;
  /** The kind assumed when a reference names none. */
  defaultKind: string;
  /** The kinds a reference may point at (lower case). */
  targetKinds: string[];
}

/**
 * Every lineage relation the ML kinds declare, field by field. Ownership and
 * system membership use the built-in relations and are not listed here.
 *
 * @public
 */
export const MLOPS_RELATION_FIELDS: readonly MlopsRelationField[] = [
  {
    kind: 'Model',
    field: 'trainedOn',
    relation: RELATION_TRAINED_ON,
    reverse: RELATION_TRAINING_DATA_OF,
    defaultKind: 'dataset',
    targetKinds: ['dataset'],
  },
  {
    kind: 'Model',
    field: 'evaluatedOn',
    relation: RELATION_EVALUATED_ON,
    reverse: RELATION_EVALUATION_DATA_OF,
    defaultKind: 'dataset',
    targetKinds: ['dataset'],
  },
  {
    kind: 'Model',
    field: 'producedBy',
    relation: RELATION_PRODUCED_BY,
    reverse: RELATION_PRODUCES,
    defaultKind: 'pipeline',
    targetKinds: ['pipeline'],
  },
  {
    kind: 'Model',
    field: 'baseModel',
    relation: RELATION_FINE_TUNED_FROM,
    reverse: RELATION_BASE_MODEL_OF,
    defaultKind: 'model',
    targetKinds: ['model'],
  },
  {
    kind: 'Dataset',
    field: 'producedBy',
    relation: RELATION_PRODUCED_BY,
    reverse: RELATION_PRODUCES,
    defaultKind: 'pipeline',
    targetKinds: ['pipeline'],
  },
  {
    kind: 'Dataset',
    field: 'derivedFrom',
    relation: RELATION_DERIVED_FROM,
    reverse: RELATION_DERIVES_TO,
    defaultKind: 'dataset',
    targetKinds: ['dataset'],
  },
  {
    kind: 'Pipeline',
    field: 'consumes',
    relation: RELATION_CONSUMES,
    reverse: RELATION_CONSUMED_BY,
    defaultKind: 'dataset',
    targetKinds: ['dataset', 'model'],
  },
  {
    kind: 'Pipeline',
    field: 'produces',
    relation: RELATION_PRODUCES,
    reverse: RELATION_PRODUCED_BY,
    defaultKind: 'model',
    targetKinds: ['dataset', 'model'],
  },
];
