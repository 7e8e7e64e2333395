import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ML_KINDS_TEXT,
  READ_ONLY,
  entityRefField,
  mlopsKind,
  parseInputRef,
  refOf,
} from './refs';

/** Registers `get-ml-asset`: one ML entity the caller may read, whole. */
export function registerGetMlAssetAction(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
}) {
  const { actionsRegistry, catalog } = options;
  actionsRegistry.register({
    name: 'get-ml-asset',
    title: 'Get an ML asset',
    description: `Returns one ML asset (a Model, Dataset or Pipeline entity) from the catalog, whole: metadata, relations and spec — a Model's framework, task, versions (with their stage, run and metrics), metrics and model card; a Dataset's source, format, schema, classification and personal data; a Pipeline's orchestrator, schedule, what it consumes and produces and its last run. entityRef is kind:namespace/name, e.g. model:default/fraud-detector. An entity the caller may not read is reported as not found.`,
    attributes: READ_ONLY,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(
            z,
            'The entity, e.g. model:default/fraud-detector',
          ),
        }),
      output: z =>
        z.object({
          entity: z
            .object({})
            .passthrough()
            .describe(
              'The catalog entity: apiVersion, kind, metadata, spec, relations',
            ),
        }),
    },
    action: async ({ input, credentials }) => {
      const ref = parseInputRef(input.entityRef, 'entityRef');
      if (!mlopsKind(ref.kind))
        throw new InputError(
          `entityRef: ${ref.kind} is not an ML kind; expected ${ML_KINDS_TEXT}`,
        );
      const entity = await catalog.getEntityByRef(refOf(ref), { credentials });
      if (!entity) throw new NotFoundError(`No entity ${input.entityRef}`);
      return { output: { entity } };
    },
  });
}
