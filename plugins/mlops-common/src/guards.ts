import { Entity } from '@backstage/catalog-model';
import { MLOPS_API_VERSION, MlopsEntity, MlopsKind } from './kinds/common';
import type { ModelEntityV1alpha1 } from './kinds/Model.v1alpha1';
import type { DatasetEntityV1alpha1 } from './kinds/Dataset.v1alpha1';
import type { PipelineEntityV1alpha1 } from './kinds/Pipeline.v1alpha1';

/**
 * Whether the entity is of the ML kind, comparing the kind case-insensitively
 * as the catalog does (the usual spelling is checked first, without
 * lower-casing, as the guards run once per entity in scorecard checks).
 */
const isKind = (entity: Entity, kind: MlopsKind) =>
  entity.apiVersion === MLOPS_API_VERSION &&
  (entity.kind === kind ||
    entity.kind.toLocaleLowerCase('en-US') === kind.toLocaleLowerCase('en-US'));

/**
 * True for a Model entity.
 * @public
 */
export const isModelEntity = (entity: Entity): entity is ModelEntityV1alpha1 =>
  isKind(entity, 'Model');

/**
 * True for a Dataset entity.
 * @public
 */
export const isDatasetEntity = (
  entity: Entity,
): entity is DatasetEntityV1alpha1 => isKind(entity, 'Dataset');

/**
 * True for a Pipeline entity.
 * @public
 */
export const isPipelineEntity = (
  entity: Entity,
): entity is PipelineEntityV1alpha1 => isKind(entity, 'Pipeline');

/**
 * True for any of the ML kinds ({@link MLOPS_KINDS}).
 * @public
 */
export const isMlopsEntity = (entity: Entity): entity is MlopsEntity =>
  isModelEntity(entity) || isDatasetEntity(entity) || isPipelineEntity(entity);
