import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MlopsEntitiesProcessor } from '@convergence/backstage-plugin-catalog-backend-module-mlops';
import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const builtinValidators = [
  componentEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

const mlops = new MlopsEntitiesProcessor();

/** Reference fields of the built-in kinds that must point at existing entities. */
const BUILTIN_REFS: Record<string, Array<[string, string]>> = {
  component: [
    ['owner', 'group'],
    ['system', 'system'],
    ['dependsOn', 'component'],
    ['providesApis', 'api'],
    ['consumesApis', 'api'],
  ],
  api: [
    ['owner', 'group'],
    ['system', 'system'],
  ],
  resource: [
    ['owner', 'group'],
    ['system', 'system'],
  ],
};

/** Reference fields of the ML kinds that must point at existing entities. */
const MLOPS_REFS: Array<[string, string]> = [
  ['owner', 'group'],
  ['system', 'system'],
  ['trainedOn', 'dataset'],
  ['evaluatedOn', 'dataset'],
  ['baseModel', 'model'],
  ['derivedFrom', 'dataset'],
  ['consumes', 'dataset'],
];

/** Parses every YAML document of a catalog file; names the document that does not parse. */
export function parseEntities(text: string, file: string): Entity[] {
  const docs = parseAllDocuments(text);
  return docs.flatMap((doc, i) => {
    if (doc.errors.length) {
      throw new InputError(
        `${file}, document ${i + 1}: ${doc.errors[0].message}`,
      );
    }
    const value = doc.toJSON();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(`${file}, document ${i + 1}: not an entity object`);
    }
    return [value as Entity];
  });
}

/**
 * Validates entities the way the catalog would, before anything is
 * published: the envelope and field formats, the kind's schema (built-in and
 * ML kinds, with the field named), and — when a catalog is given — that
 * every referenced owner, system, model or dataset exists (or is among the
 * new entities) and that no new entity's name is taken.
 */
export async function validateEntities(
  entities: Entity[],
  options?: { catalog: CatalogService; credentials: BackstageCredentials },
): Promise<string[]> {
  const refs: string[] = [];
  for (const raw of entities) {
    const name = `${raw?.kind ?? '<no kind>'} ${
      raw?.metadata?.name ?? '<unnamed>'
    }`;
    let entity: Entity;
    try {
      entity = (await policy.enforce(raw)) ?? raw;
    } catch (error) {
      throw new InputError(`Invalid ${name}: ${(error as Error).message}`);
    }
    let known = false;
    if (await mlops.validateEntityKind(entity)) known = true;
    for (const validate of builtinValidators) {
      if (known) break;
      try {
        if (await validate.check(entity)) known = true;
      } catch (error) {
        throw new InputError(`Invalid ${name}: ${(error as Error).message}`);
      }
    }
    if (!known) {
      throw new InputError(
        `Invalid ${name}: unknown kind ${entity.apiVersion}/${entity.kind}`,
      );
    }
    refs.push(stringifyEntityRef(entity));
  }
  if (!options) return refs;

  // Names must be free, references must resolve.
  const { catalog, credentials } = options;
  const own = new Set(refs);
  const { items: existing } = await catalog.getEntitiesByRefs(
    { entityRefs: refs, fields: ['kind', 'metadata.name'] },
    { credentials },
  );
  existing.forEach((e, i) => {
    if (e) {
      throw new InputError(
        `${refs[i]} already exists in the catalog; choose another name`,
      );
    }
  });
  const wanted: Array<{ ref: string; field: string; owner: string }> = [];
  for (const entity of entities) {
    const kind = entity.kind.toLowerCase();
    const fields = entity.apiVersion.startsWith('convergence.dev/')
      ? MLOPS_REFS
      : BUILTIN_REFS[kind] ?? [];
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    for (const [field, defaultKind] of fields) {
      const value = spec[field];
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        const ref = stringifyEntityRef(
          parseEntityRef(String(item), {
            defaultKind,
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
        if (!own.has(ref)) {
          wanted.push({
            ref,
            field: `spec.${field}`,
            owner: stringifyEntityRef(entity),
          });
        }
      }
    }
  }
  if (wanted.length) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: wanted.map(w => w.ref), fields: ['kind'] },
      { credentials },
    );
    const missing = wanted.filter((_, i) => !items[i]);
    if (missing.length) {
      throw new InputError(
        missing
          .map(
            m =>
              `${m.owner}: ${m.field} refers to ${m.ref}, which is not in the catalog`,
          )
          .join('; '),
      );
    }
  }
  return refs;
}
