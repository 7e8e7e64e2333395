import fs from 'fs/promises';
import path from 'path';
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  TEMPLATE_OUTPUT_KINDS,
  parseEntities,
  validateEntities,
} from '../validateEntities';
import {
  ANY_ENTITY_REF_PATTERN,
  KIND_PATTERN,
  matches,
  parseStrictEntityRef,
} from '../inputs';

/**
 * `mlops:entities:validate`: checks the generated catalog files before
 * anything is published, and fails the run naming the file, entity and field.
 *
 * @public
 */
export function createValidateEntitiesAction(options: {
  catalog: CatalogService;
  auth: AuthService;
}) {
  return createTemplateAction({
    id: 'mlops:entities:validate',
    description:
      'Validates generated catalog entities (Component, API, Model, Dataset, Pipeline, …) against their kinds, checks that referenced owners, systems, models and datasets exist and that the new names are free. Refuses kinds and entities the template does not generate, fields the kind does not define, malformed references and schedules. Fails the run with the field named.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Validate the generated catalog-info.yaml',
        example: `steps:
  - id: validate
    action: mlops:entities:validate
    input:
      files: [catalog-info.yaml]
      entityRefs:
        - component:default/\${{ parameters.name }}
        - api:default/\${{ parameters.name }}-api`,
      },
    ],
    schema: {
      input: {
        files: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .default(['catalog-info.yaml'])
            .describe('Catalog files in the workspace to validate'),
        checkCatalog: z =>
          z
            .boolean()
            .default(true)
            .describe(
              'Also check that referenced entities exist and new names are free',
            ),
        kinds: z =>
          z
            .array(z.string().regex(new RegExp(KIND_PATTERN)))
            .min(1)
            .optional()
            .describe(
              `The kinds the files may hold (default ${TEMPLATE_OUTPUT_KINDS.join(
                ', ',
              )})`,
            ),
        entityRefs: z =>
          z
            .array(z.string().regex(new RegExp(ANY_ENTITY_REF_PATTERN)))
            .min(1)
            .optional()
            .describe(
              'The entities the files must hold, no more and no fewer (kind:namespace/name)',
            ),
      },
      output: {
        entityRefs: z =>
          z.array(z.string()).describe('The refs of the validated entities'),
      },
    },
    async handler(ctx) {
      const entities = [];
      // Schema defaults are not applied to inputs at run time; apply them here.
      const files = ctx.input.files ?? ['catalog-info.yaml'];
      // The runner checks the input against the JSON schema only; check again
      // here with the catalog's rules, naming the bad value.
      for (const kind of ctx.input.kinds ?? []) {
        if (!matches(KIND_PATTERN, kind)) {
          throw new InputError(
            `kinds: ${JSON.stringify(kind)} is not a valid kind`,
          );
        }
      }
      for (const ref of ctx.input.entityRefs ?? []) {
        parseStrictEntityRef(ref, { field: 'entityRefs:' });
      }
      for (const file of files) {
        const full = resolveSafeChildPath(ctx.workspacePath, file);
        let text: string;
        try {
          text = await fs.readFile(full, 'utf8');
        } catch {
          throw new InputError(
            `${file} was not generated (no such file in the workspace)`,
          );
        }
        entities.push(...parseEntities(text, path.normalize(file)));
      }
      if (!entities.length) {
        throw new InputError(`${files.join(', ')} hold no entities`);
      }
      const entityRefs = await validateEntities(entities, {
        kinds: ctx.input.kinds,
        entityRefs: ctx.input.entityRefs,
        ...(ctx.input.checkCatalog !== false && {
          catalog: options.catalog,
          credentials: await options.auth.getOwnServiceCredentials(),
        }),
      });
      ctx.logger.info(`Valid: ${entityRefs.join(', ')}`);
      ctx.output('entityRefs', entityRefs);
    },
  });
}
