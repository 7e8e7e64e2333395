import { Entity } from '@backstage/catalog-model';
import { filterPredicateToFilterFunction } from '@backstage/filter-predicates';
import {
  compileFilterPredicate,
  DEFAULT_DEFINITIONS,
  kindsOf,
} from './definitions';

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

describe('compileFilterPredicate', () => {
  const entities: Entity[] = [
    { apiVersion: 'v1', kind: 'Model', metadata: { name: 'a' } },
    { apiVersion: 'v1', kind: 'MODEL', metadata: { name: 'b' } },
    { apiVersion: 'v1', kind: 'dataset', metadata: { name: 'c' } },
    { apiVersion: 'v1', kind: 'Straße', metadata: { name: 'd' } },
    { apiVersion: 'v1', kind: 5 as any, metadata: { name: 'e' } },
    { apiVersion: 'v1', kind: 'Component', metadata: { name: 'f' } },
    {
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: 'g' },
      spec: { dependsOn: ['model:default/a'], type: 'Service' },
    },
    { apiVersion: 'v1', metadata: { name: 'h' } } as any,
    {
      apiVersion: 'v1',
      kind: 'Model',
      metadata: { name: 'i', 'annotations.x': 'y' } as any,
    },
  ];
  const predicates: unknown[] = [
    { kind: 'Model' },
    { kind: 'model' },
    { kind: { $in: ['Model', 'Dataset', 'Pipeline'] } },
    { kind: { $in: ['STRASSE', 'straße'] } },
    { kind: '5' },
    { kind: { $in: ['5', 'Model'] } },
    { kind: 'Component', 'spec.dependsOn': { $exists: true } },
    { kind: 'Component', 'spec.type': 'service' },
    { kind: { $in: ['Model'] }, apiVersion: 'V1' },
    { 'metadata.annotations.x': 'y' },
    { $not: { kind: 'Model' } },
    { $any: [{ kind: 'Model' }, { kind: 'Dataset' }] },
    { kind: { $exists: false } },
    { kind: { $hasPrefix: 'Mod' } },
    {},
  ];

  it.each(predicates.map(p => [JSON.stringify(p), p]))(
    'decides %s as @backstage/filter-predicates does',
    (_, predicate) => {
      const compiled = compileFilterPredicate(predicate as any);
      const library = filterPredicateToFilterFunction<Entity>(predicate as any);
      expect(entities.map(compiled)).toEqual(entities.map(library));
    },
  );
});
