import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { MlopsEntitiesProcessor } from './processor/MlopsEntitiesProcessor';

// The example estate in examples/ must be valid and fully linked: every ML
// entity passes the processor, and every relation it emits points at an entity
// that exists.
const examplesDir = path.resolve(__dirname, '../../../examples');
const entities: Entity[] = fs
  .readdirSync(examplesDir)
  .filter(f => f.endsWith('.yaml'))
  .flatMap(f =>
    parseAllDocuments(fs.readFileSync(path.join(examplesDir, f), 'utf8')),
  )
  .map(doc => doc.toJSON())
  .filter(Boolean);
const known = new Set(entities.map(e => stringifyEntityRef(e)));
const ml = entities.filter(e => e.apiVersion === 'convergence.dev/v1alpha1');
const processor = new MlopsEntitiesProcessor();

it('has the estate the demo promises', () => {
  const count = (kind: string) => ml.filter(e => e.kind === kind).length;
  expect(count('Model')).toBeGreaterThanOrEqual(8);
  expect(count('Dataset')).toBeGreaterThanOrEqual(10);
  expect(count('Pipeline')).toBeGreaterThanOrEqual(5);
  const owners = new Set(ml.map(e => (e.spec as any).owner));
  expect(owners.size).toBeGreaterThanOrEqual(3);
  const servingComponents = entities.filter(
    e =>
      e.kind === 'Component' &&
      ((e.spec as any).dependsOn ?? []).some((r: string) =>
        r.startsWith('model:'),
      ),
  );
  expect(servingComponents.length).toBeGreaterThanOrEqual(5);
});

it.each(ml.map(e => [stringifyEntityRef(e), e]))(
  '%s is valid and fully linked',
  async (_ref, entity) => {
    const e = entity as Entity;
    await expect(processor.validateEntityKind(e)).resolves.toBe(true);
    const emit = jest.fn();
    await processor.postProcessEntity(
      e,
      { type: 'file', target: 'examples' },
      emit,
    );
    for (const [{ relation }] of emit.mock.calls) {
      for (const end of [relation.source, relation.target]) {
        const ref = stringifyEntityRef(end);
        expect(known.has(ref) ? ref : `missing ${ref}`).toBe(ref);
      }
    }
  },
);

it('has no service depending on a model that does not exist', () => {
  const dangling = entities
    .flatMap(e => ((e.spec as any)?.dependsOn ?? []) as string[])
    .filter(ref => ref.startsWith('model:') && !known.has(ref));
  expect(dangling).toEqual([]);
});
