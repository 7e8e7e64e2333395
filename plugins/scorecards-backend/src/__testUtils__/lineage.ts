import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  LineageNode,
  LineageNodeLoader,
  toLineageNode,
} from '@convergence/backstage-plugin-mlops-node';
import { LineageFactProvider } from '../service/LineageFactProvider';
import { EntityFacts } from '@convergence/backstage-plugin-scorecards-node';

/**
 * A lineage loader over entities held in memory (with their relations, see
 * withCatalogRelations), as the catalog would answer: refs it lacks are left
 * out. `reads` records each read.
 */
export function inMemoryLineageLoader(entities: Entity[]) {
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLowerCase(), e]),
  );
  const reads: string[][] = [];
  const load: LineageNodeLoader = async refs => {
    reads.push([...refs]);
    const found = new Map<string, LineageNode>();
    for (const ref of refs) {
      const e = byRef.get(ref);
      if (e) found.set(ref, toLineageNode(e));
    }
    return found;
  };
  return { load, reads };
}

/**
 * The lineage facts of every entity, as the plugin's lineage fact provider
 * gathers them from a catalog holding exactly these entities: the `facts`
 * ScorecardGrader.grade takes.
 */
export async function lineageFactsOf(
  entities: Entity[],
): Promise<Map<string, EntityFacts>> {
  const provider = new LineageFactProvider(
    inMemoryLineageLoader(entities).load,
  );
  const facts = await provider.getFacts(entities);
  return new Map(
    [...facts].map(([ref, lineage]) => [ref.toLowerCase(), { lineage }]),
  );
}
