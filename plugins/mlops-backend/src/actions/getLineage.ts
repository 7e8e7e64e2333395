import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  LINEAGE_DEFAULT_DEPTH,
  LINEAGE_MAX_DEPTH,
} from '@convergence/backstage-plugin-mlops-common';
import { LineageService } from '../service/LineageService';
import {
  READ_ONLY,
  entityRefField,
  entitySummaryFields,
  parseInputRef,
} from './refs';

/**
 * Registers `get-lineage`: the answer of `GET /api/mlops/lineage/…`, from the
 * same {@link LineageService} call with the caller's credentials.
 */
export function registerGetLineageAction(options: {
  actionsRegistry: ActionsRegistryService;
  lineage: LineageService;
}) {
  const { actionsRegistry, lineage } = options;
  actionsRegistry.register({
    name: 'get-lineage',
    title: 'Get the lineage of an entity',
    description: `What is affected when an entity changes (direction downstream, the default: models trained on a dataset, services depending on a model, …) or what it is built from (upstream), following the catalog's ML relations, dependsOn and partOf up to \`depth\` hops (default ${LINEAGE_DEFAULT_DEPTH}, at most ${LINEAGE_MAX_DEPTH}). Each entity reached comes with its kind, owner, lifecycle, its distance and the path of relations from the root; totals count the entities per kind and per owner. Entities the caller may not read are only counted (totals.hidden) and appear in paths as hidden steps. truncated is true when the walk stopped at the depth with more beyond.`,
    attributes: READ_ONLY,
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefField(
            z,
            'The root entity, e.g. dataset:default/card-transactions',
          ),
          direction: z
            .enum(['downstream', 'upstream'])
            .default('downstream')
            .describe(
              'downstream: what depends on it; upstream: what it depends on',
            ),
          depth: z
            .number()
            .int()
            .min(1)
            .max(LINEAGE_MAX_DEPTH)
            .default(LINEAGE_DEFAULT_DEPTH)
            .describe(`How many hops at most, 1 to ${LINEAGE_MAX_DEPTH}`),
        }),
      output: z => {
        const entity = entitySummaryFields(z);
        return z.object({
          root: z.object(entity),
          direction: z.enum(['downstream', 'upstream']),
          depth: z.number(),
          entities: z.array(
            z.object({
              ...entity,
              depth: z.number().describe('Hops from the root'),
              path: z
                .array(
                  z.object({
                    relation: z.string(),
                    entityRef: z.string().optional(),
                    hidden: z.boolean().optional(),
                  }),
                )
                .describe('The relations from the root to the entity'),
            }),
          ),
          totals: z.object({
            entities: z.number(),
            hidden: z
              .number()
              .describe('Entities reached that the caller may not read'),
            byKind: z.record(z.number()),
            byOwner: z.record(z.number()),
            owners: z.number(),
          }),
          truncated: z.boolean(),
        });
      },
    },
    action: async ({ input, credentials }) => {
      const ref = parseInputRef(input.entityRef, 'entityRef');
      const { answer } = await lineage.lineage(
        ref,
        { direction: input.direction, depth: input.depth },
        credentials,
      );
      return { output: answer };
    },
  });
}
