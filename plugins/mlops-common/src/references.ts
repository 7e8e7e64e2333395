import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { MLOPS_RELATION_FIELDS } from './relations';

/**
 * One entity reference an ML entity makes, and the relation pair it stands for.
 *
 * @public
 */
export interface MlopsEntityReference {
  /** Where the reference is written, e.g. `spec.trainedOn[1]`. */
  path: string;
  /** The referenced entity. */
  target: CompoundEntityRef;
  /** The relation from the entity to the target. */
  relation: string;
  /** The relation from the target back. */
  reverse: string;
}

/**
 * Every outgoing reference of an ML entity (owner, system and the lineage
 * fields of {@link MLOPS_RELATION_FIELDS}), as the catalog module turns them
 * into relations. Throws a TypeError naming the field of a reference that is
 * malformed or points at a kind the field does not allow.
 *
 * @public
 */
export function mlopsEntityReferences(entity: Entity): MlopsEntityReference[] {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const namespace = entity.metadata.namespace ?? 'default';
  const result: MlopsEntityReference[] = [];

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
        throw new TypeError(
          `${path} is not a valid entity reference: ${
            (error as Error).message
          }`,
        );
      }
      const kind = target.kind.toLocaleLowerCase('en-US');
      if (!targetKinds.includes(kind)) {
        throw new TypeError(
          `${path} must refer to a ${targetKinds.join(' or ')}, got '${raw}'`,
        );
      }
      result.push({ path, target, relation, reverse });
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
