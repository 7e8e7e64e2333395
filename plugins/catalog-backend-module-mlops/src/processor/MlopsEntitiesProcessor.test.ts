import { Entity } from '@backstage/catalog-model';
import { processingResult } from '@backstage/plugin-catalog-node';
import { MLOPS_RELATION_FIELDS } from '@convergence/backstage-plugin-mlops-common';
import { MlopsEntitiesProcessor } from './MlopsEntitiesProcessor';

const location = { type: 'file', target: 'test.yaml' };
const processor = new MlopsEntitiesProcessor();

const entity = (kind: string, spec: object, name = 'x'): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {
    type: 't',
    lifecycle: 'production',
    owner: 'group:default/fraud-ml',
    ...spec,
  },
});

async function relationsOf(e: Entity) {
  const emit = jest.fn();
  const returned = await processor.postProcessEntity(e, location, emit);
  expect(returned).toBe(e); // the entity is returned unchanged
  return emit.mock.calls.map(([r]) => r);
}

describe('validateEntityKind', () => {
  it('claims the three kinds and nothing else', async () => {
    await expect(
      processor.validateEntityKind(entity('Model', {})),
    ).resolves.toBe(true);
    await expect(
      processor.validateEntityKind(entity('Dataset', {})),
    ).resolves.toBe(true);
    await expect(
      processor.validateEntityKind(entity('Pipeline', {})),
    ).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({
        ...entity('Component', {}),
        apiVersion: 'backstage.io/v1alpha1',
      }),
    ).resolves.toBe(false);
  });

  it('names the field of a malformed spec', async () => {
    await expect(
      processor.validateEntityKind(
        entity('Model', { trainedOn: 42 }, 'fraud-detector'),
      ),
    ).rejects.toThrow(
      'Invalid Model fraud-detector: /spec/trainedOn must be array',
    );
    const { owner, ...noOwner } = entity('Model', {}).spec as any;
    await expect(
      processor.validateEntityKind({ ...entity('Model', {}), spec: noOwner }),
    ).rejects.toThrow("must have required property 'owner'");
  });

  it('names the field of a reference to the wrong kind', async () => {
    await expect(
      processor.validateEntityKind(
        entity('Model', { trainedOn: ['dataset:a', 'component:b'] }),
      ),
    ).rejects.toThrow(
      "spec.trainedOn[1] must refer to a dataset, got 'component:b'",
    );
    await expect(
      processor.validateEntityKind(
        entity('Dataset', { owner: 'system:payments' }),
      ),
    ).rejects.toThrow('spec.owner must refer to a group or user');
    await expect(
      processor.validateEntityKind(
        entity('Pipeline', { produces: ['model:default/'] }),
      ),
    ).rejects.toThrow('spec.produces[0] is not a valid entity reference');
  });
});

describe('postProcessEntity', () => {
  it('emits ownership and system membership both ways', async () => {
    const relations = await relationsOf(
      entity('Dataset', { system: 'data-lake' }, 'd'),
    );
    const self = { kind: 'Dataset', namespace: 'default', name: 'd' };
    const owner = { kind: 'group', namespace: 'default', name: 'fraud-ml' };
    const system = { kind: 'system', namespace: 'default', name: 'data-lake' };
    expect(relations).toEqual(
      [
        processingResult.relation({
          source: self,
          type: 'ownedBy',
          target: owner,
        }),
        processingResult.relation({
          source: owner,
          type: 'ownerOf',
          target: self,
        }),
        processingResult.relation({
          source: system,
          type: 'hasPart',
          target: self,
        }),
        processingResult.relation({
          source: self,
          type: 'partOf',
          target: system,
        }),
      ].sort(byRelation(relations)),
    );
  });

  it.each(
    MLOPS_RELATION_FIELDS.map(f => [f.kind, f.field, f.relation, f.reverse, f]),
  )(
    '%s spec.%s emits %s and its reverse %s',
    async (kind, field, relation, reverse, f) => {
      const targetKind = (f as any).targetKinds[0];
      const e = entity(
        kind as string,
        {
          [field as string]:
            field === 'producedBy' || field === 'baseModel'
              ? `${targetKind}:team-a/target`
              : [`${targetKind}:team-a/target`],
        },
        'source',
      );
      const relations = await relationsOf(e);
      const self = {
        kind: kind as string,
        namespace: 'default',
        name: 'source',
      };
      const target = { kind: targetKind, namespace: 'team-a', name: 'target' };
      expect(relations).toContainEqual(
        processingResult.relation({
          source: self,
          type: relation as string,
          target,
        }),
      );
      expect(relations).toContainEqual(
        processingResult.relation({
          source: target,
          type: reverse as string,
          target: self,
        }),
      );
    },
  );

  it('applies default kinds and the entity namespace', async () => {
    const relations = await relationsOf({
      ...entity('Model', {
        trainedOn: ['card-transactions'],
        producedBy: 'fraud-training',
        baseModel: 'bert-base',
      }),
      metadata: { name: 'm', namespace: 'payments' },
    });
    const targets = relations.map(
      r =>
        `${r.relation.type} ${r.relation.target.kind}:${r.relation.target.namespace}/${r.relation.target.name}`,
    );
    expect(targets).toEqual(
      expect.arrayContaining([
        'trainedOn dataset:payments/card-transactions',
        'producedBy pipeline:payments/fraud-training',
        'fineTunedFrom model:payments/bert-base',
      ]),
    );
  });

  it('leaves other kinds alone', async () => {
    const component = {
      ...entity('Component', {}),
      apiVersion: 'backstage.io/v1alpha1',
    };
    expect(await relationsOf(component)).toEqual([]);
  });
});

// Keeps the expected list in the emitted order (ownership pair first).
function byRelation(actual: any[]) {
  const key = (r: any) => JSON.stringify(r);
  const order = actual.map(key);
  return (a: any, b: any) => order.indexOf(key(a)) - order.indexOf(key(b));
}
