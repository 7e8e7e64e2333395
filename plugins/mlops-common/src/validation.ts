import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  Entity,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { datasetEntityV1alpha1Validator } from './kinds/Dataset.v1alpha1';
import { modelEntityV1alpha1Validator } from './kinds/Model.v1alpha1';
import { pipelineEntityV1alpha1Validator } from './kinds/Pipeline.v1alpha1';
import { catalogEntityPolicy } from './policies';

/**
 * The validator of each kind: the entity when it is of the kind and valid,
 * false when it is of another kind; throws naming the field otherwise.
 */
const kindValidators: Array<(entity: Entity) => unknown> = [
  modelEntityV1alpha1Validator,
  datasetEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
  ...[
    componentEntityV1alpha1Validator,
    apiEntityV1alpha1Validator,
    resourceEntityV1alpha1Validator,
    systemEntityV1alpha1Validator,
    domainEntityV1alpha1Validator,
    groupEntityV1alpha1Validator,
    userEntityV1alpha1Validator,
  ].map(validator => (entity: Entity) => validator.check(entity)),
];

/**
 * Checks one entity as the catalog does when it reads it: Backstage's entity
 * policies ({@link catalogEntityPolicy}: envelope, namespace, name and field
 * formats), then the schema of its kind (the ML kinds and Backstage's
 * built-in kinds other than Location and Template). Returns the entity as
 * the policies leave it (with the default namespace); throws an Error whose
 * message names the offending field, or the unknown kind.
 *
 * @public
 */
export async function validateCatalogEntity(raw: unknown): Promise<Entity> {
  const entity =
    (await catalogEntityPolicy.enforce(raw as Entity)) ?? (raw as Entity);
  for (const validate of kindValidators) {
    if (await validate(entity)) return entity;
  }
  throw new Error(`unknown kind ${entity.apiVersion}/${entity.kind}`);
}
