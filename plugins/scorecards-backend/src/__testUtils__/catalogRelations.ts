import {
  Entity,
  EntityRelation,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MLOPS_RELATION_FIELDS } from '@convergence/backstage-plugin-mlops-common';

type Field = {
  kinds: string[];
  field: string;
  defaultKind: string;
  relation: string;
  reverse: string;
};

/** The spec fields the catalog turns into relation pairs (built-in kinds and ML kinds). */
const FIELDS: Field[] = [
  {
    kinds: ['component', 'resource', 'api', 'system', 'domain'],
    field: 'owner',
    defaultKind: 'group',
    relation: RELATION_OWNED_BY,
    reverse: RELATION_OWNER_OF,
  },
  {
    kinds: ['component', 'resource', 'api'],
    field: 'system',
    defaultKind: 'system',
    relation: RELATION_PART_OF,
    reverse: RELATION_HAS_PART,
  },
  {
    kinds: ['component', 'resource'],
    field: 'dependsOn',
    defaultKind: 'component',
    relation: RELATION_DEPENDS_ON,
    reverse: RELATION_DEPENDENCY_OF,
  },
  {
    kinds: ['component', 'resource'],
    field: 'dependencyOf',
    defaultKind: 'component',
    relation: RELATION_DEPENDENCY_OF,
    reverse: RELATION_DEPENDS_ON,
  },
  ...['Model', 'Dataset', 'Pipeline'].flatMap(kind => [
    {
      kinds: [kind.toLowerCase()],
      field: 'owner',
      defaultKind: 'group',
      relation: RELATION_OWNED_BY,
      reverse: RELATION_OWNER_OF,
    },
    {
      kinds: [kind.toLowerCase()],
      field: 'system',
      defaultKind: 'system',
      relation: RELATION_PART_OF,
      reverse: RELATION_HAS_PART,
    },
  ]),
  ...MLOPS_RELATION_FIELDS.map(f => ({
    kinds: [f.kind.toLowerCase()],
    field: f.field,
    defaultKind: f.defaultKind,
    relation: f.relation,
    reverse: f.reverse,
  })),
];

/**
 * The entities with `relations` as the catalog's processors emit them: each
 * reference in a spec field becomes a relation on the entity and the reverse
 * relation on the entity it names (target refs lower-case, as stored). Used to
 * grade entities read from YAML the way the portal grades catalog entities.
 */
export function withCatalogRelations(entities: Entity[]): Entity[] {
  const refOf = (e: Entity) => stringifyEntityRef(e).toLowerCase();
  const relations = new Map<string, EntityRelation[]>(
    entities.map(e => [refOf(e), []]),
  );
  const add = (source: string, type: string, targetRef: string) => {
    const list = relations.get(source);
    if (list && !list.some(r => r.type === type && r.targetRef === targetRef))
      list.push({ type, targetRef });
  };
  for (const entity of entities) {
    const self = refOf(entity);
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    for (const f of FIELDS) {
      if (!f.kinds.includes(entity.kind.toLowerCase())) continue;
      const value = spec[f.field];
      if (value === undefined) continue;
      for (const raw of Array.isArray(value) ? value : [value]) {
        const target = stringifyEntityRef(
          parseEntityRef(String(raw), {
            defaultKind: f.defaultKind,
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ).toLowerCase();
        add(self, f.relation, target);
        add(target, f.reverse, self);
      }
    }
  }
  return entities.map(e => ({ ...e, relations: relations.get(refOf(e)) }));
}
