import {
  LINEAGE_RELATION_LABELS,
  LINEAGE_RELATIONS,
  LINEAGE_RELATIONS_BY_KIND,
  MLOPS_KINDS,
} from './index';

describe('LINEAGE_RELATIONS_BY_KIND', () => {
  it('has the three ML kinds, in lower case', () => {
    expect(Object.keys(LINEAGE_RELATIONS_BY_KIND).sort()).toEqual(
      MLOPS_KINDS.map(kind => kind.toLocaleLowerCase('en-US')).sort(),
    );
  });

  const lists = Object.entries(LINEAGE_RELATIONS_BY_KIND).flatMap(
    ([kind, relations]) =>
      (['upstream', 'downstream'] as const).map(
        direction => [kind, direction, relations[direction]] as const,
      ),
  );

  it.each(lists)(
    '%s %s: each relation is one the walk follows that way, with a label',
    (_kind, direction, relations) => {
      expect(relations).not.toHaveLength(0);
      expect(
        relations.filter(r => !LINEAGE_RELATIONS[direction].includes(r)),
      ).toEqual([]);
      expect(relations.filter(r => !LINEAGE_RELATION_LABELS[r])).toEqual([]);
    },
  );
});
