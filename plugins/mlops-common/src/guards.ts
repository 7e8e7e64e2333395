import { Entity } from '@backstage/catalog-model';
import { MLOPS_API_VERSION, MlopsEntity } from './kinds/common';
import type { ModelEntityV1alpha1 } from './kinds/Model.v1alpha1';
import type { DatasetEntityV1alpha1 } from './kinds/Dataset.v1alpha1';
import type { PipelineEntityV1alpha1 } from './kinds/Pipeline.v1alpha1';

const isKind = (entity: Entity, kind: string) =>
  entity.apiVersion === MLOPS_API_VERSION &&
  entity.kind.toLocaleLowerCase('en-US') === kind;

/**
 * True for a Model entity.
 * @public
 */
export const isModelEntity = (entity: Entity): entity is ModelEntityV1alpha1 =>
  isKind(entity, 'model');

/**
 * True for a Dataset entity.
 * @public
 */
export const isDatasetEntity = (
  entity: Entity,
): entity is DatasetEntityV1alpha1 => isKind(entity, 'dataset');

/**
 * True for a Pipeline entity.
 * @public
 */
export const isPipelineEntity = (
  entity: Entity,
): entity is PipelineEntityV1alpha1 => isKind(entity, 'pipeline');

/**
 * True for any of the ML kinds.
 * @public
 */
export const isMlopsEntity = (entity: Entity): entity is MlopsEntity =>
  isModelEntity(entity) || isDatasetEntity(entity) || isPipelineEntity(entity);
