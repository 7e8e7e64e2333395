import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { withCatalogRelations } from '../__testUtils__/catalogRelations';
import { inMemoryLineageLoader } from '../__testUtils__/lineage';
import { builtinChecks } from '../checks/builtin';
import { LineageFactProvider } from './LineageFactProvider';

const ml = (
  kind: string,
  name: string,
  spec: Record<string, unknown>,
): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: { type: 'x', owner: 'group:default/fraud-ml', ...spec },
});

// A deprecated dataset (personal data in a schema field) feeds an
// experimental labelling pipeline, whose output trains a production model
// that a service depends on; a second model is trained on the deprecated
// dataset directly and declares the personal data. Two datasets derive from
// each other (a cycle in user data).
const estate = withCatalogRelations([
  ml('Dataset', 'card-transactions-2019', {
    lifecycle: 'deprecated',
    schema: { fields: [{ name: 'card_token', type: 'string', pii: true }] },
  }),
  ml('Pipeline', 'fraud.labeling', {
    lifecycle: 'experimental',
    consumes: ['dataset:card-transactions-2019'],
    produces: ['dataset:labeled-transactions'],
  }),
  ml('Dataset', 'labeled-transactions', { lifecycle: 'production' }),
  ml('Model', 'fraud-detector', {
    lifecycle: 'production',
    trainedOn: ['dataset:labeled-transactions'],
    card: { intendedUse: 'scores "card" payments \\ EU' },
  }),
  ml('Model', 'fraud-detector-v2', {
    lifecycle: 'production',
    trainedOn: ['dataset:card-transactions-2019'],
    card: { personalData: 'Tokenised card numbers (card_token).' },
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'fraud-scoring', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments',
      dependsOn: ['model:default/fraud-detector'],
    },
  },
  ml('Dataset', 'loop-a', {
    lifecycle: 'production',
    derivedFrom: ['dataset:loop-b'],
  }),
  ml('Dataset', 'loop-b', {
    lifecycle: 'deprecated',
    derivedFrom: ['dataset:loop-a'],
  }),
]);
const byRef = new Map(
  estate.map(e => [stringifyEntityRef(e).toLowerCase(), e]),
);
const get = (ref: string) => byRef.get(ref)!;

/** A loader over the estate that records every read. */
const recordingLoader = () => inMemoryLineageLoader(estate);

const check = (id: string) => builtinChecks.find(c => c.id === id)!;

describe('LineageFactProvider', () => {
  it('names what is deprecated upstream, experimental or personal in the training path, with paths, and counts downstream', async () => {
    const { load } = recordingLoader();
    const facts = await new LineageFactProvider(load).getFacts(estate);

    expect(facts.get('model:default/fraud-detector')).toEqual({
      deprecatedUpstream: [
        {
          entityRef: 'dataset:default/card-transactions-2019',
          kind: 'Dataset',
          depth: 3,
          path: [
            {
              relation: 'trainedOn',
              entityRef: 'dataset:default/labeled-transactions',
            },
            {
              relation: 'producedBy',
              entityRef: 'pipeline:default/fraud.labeling',
            },
            {
              relation: 'consumes',
              entityRef: 'dataset:default/card-transactions-2019',
            },
          ],
        },
      ],
      experimentalInTrainingPath: [
        expect.objectContaining({
          entityRef: 'pipeline:default/fraud.labeling',
          depth: 2,
        }),
      ],
      personalDataInTrainingPath: [
        expect.objectContaining({
          entityRef: 'dataset:default/card-transactions-2019',
        }),
      ],
      downstream: 1,
    });
    // The service reaches the dataset through the model it depends on.
    expect(facts.get('component:default/fraud-scoring')).toMatchObject({
      deprecatedUpstream: [
        {
          entityRef: 'dataset:default/card-transactions-2019',
          depth: 4,
          path: [
            {
              relation: 'dependsOn',
              entityRef: 'model:default/fraud-detector',
            },
            expect.anything(),
            expect.anything(),
            expect.anything(),
          ],
        },
      ],
      downstream: 0,
    });
    // Downstream of the deprecated dataset: the pipeline, its output, two
    // models and the service.
    expect(facts.get('dataset:default/card-transactions-2019')).toMatchObject({
      deprecatedUpstream: [],
      downstream: 5,
    });
    // A cycle ends the walk: each dataset sees the other once.
    expect(facts.get('dataset:default/loop-a')).toMatchObject({
      deprecatedUpstream: [
        expect.objectContaining({ entityRef: 'dataset:default/loop-b' }),
      ],
      downstream: 1,
    });
  });

  it('reads each entity once per batch, one read per level for all the walks together', async () => {
    const { load, reads } = recordingLoader();
    const graded = [
      'model:default/fraud-detector',
      'model:default/fraud-detector-v2',
      'component:default/fraud-scoring',
    ].map(get);
    const facts = await new LineageFactProvider(load).getFacts(graded);
    expect(facts.size).toBe(3);
    const all = reads.flat();
    // The graded entities are not read again, nothing is read twice.
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain('model:default/fraud-detector');
    // Nine walks of up to four levels: four reads, not one per walk and level.
    expect(reads.length).toBeLessThanOrEqual(4);
  });

  it('reads from the catalog only what the pass has not read already, with the same facts', async () => {
    const graded = [
      'model:default/fraud-detector',
      'model:default/fraud-detector-v2',
      'component:default/fraud-scoring',
    ].map(get);
    const alone = recordingLoader();
    const expected = await new LineageFactProvider(alone.load).getFacts(graded);
    // The pass has listed all but the two looping datasets and the pipeline.
    const unread = [
      'dataset:default/loop-a',
      'dataset:default/loop-b',
      'pipeline:default/fraud.labeling',
    ];
    const related = new Map(
      [...byRef].filter(([ref]) => !unread.includes(ref)),
    );
    const { load, reads } = recordingLoader();
    const facts = await new LineageFactProvider(load).getFacts(graded, {
      related,
    });
    expect(facts).toEqual(expected);
    expect(alone.reads.flat()).toEqual(
      expect.arrayContaining(['dataset:default/card-transactions-2019']),
    );
    // Only the pipeline is on these entities' walks and not yet read.
    expect(reads.flat()).toEqual(['pipeline:default/fraud.labeling']);
  });

  it('fails the batch when the catalog read fails (the checks are then unknown)', async () => {
    const provider = new LineageFactProvider(async () => {
      throw new Error('catalog unavailable');
    });
    await expect(
      provider.getFacts([get('model:default/fraud-detector')]),
    ).rejects.toThrow('catalog unavailable');
  });

  it('reads the catalog with its own credentials, asking for the personal-data fields', async () => {
    const catalog = catalogServiceMock({ entities: estate });
    const spy = jest.spyOn(catalog, 'getEntitiesByRefs');
    const auth = mockServices.auth();
    const provider = LineageFactProvider.fromCatalog(catalog, auth);
    const facts = await provider.getFacts([
      get('model:default/fraud-detector-v2'),
    ]);
    expect(facts.get('model:default/fraud-detector-v2')).toMatchObject({
      personalDataInTrainingPath: [
        { entityRef: 'dataset:default/card-transactions-2019', depth: 1 },
      ],
      deprecatedUpstream: [
        { entityRef: 'dataset:default/card-transactions-2019', depth: 1 },
      ],
    });
    expect(spy.mock.calls[0][0]).toMatchObject({
      fields: expect.arrayContaining([
        'relations',
        'spec.lifecycle',
        'spec.containsPii',
        'spec.schema',
      ]),
    });
    expect(spy.mock.calls[0][1]).toEqual({
      credentials: await auth.getOwnServiceCredentials(),
    });
  });

  it('names as dependents of a changed entity what is downstream and upstream of it', async () => {
    const { load } = recordingLoader();
    const provider = new LineageFactProvider(load);
    expect(
      new Set(
        await provider.dependents(['dataset:default/card-transactions-2019']),
      ),
    ).toEqual(
      new Set([
        'pipeline:default/fraud.labeling',
        'dataset:default/labeled-transactions',
        'model:default/fraud-detector',
        'model:default/fraud-detector-v2',
        'component:default/fraud-scoring',
      ]),
    );
    expect(
      new Set(await provider.dependents(['model:default/fraud-detector'])),
    ).toEqual(
      new Set([
        'component:default/fraud-scoring',
        'dataset:default/labeled-transactions',
        'pipeline:default/fraud.labeling',
        'dataset:default/card-transactions-2019',
      ]),
    );
  });
});

describe('the lineage checks', () => {
  const grade = async (ref: string) => {
    const { load } = recordingLoader();
    const facts = await new LineageFactProvider(load).getFacts([get(ref)]);
    return (id: string) =>
      check(id).evaluate({
        entity: get(ref),
        related: byRef,
        facts: { lineage: facts.get(ref)! },
        now: new Date('2026-11-30T06:00:00Z'),
      });
  };

  const pass = { status: 'pass' };
  const na = { status: 'na' };
  it.each([
    // upstream-not-deprecated fails a model and the service on it, naming
    // the nearest deprecated entity and its path.
    [
      'upstream-not-deprecated',
      'model:default/fraud-detector',
      {
        status: 'fail',
        message:
          'dataset:default/card-transactions-2019 is deprecated (trainedOn dataset:default/labeled-transactions → producedBy pipeline:default/fraud.labeling → consumes dataset:default/card-transactions-2019)',
        causes: ['dataset:default/card-transactions-2019'],
      },
    ],
    [
      'upstream-not-deprecated',
      'component:default/fraud-scoring',
      {
        status: 'fail',
        message: expect.stringMatching(
          /^dataset:default\/card-transactions-2019 is deprecated \(dependsOn model:default\/fraud-detector → /,
        ),
        causes: ['dataset:default/card-transactions-2019'],
      },
    ],
    // The deprecated dataset itself has nothing deprecated upstream.
    ['upstream-not-deprecated', 'dataset:default/card-transactions-2019', pass],
    // personal-data-declared fails a model trained on personal data without
    // saying so, and passes one that does.
    [
      'personal-data-declared',
      'model:default/fraud-detector',
      {
        status: 'fail',
        message:
          'the training data holds personal data (dataset:default/card-transactions-2019) and spec.card.personalData and spec.card.ethicalConsiderations are empty',
        causes: ['dataset:default/card-transactions-2019'],
      },
    ],
    ['personal-data-declared', 'model:default/fraud-detector-v2', pass],
    ['personal-data-declared', 'dataset:default/labeled-transactions', na],
    // production-upstream-not-experimental fails a production model trained
    // through an experimental pipeline.
    [
      'production-upstream-not-experimental',
      'model:default/fraud-detector',
      {
        status: 'fail',
        message:
          'pipeline:default/fraud.labeling is experimental (trainedOn dataset:default/labeled-transactions → producedBy pipeline:default/fraud.labeling)',
        causes: ['pipeline:default/fraud.labeling'],
      },
    ],
    [
      'production-upstream-not-experimental',
      'model:default/fraud-detector-v2',
      pass,
    ],
    // Not production: does not apply.
    [
      'production-upstream-not-experimental',
      'pipeline:default/fraud.labeling',
      na,
    ],
  ])('%s grades %s as expected', async (checkId, ref, verdict) => {
    expect((await grade(ref))(checkId)).toEqual(verdict);
  });

  it('does not apply without lineage facts', () => {
    for (const id of [
      'upstream-not-deprecated',
      'personal-data-declared',
      'production-upstream-not-experimental',
    ])
      expect(
        check(id).evaluate({
          entity: get('model:default/fraud-detector'),
          related: byRef,
          facts: {},
          now: new Date(),
        }),
      ).toEqual({
        status: 'na',
        message: 'no lineage facts: the lineage fact provider is not installed',
      });
  });
});
