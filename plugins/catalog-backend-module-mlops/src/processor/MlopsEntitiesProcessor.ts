import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
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
  MLOPS_RELATION_FIELDS,
  modelEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
} from '@convergence/backstage-plugin-mlops-common';

const validators = [
  modelEntityV1alpha1Validator,
  datasetEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
];

type Reference = {
  target: CompoundEntityRef;
  relation: string;
  reverse: string;
};

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

/** Every outgoing reference of an ML entity, with the relation pair it makes. */
function references(entity: Entity): Reference[] {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const namespace = entity.metadata.namespace ?? 'default';
  const result: Reference[] = [];

  const add = (
    field: string,
    defaultKind: string,
    targetKinds: string[],
    relation: string,
    reverse: string,
  ) => {
    const value = spec[field];
    if (value === undefined) return;
    const values = Array.isArray(value) ? value : [value];
    values.forEach((raw, i) => {
      const path = Array.isArray(value)
        ? `spec.${field}[${i}]`
        : `spec.${field}`;
      let target: CompoundEntityRef;
      try {
        target = parseEntityRef(String(raw), {
          defaultKind,
          defaultNamespace: namespace,
        });
      } catch (error) {
        throw new InputError(
          `${path} is not a valid entity reference: ${
            (error as Error).message
          }`,
        );
      }
      const kind = target.kind.toLocaleLowerCase('en-US');
      if (!targetKinds.includes(kind)) {
        throw new InputError(
          `${path} must refer to a ${targetKinds.join(' or ')}, got '${raw}'`,
        );
      }
      result.push({ target, relation, reverse });
    });
  };

  add(
    'owner',
    'group',
    ['group', 'user'],
    RELATION_OWNED_BY,
    RELATION_OWNER_OF,
  );
  add('system', 'system', ['system'], RELATION_PART_OF, RELATION_HAS_PART);
  for (const f of MLOPS_RELATION_FIELDS) {
    if (f.kind === entity.kind) {
      add(f.field, f.defaultKind, f.targetKinds, f.relation, f.reverse);
    }
  }
  return result;
}
