import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  datasetEntityV1alpha1Validator,
  isMlopsEntity,
  MlopsEntityReference,
  mlopsEntityReferences,
  modelEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
} from '@convergence/backstage-plugin-mlops-common';

const validators = [
  modelEntityV1alpha1Validator,
  datasetEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
];

/**
 * Adds the Model, Dataset and Pipeline kinds to the catalog.
 *
 * Validation rejects an entity with an error that names the field (the
 * catalog records it on the entity's processing status); post-processing
 * emits ownership, system membership and every lineage relation in both
 * directions. The entity itself is returned unchanged.
 *
 * @public
 */
export class MlopsEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'MlopsEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    for (const validate of validators) {
      let valid: Entity | false;
      try {
        valid = validate(entity);
      } catch (error) {
        throw new InputError(
          `Invalid ${entity.kind} ${entity.metadata?.name ?? '<unnamed>'}: ${
            (error as Error).message
          }`,
        );
      }
      if (valid) {
        // Malformed or wrongly-kinded references are rejected here too, so the
        // entity never reaches the catalog half-linked.
        references(entity);
        return true;
      }
    }
    return false;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isMlopsEntity(entity)) {
      return entity;
    }
    const self = getCompoundEntityRef(entity);
    for (const ref of references(entity)) {
      emit(
        processingResult.relation({
          source: self,
          type: ref.relation,
          target: ref.target,
        }),
      );
      emit(
        processingResult.relation({
          source: ref.target,
          type: ref.reverse,
          target: self,
        }),
      );
    }
    return entity;
  }
}

/**
 * Every outgoing reference of an ML entity, with the relation pair it makes;
 * an InputError naming the field of a bad one.
 */
function references(entity: Entity): MlopsEntityReference[] {
  try {
    return mlopsEntityReferences(entity);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}
