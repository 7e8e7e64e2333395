import { Entity } from '@backstage/catalog-model';
import { filterPredicateToFilterFunction } from '@backstage/filter-predicates';
import { DEFAULT_DEFINITIONS, kindsOf } from './definitions';

describe('kindsOf', () => {
  it('names the kinds a filter can match, lower-case', () => {
    expect(kindsOf({ kind: 'API' })).toEqual(['api']);
    expect(kindsOf({ kind: 'Component', 'spec.type': 'service' })).toEqual([
      'component',
    ]);
    expect(kindsOf({ kind: { $in: ['API', 'Resource', 'api'] } })).toEqual([
      'api',
      'resource',
    ]);
    expect(
      kindsOf({ $any: [{ kind: 'API' }, { kind: { $in: ['Resource'] } }] }),
    ).toEqual(['api', 'resource']);
    expect(
      kindsOf({
        $all: [
          { kind: { $in: ['API', 'Resource'] } },
          { 'spec.type': 'openapi' },
          { kind: { $in: ['api', 'Model'] } },
        ],
      }),
    ).toEqual(['api']);
    expect(DEFAULT_DEFINITIONS.map(d => kindsOf(d.filter))).toEqual([
      ['model', 'dataset', 'pipeline'],
      ['component'],
    ]);
  });

  it('says "any kind" whenever it cannot tell', () => {
    for (const filter of [
      {},
      { 'spec.type': 'service' },
      { $not: { kind: 'API' } },
      { kind: { $hasPrefix: 'Ap' } },
      { kind: { $exists: true } },
      { kind: { $in: ['API'], $future: 1 } },
      { $any: [{ kind: 'API' }, { 'spec.owner': 'x' }] },
      { $all: [] },
      { $future: [{ kind: 'API' }] },
    ]) {
      expect([filter, kindsOf(filter)]).toEqual([filter, undefined]);
    }
  });

  it('never leaves out the kind of an entity the filter matches', () => {
    const kinds = ['API', 'Resource', 'Model', 'Group', 'Template'];
    const filters = [
      { kind: 'api' },
      { kind: { $in: ['Resource', 'MODEL'] } },
      { $any: [{ kind: 'API' }, { kind: 'group' }] },
      { $all: [{ kind: { $in: ['api', 'resource'] } }, { kind: 'Resource' }] },
    ];
    for (const filter of filters) {
      const matches = filterPredicateToFilterFunction<Entity>(filter as any);
      const matched = kinds.filter(kind =>
        matches({
          apiVersion: 'backstage.io/v1alpha1',
          kind,
          metadata: { name: 'x' },
        }),
      );
      expect(matched.length).toBeGreaterThan(0);
      expect([filter, kindsOf(filter)]).toEqual([
        filter,
        expect.arrayContaining(matched.map(k => k.toLowerCase())),
      ]);
    }
  });
});
