import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MLOPS_KINDS } from '@convergence/backstage-plugin-mlops-common';
import { READ_ONLY, entitySummaryFields, parseInputRef, refOf } from './refs';

/** The fields an item of the answer is made of. */
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.description',
  'spec.owner',
  'spec.lifecycle',
  'spec.type',
];

/** The owner as a full lower-case ref, as the catalog resolves `spec.owner`. */
function ownerRef(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return refOf(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return owner;
  }
}

const text = (value: unknown) =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Registers `search-ml-assets`: the ML entities the caller may read, filtered and paged. */
export function registerSearchMlAssetsAction(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
}) {
  const { actionsRegistry, catalog } = options;
  actionsRegistry.register({
    name: 'search-ml-assets',
    title: 'Search ML assets',
    description: `Searches the catalog's ML assets (Model, Dataset and Pipeline entities) that the caller may read, sorted by name. Every filter is optional and they combine with AND: kind, owner (an entity ref such as group:default/ml-platform; a bare name is a group in the default namespace), lifecycle (e.g. production, experimental, deprecated), type (e.g. classification, table, training), framework (a Model's spec.framework, e.g. xgboost) and text (words in the name, title or description). Answers at most \`limit\` items (default 25) with totalItems; pass nextCursor back as \`cursor\` (with the same filters) for the next page. Use get-ml-asset for an asset's versions, metrics, model card or schema.`,
    attributes: READ_ONLY,
    schema: {
      input: z =>
        z.object({
          kind: z
            .enum(MLOPS_KINDS)
            .optional()
            .describe('Only this kind; default all three ML kinds'),
          owner: z
            .string()
            .min(1)
            .optional()
            .describe(
              'The owning group or user, e.g. group:default/ml-platform',
            ),
          lifecycle: z.string().min(1).optional().describe('spec.lifecycle'),
          type: z.string().min(1).optional().describe('spec.type'),
          framework: z
            .string()
            .min(1)
            .optional()
            .describe("A Model's spec.framework, e.g. pytorch"),
          text: z
            .string()
            .min(1)
            .optional()
            .describe('Words to find in the name, title or description'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(100)
            .default(25)
            .describe('At most this many items, 1 to 100; default 25'),
          cursor: z
            .string()
            .min(1)
            .optional()
            .describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              ...entitySummaryFields(z),
              description: z.string().optional(),
            }),
          ),
          totalItems: z
            .number()
            .describe('How many assets match, over all pages'),
          nextCursor: z
            .string()
            .optional()
            .describe('Pass as cursor for the next page; absent on the last'),
        }),
    },
    action: async ({ input, credentials }) => {
      let response;
      if (input.cursor) {
        response = await catalog.queryEntities(
          { cursor: input.cursor, limit: input.limit, fields: FIELDS },
          { credentials },
        );
      } else {
        const filter: Record<string, string | string[]> = {};
        if (input.owner)
          filter['relations.ownedBy'] = refOf(
            parseInputRef(input.owner, 'owner', 'group'),
          );
        if (input.lifecycle) filter['spec.lifecycle'] = input.lifecycle;
        if (input.type) filter['spec.type'] = input.type;
        if (input.framework) filter['spec.framework'] = input.framework;
        // Last: the in-memory test catalog stops at a key with several values.
        filter.kind = input.kind ?? [...MLOPS_KINDS];
        response = await catalog.queryEntities(
          {
            filter,
            fields: FIELDS,
            limit: input.limit,
            orderFields: { field: 'metadata.name', order: 'asc' },
            ...(input.text && {
              fullTextFilter: {
                term: input.text,
                fields: [
                  'metadata.name',
                  'metadata.title',
                  'metadata.description',
                ],
              },
            }),
          },
          { credentials },
        );
      }
      const items = response.items.map(entity => {
        const item = {
          entityRef: refOf(entity),
          kind: entity.kind,
          namespace: entity.metadata.namespace ?? 'default',
          name: entity.metadata.name,
          title: text(entity.metadata.title),
          description: text(entity.metadata.description),
          owner: ownerRef(entity),
          lifecycle: text(entity.spec?.lifecycle),
          type: text(entity.spec?.type),
        };
        return JSON.parse(JSON.stringify(item)) as typeof item;
      });
      return {
        output: {
          items,
          totalItems: response.totalItems,
          ...(response.pageInfo.nextCursor && {
            nextCursor: response.pageInfo.nextCursor,
          }),
        },
      };
    },
  });
}
