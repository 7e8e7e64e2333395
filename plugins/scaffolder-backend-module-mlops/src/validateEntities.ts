import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isPipelineEntity,
  MLOPS_KINDS,
  MLOPS_RELATION_FIELDS,
  RELATION_PRODUCED_BY,
  RELATION_PRODUCES,
  validateCatalogEntity,
} from '@convergence/backstage-plugin-mlops-common';
import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import { CRON_PATTERN, matches, parseStrictEntityRef } from './inputs';

/**
 * The kinds the golden-path templates produce: what the generated files may
 * hold unless a step says otherwise, and the only kinds the local-git
 * provider reads from published repositories. Never User, Group, Location or
 * Template.
 *
 * @public
 */
export const TEMPLATE_OUTPUT_KINDS: readonly string[] = [
  'Component',
  'API',
  'Resource',
  'System',
  ...MLOPS_KINDS,
];

/**
 * The spec fields of each kind, as its JSON schema declares them
 * (@backstage/catalog-model's and @convergence/backstage-plugin-mlops-common's;
 * a test keeps the lists equal). The schemas allow other fields; generated
 * files may not have them.
 */
export const SPEC_FIELDS: Record<string, readonly string[]> = {
  component: [
    'type',
    'lifecycle',
    'owner',
    'system',
    'subcomponentOf',
    'providesApis',
    'consumesApis',
    'dependsOn',
  ],
  api: ['type', 'lifecycle', 'owner', 'system', 'definition'],
  resource: ['type', 'owner', 'dependsOn', 'system'],
  system: ['owner', 'domain', 'type'],
  domain: ['owner', 'subdomainOf', 'type'],
  model: [
    'type',
    'lifecycle',
    'owner',
    'system',
    'framework',
    'license',
    'task',
    'trainedOn',
    'evaluatedOn',
    'producedBy',
    'baseModel',
    'metrics',
    'versions',
    'card',
  ],
  dataset: [
    'type',
    'lifecycle',
    'owner',
    'system',
    'source',
    'format',
    'schema',
    'classification',
    'containsPii',
    'retention',
    'license',
    'derivedFrom',
    'producedBy',
    'version',
    'digest',
  ],
  pipeline: [
    'type',
    'lifecycle',
    'owner',
    'system',
    'orchestrator',
    'schedule',
    'consumes',
    'produces',
    'lastRun',
  ],
};

/** The metadata fields of an entity (EntityMeta's schema). */
const METADATA_FIELDS = [
  'uid',
  'etag',
  'name',
  'namespace',
  'title',
  'description',
  'labels',
  'annotations',
  'tags',
  'links',
];

/**
 * A reference field: the kind a bare name refers to, the kinds it may refer
 * to (any when omitted), and whether the target must be in the catalog (or
 * among the new entities).
 */
type RefField = {
  field: string;
  defaultKind: string;
  kinds?: string[];
  mustExist: boolean;
};

const OWNER: RefField = {
  field: 'owner',
  defaultKind: 'group',
  kinds: ['group', 'user'],
  mustExist: true,
};
const SYSTEM: RefField = {
  field: 'system',
  defaultKind: 'system',
  kinds: ['system'],
  mustExist: true,
};

/** Reference fields of the built-in kinds. */
const BUILTIN_REFS: Record<string, RefField[]> = {
  component: [
    OWNER,
    SYSTEM,
    { field: 'dependsOn', defaultKind: 'component', mustExist: true },
    {
      field: 'providesApis',
      defaultKind: 'api',
      kinds: ['api'],
      mustExist: true,
    },
    {
      field: 'consumesApis',
      defaultKind: 'api',
      kinds: ['api'],
      mustExist: true,
    },
    {
      field: 'subcomponentOf',
      defaultKind: 'component',
      kinds: ['component'],
      mustExist: false,
    },
  ],
  api: [OWNER, SYSTEM],
  resource: [
    OWNER,
    SYSTEM,
    { field: 'dependsOn', defaultKind: 'component', mustExist: false },
  ],
  system: [
    OWNER,
    {
      field: 'domain',
      defaultKind: 'domain',
      kinds: ['domain'],
      mustExist: false,
    },
  ],
};

/**
 * Reference fields of the ML kinds, from mlops-common's relation table. What
 * a Pipeline produces, and the Pipeline that produces a Model or Dataset, may
 * be created later; every other referenced entity must exist.
 */
const MLOPS_REFS: Record<string, RefField[]> = Object.fromEntries(
  MLOPS_KINDS.map(kind => [
    kind.toLocaleLowerCase('en-US'),
    [
      OWNER,
      SYSTEM,
      ...MLOPS_RELATION_FIELDS.filter(f => f.kind === kind).map(f => ({
        field: f.field,
        defaultKind: f.defaultKind,
        kinds: f.targetKinds,
        mustExist:
          f.relation !== RELATION_PRODUCES &&
          f.relation !== RELATION_PRODUCED_BY,
      })),
    ],
  ]),
);

/** Reference fields of every kind a template may generate. */
const REFS: Record<string, RefField[]> = { ...BUILTIN_REFS, ...MLOPS_REFS };

/**
 * Parses every YAML document of a catalog file; names the document that does
 * not parse.
 *
 * @public
 */
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
 * ML kinds, with the field named), and more strictly than the catalog what a
 * template may generate: only the allowed `kinds` (by default
 * {@link TEMPLATE_OUTPUT_KINDS}), exactly the `entityRefs` when given, no
 * metadata or spec field the kind does not define, entity references of the
 * right kind and format, a Pipeline's schedule as cron. When a catalog is
 * given, every referenced owner, system, model or dataset must exist (or be
 * among the new entities) and no new entity's name may be taken.
 *
 * @public
 */
export async function validateEntities(
  entities: Entity[],
  options?: {
    catalog?: CatalogService;
    credentials?: BackstageCredentials;
    /** The kinds the files may hold; default {@link TEMPLATE_OUTPUT_KINDS}. */
    kinds?: readonly string[];
    /** The entities the files must hold, no more and no fewer. */
    entityRefs?: string[];
  },
): Promise<string[]> {
  const kinds = options?.kinds ?? TEMPLATE_OUTPUT_KINDS;
  const allowed = new Set(kinds.map(k => k.toLocaleLowerCase('en-US')));
  const refs: string[] = [];
  for (const raw of entities) {
    const name = `${raw?.kind ?? '<no kind>'} ${
      raw?.metadata?.name ?? '<unnamed>'
    }`;
    if (
      typeof raw?.kind === 'string' &&
      !allowed.has(raw.kind.toLocaleLowerCase('en-US'))
    ) {
      throw new InputError(
        `${name}: the generated files may hold only ${kinds.join(
          ', ',
        )} entities`,
      );
    }
    let entity: Entity;
    try {
      entity = await validateCatalogEntity(raw);
    } catch (error) {
      throw new InputError(`Invalid ${name}: ${(error as Error).message}`);
    }
    checkFields(entity, name);
    refs.push(stringifyEntityRef(entity));
  }

  // Exactly the entities the template generates.
  if (options?.entityRefs) {
    const expected = new Set(
      options.entityRefs.map(ref =>
        stringifyEntityRef(parseStrictEntityRef(ref, { field: 'entityRefs:' })),
      ),
    );
    const extra = refs.find(ref => !expected.has(ref));
    if (extra) {
      throw new InputError(
        `The generated files hold ${extra}, which this template does not generate`,
      );
    }
    const missing = [...expected].find(ref => !refs.includes(ref));
    if (missing) {
      throw new InputError(`The generated files do not hold ${missing}`);
    }
  }

  // References are well-formed and of the right kind.
  const own = new Set(refs);
  const wanted: Array<{ ref: string; field: string; owner: string }> = [];
  for (const entity of entities) {
    const fields = REFS[entity.kind.toLocaleLowerCase('en-US')] ?? [];
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const entityRef = stringifyEntityRef(entity);
    for (const { field, defaultKind, kinds: refKinds, mustExist } of fields) {
      const value = spec[field];
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        const ref = stringifyEntityRef(
          parseStrictEntityRef(item, {
            field: `${entityRef}: spec.${field}`,
            kinds: refKinds,
            defaultKind,
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
        if (mustExist && !own.has(ref)) {
          wanted.push({ ref, field: `spec.${field}`, owner: entityRef });
        }
      }
    }
    if (
      isPipelineEntity(entity) &&
      spec.schedule !== undefined &&
      !matches(CRON_PATTERN, spec.schedule)
    ) {
      throw new InputError(
        `${entityRef}: spec.schedule is not a five-field cron expression or a @daily-style macro: ${JSON.stringify(
          spec.schedule,
        )}`,
      );
    }
  }
  if (!options?.catalog || !options.credentials) return refs;

  // Names must be free, references must resolve.
  const { catalog, credentials } = options;
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

/** Refuses metadata and spec fields the entity's kind does not define. */
function checkFields(entity: Entity, name: string) {
  const unknownMetadata = Object.keys(entity.metadata).find(
    key => !METADATA_FIELDS.includes(key),
  );
  if (unknownMetadata) {
    throw new InputError(
      `Invalid ${name}: metadata.${unknownMetadata} is not a metadata field`,
    );
  }
  const fields = SPEC_FIELDS[entity.kind.toLocaleLowerCase('en-US')];
  const unknownSpec =
    fields && Object.keys(entity.spec ?? {}).find(key => !fields.includes(key));
  if (unknownSpec) {
    throw new InputError(
      `Invalid ${name}: spec.${unknownSpec} is not a field of ${entity.kind}`,
    );
  }
}
