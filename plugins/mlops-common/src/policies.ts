import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  EntityPolicy,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';

/**
 * Backstage's own entity policies, as the catalog applies them to every
 * entity it reads: the default namespace, no root fields of its own, valid
 * names, labels and annotations, and the entity envelope's schema.
 * `enforce` throws on an entity the catalog would refuse.
 *
 * @public
 */
export const catalogEntityPolicy: EntityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
