import { Entity } from '@backstage/catalog-model';
import {
  LineageNode,
  LineageNodeLoader,
  LineageWalkOptions,
  lineagePath,
  toLineageNode,
  walkLineage,
  walkLineageSync,
} from './lineage';

/** An entity with the given relations (targets as written). */
function entity(
  ref: string,
  relations: Array<[string, string]>,
  spec: Entity['spec'] = {},
): Entity {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return {
    apiVersion: 'convergence.dev/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec,
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  };
}

/** A loader over fixed entities that records each batch it is asked for. */
function loaderOf(entities: Entity[]) {
  const nodes = new Map<string, LineageNode>();
  for (const e of entities) {
    const node = toLineageNode(e);
    nodes.set(node.entityRef, node);
  }
  const batches: string[][] = [];
  const loadSync = (refs: readonly string[]) => {
    batches.push([...refs]);
    return new Map(
      refs.flatMap(r => (nodes.has(r) ? [[r, nodes.get(r)!] as const] : [])),
    );
  };
  const load: LineageNodeLoader = async refs => loadSync(refs);
  return { load, loadSync, batches };
}

/** The same walks, over a loader answering later and one answering at once. */
describe.each([
  [
    'walkLineage',
    (options: LineageWalkOptions, loader: ReturnType<typeof loaderOf>) =>
      walkLineage({ ...options, load: loader.load }),
  ],
  [
    'walkLineageSync',
    async (options: LineageWalkOptions, loader: ReturnType<typeof loaderOf>) =>
      walkLineageSync({ ...options, load: loader.loadSync }),
  ],
])('%s', (_, walkFrom) => {
  const estate = [
    entity('Dataset:default/Raw.Events', [
      ['derivesTo', 'dataset:default/clean'],
      ['ownedBy', 'group:default/data'],
    ]),
    entity(
      'Dataset:default/clean',
      [
        ['derivedFrom', 'dataset:default/raw.events'],
        ['trainingDataOf', 'model:default/fraud'],
        ['consumedBy', 'pipeline:default/train'],
        ['ownedBy', 'group:default/data'],
      ],
      { lifecycle: 'deprecated', type: 'table' },
    ),
    entity('Pipeline:default/train', [
      ['consumes', 'dataset:default/clean'],
      ['produces', 'model:default/fraud'],
    ]),
    entity('Model:default/fraud', [
      ['trainedOn', 'dataset:default/clean'],
      ['producedBy', 'pipeline:default/train'],
      ['dependencyOf', 'component:default/api'],
      // a cycle in user data: the model feeds back into the raw dataset
      ['consumedBy', 'pipeline:default/train'],
      ['ownedBy', 'group:default/fraud'],
    ]),
    entity('Component:default/api', [
      ['dependsOn', 'model:default/fraud'],
      ['dependencyOf', 'component:default/gone'], // dangling
    ]),
  ];
  const walkOver = async (
    root: string,
    direction: LineageWalkOptions['direction'],
    maxDepth: number,
  ) => {
    const loader = loaderOf(estate);
    const walk = await walkFrom({ root, direction, maxDepth }, loader);
    return { walk, batches: loader.batches };
  };

  it('reaches each entity once, by a shortest path, one load per level', async () => {
    const { walk, batches } = await walkOver(
      'dataset:default/raw.events',
      'downstream',
      6,
    );
    expect(walk.root?.owner).toBe('group:default/data');
    expect([...walk.hops.keys()]).toEqual([
      'dataset:default/clean',
      'model:default/fraud',
      'pipeline:default/train',
      'component:default/api',
    ]);
    expect(walk.hops.get('model:default/fraud')).toMatchObject({
      depth: 2,
      from: 'dataset:default/clean',
      relation: 'trainingDataOf',
    });
    expect(lineagePath(walk, 'component:default/api')).toEqual([
      { relation: 'derivesTo', entityRef: 'dataset:default/clean' },
      { relation: 'trainingDataOf', entityRef: 'model:default/fraud' },
      { relation: 'dependencyOf', entityRef: 'component:default/api' },
    ]);
    expect(walk.truncated).toBe(false);
    expect(batches).toEqual([
      ['dataset:default/raw.events'],
      ['dataset:default/clean'],
      ['model:default/fraud', 'pipeline:default/train'],
      ['component:default/api'],
      ['component:default/gone'],
    ]);
  });

  it('walks upstream through the reverse relations', async () => {
    const { walk } = await walkOver('component:default/api', 'upstream', 6);
    expect([...walk.hops.keys()]).toEqual([
      'model:default/fraud',
      'dataset:default/clean',
      'pipeline:default/train',
      'dataset:default/raw.events',
    ]);
  });

  it('stops at the depth limit and says there is more', async () => {
    const { walk } = await walkOver(
      'dataset:default/raw.events',
      'downstream',
      2,
    );
    expect([...walk.hops.keys()]).toEqual([
      'dataset:default/clean',
      'model:default/fraud',
      'pipeline:default/train',
    ]);
    expect(walk.truncated).toBe(true);
  });

  it('follows the relations the list holds at each walk', async () => {
    const loader = loaderOf(estate);
    const relations = ['trainingDataOf'];
    const options = {
      root: 'dataset:default/clean',
      direction: 'downstream' as const,
      maxDepth: 1,
      relations,
    };
    const first = await walkFrom(options, loader);
    relations[0] = 'consumedBy';
    const second = await walkFrom(options, loader);
    expect([...first.hops.keys()]).toEqual(['model:default/fraud']);
    expect([...second.hops.keys()]).toEqual(['pipeline:default/train']);
  });

  it('answers nothing for a root the loader cannot see', async () => {
    const { walk } = await walkOver('dataset:default/nope', 'downstream', 6);
    expect(walk.root).toBeUndefined();
    expect(walk.hops.size).toBe(0);
  });
});
