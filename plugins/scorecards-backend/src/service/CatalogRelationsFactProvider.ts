import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { FactProvider } from '@convergence/backstage-plugin-scorecards-node';

/**
 * Facts from the catalog's relations, under `facts.catalog`:
 * `relations.<type>` (how many relations of each type the entity has, e.g.
 * `facts.catalog.relations.dependencyOf` = services that depend on a model)
 * and `annotations` (how many annotations it carries).
 */
export class CatalogRelationsFactProvider implements FactProvider {
  readonly id = 'catalog';

  async getFacts(entities: Entity[]) {
    const facts = new Map<string, Record<string, unknown>>();
    for (const entity of entities) {
      const relations: Record<string, number> = {};
      for (const r of entity.relations ?? []) {
        relations[r.type] = (relations[r.type] ?? 0) + 1;
      }
      facts.set(stringifyEntityRef(entity), {
        relations,
        annotations: Object.keys(entity.metadata.annotations ?? {}).length,
      });
    }
    return facts;
  }
}
