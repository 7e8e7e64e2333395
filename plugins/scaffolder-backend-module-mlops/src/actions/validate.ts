import fs from 'fs/promises';
import path from 'path';
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parseEntities, validateEntities } from '../validateEntities';

/**
 * `mlops:entities:validate`: checks the generated catalog files before
 * anything is published, and fails the run naming the file, entity and field.
 */
export function createValidateEntitiesAction(options: {
  catalog: CatalogService;
  auth: AuthService;
}) {
  return createTemplateAction({
    id: 'mlops:entities:validate',
    description:
      'Validates generated catalog entities (Component, API, Model, Dataset, Pipeline, …) against their kinds, checks that referenced owners, systems, models and datasets exist and that the new names are free. Fails the run with the field named.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Validate the generated catalog-info.yaml',
        example: `steps:
  - id: validate
    action: mlops:entities:validate
    input:
      files: [catalog-info.yaml]`,
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
      const entityRefs = await validateEntities(
        entities,
        ctx.input.checkCatalog !== false
          ? {
              catalog: options.catalog,
              credentials: await options.auth.getOwnServiceCredentials(),
            }
          : undefined,
      );
      ctx.logger.info(`Valid: ${entityRefs.join(', ')}`);
      ctx.output('entityRefs', entityRefs);
    },
  });
}
