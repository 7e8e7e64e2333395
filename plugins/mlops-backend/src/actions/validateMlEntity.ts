import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  mlopsEntityReferences,
  validateCatalogEntity,
} from '@convergence/backstage-plugin-mlops-common';
import { parseAllDocuments } from 'yaml';
import { ML_KINDS_TEXT, READ_ONLY, mlopsKind } from './refs';

/** The most YAML one call may validate, in bytes. */
export const MAX_YAML_BYTES = 1024 * 1024;

type Result = {
  entityRef?: string;
  kind?: string;
  valid: boolean;
  errors: string[];
};

/** The ref of an entity-like value, when it has a kind and a name. */
function refOf(value: Record<string, any>): string | undefined {
  const { kind, metadata } = value;
  if (typeof kind !== 'string' || typeof metadata?.name !== 'string')
    return undefined;
  return stringifyEntityRef({
    kind,
    namespace:
      typeof metadata.namespace === 'string' ? metadata.namespace : 'default',
    name: metadata.name,
  });
}

/** One YAML document's value checked as the catalog checks an ML entity. */
async function check(value: unknown, doc: number): Promise<Result> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      valid: false,
      errors: [
        `document ${doc}: not an entity (a mapping with apiVersion, kind, metadata and spec)`,
      ],
    };
  const entity = value as Record<string, any>;
  const entityRef = refOf(entity);
  const head = {
    ...(entityRef && { entityRef }),
    ...(typeof entity.kind === 'string' && { kind: entity.kind }),
  };
  if (typeof entity.kind === 'string' && !mlopsKind(entity.kind))
    return {
      ...head,
      valid: false,
      errors: [
        `kind: ${entity.kind} is not an ML kind; expected ${ML_KINDS_TEXT} (the catalog's validate-entity action checks other kinds)`,
      ],
    };
  try {
    // The catalog's policies and the kind's schema, then the references as
    // the catalog module reads them (owner, system, lineage fields).
    mlopsEntityReferences(await validateCatalogEntity(entity));
    return { ...head, valid: true, errors: [] };
  } catch (error) {
    return { ...head, valid: false, errors: [(error as Error).message] };
  }
}

/**
 * Registers `validate-ml-entity`: YAML in, the catalog's verdict on each ML
 * entity out, with the errors naming the field (mlops-common's validators
 * and references, as the catalog module applies them). Reads and writes
 * nothing.
 */
export function registerValidateMlEntityAction(options: {
  actionsRegistry: ActionsRegistryService;
}) {
  options.actionsRegistry.register({
    name: 'validate-ml-entity',
    title: 'Validate ML entity YAML',
    description: `Checks catalog YAML (one or more documents separated by ---) holding Model, Dataset or Pipeline entities (apiVersion convergence.dev/v1alpha1) as the catalog would when it reads them: the entity envelope, name and field formats, the kind's schema, and the entity references (owner, system, trainedOn, producedBy, …) of the right kind. Answers valid, and for each document its entityRef, kind, valid and errors, each naming the field (e.g. "/spec must have required property 'owner'"). A document that is not valid YAML is reported with the parse error. Nothing is registered or changed. At most 1 MB of YAML.`,
    attributes: READ_ONLY,
    schema: {
      input: z =>
        z.object({
          yaml: z
            .string()
            .describe(
              'The YAML of one or more entities, as in catalog-info.yaml',
            ),
        }),
      output: z =>
        z.object({
          valid: z.boolean().describe('True when every entity is valid'),
          entities: z.array(
            z.object({
              entityRef: z.string().optional(),
              kind: z.string().optional(),
              valid: z.boolean(),
              errors: z.array(z.string()),
            }),
          ),
        }),
    },
    action: async ({ input }) => {
      const bytes = Buffer.byteLength(input.yaml, 'utf8');
      if (bytes > MAX_YAML_BYTES)
        throw new InputError(
          `yaml: ${bytes} bytes is more than the ${MAX_YAML_BYTES} bytes (1 MB) one call may validate`,
        );
      const entities: Result[] = [];
      const docs = parseAllDocuments(input.yaml);
      for (const [i, doc] of (Array.isArray(docs) ? docs : []).entries()) {
        if (doc.errors.length > 0) {
          entities.push({
            valid: false,
            errors: doc.errors.map(e => `document ${i + 1}: ${e.message}`),
          });
          continue;
        }
        let value: unknown;
        try {
          value = doc.toJS();
        } catch (error) {
          // e.g. too many aliases
          entities.push({
            valid: false,
            errors: [`document ${i + 1}: ${(error as Error).message}`],
          });
          continue;
        }
        if (value === null || value === undefined) continue;
        entities.push(await check(value, i + 1));
      }
      if (entities.length === 0) throw new InputError('yaml: holds no entity');
      return {
        output: { valid: entities.every(e => e.valid), entities },
      };
    },
  });
}
