import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import {
  NOBODY,
  OUTSIDER,
  OWNER,
  servicesAsReadBy,
} from '../__testUtils__/readers';
import { LineageService } from '../service/LineageService';
import { registerMlopsActions } from './index';
import { MAX_YAML_BYTES } from './validateMlEntity';

const TITLE = 'Détecteur « fraude » "v2" \\ ü';

/**
 * An entity in the default namespace unless `metadata` says otherwise, owned
 * by its `spec.owner` (a bare name is a group), with the other relations given.
 */
const ownedEntity = (
  kind: string,
  metadata: Entity['metadata'],
  spec: NonNullable<Entity['spec']> & { owner: string },
  relations: Array<[type: string, targetRef: string]> = [],
): Entity => ({
  apiVersion:
    kind === 'Component' ? 'backstage.io/v1alpha1' : 'convergence.dev/v1alpha1',
  kind,
  metadata: { namespace: 'default', ...metadata },
  spec,
  relations: [
    {
      type: 'ownedBy',
      targetRef: spec.owner.includes(':')
        ? spec.owner
        : `group:default/${spec.owner}`,
    },
    ...relations.map(([type, targetRef]) => ({ type, targetRef })),
  ],
});

const ENTITIES: Entity[] = [
  ownedEntity(
    'Model',
    {
      name: 'Fraud.Detector.v2',
      title: TITLE,
      description: 'Scores card transactions',
    },
    {
      type: 'classification',
      lifecycle: 'production',
      owner: 'fraud-ml',
      framework: 'xgboost',
      trainedOn: ['dataset:default/card.transactions'],
      metrics: { auc: 0.93 },
      versions: [{ version: '3', stage: 'Production', metrics: { auc: 0.93 } }],
      card: { intendedUse: 'Card fraud' },
    },
    [['trainedOn', 'dataset:default/card.transactions']],
  ),
  ownedEntity(
    'Model',
    { name: 'churn-predictor', namespace: 'retail' },
    {
      type: 'regression',
      lifecycle: 'experimental',
      owner: 'group:default/ml-platform',
      framework: 'pytorch',
    },
  ),
  ownedEntity(
    'Dataset',
    { name: 'card.transactions' },
    { type: 'table', lifecycle: 'production', owner: 'fraud-ml' },
    [
      ['trainingDataOf', 'model:default/fraud.detector.v2'],
      ['consumedBy', 'pipeline:default/secret-retrain'],
    ],
  ),
  ownedEntity(
    'Pipeline',
    { name: 'secret-retrain' },
    { type: 'training', lifecycle: 'production', owner: 'fraud-ml' },
    [
      ['consumes', 'dataset:default/card.transactions'],
      ['produces', 'model:default/a-retrained'],
    ],
  ),
  ownedEntity(
    'Model',
    { name: 'a-retrained' },
    { type: 'classification', lifecycle: 'production', owner: 'fraud-ml' },
    [['producedBy', 'pipeline:default/secret-retrain']],
  ),
  ownedEntity(
    'Component',
    { name: 'fraud-scoring' },
    { type: 'service', lifecycle: 'production', owner: 'fraud-ml' },
  ),
];

function setup() {
  /** Who each catalog call was made as. */
  const callers: string[] = [];
  const { catalog, permissions } = servicesAsReadBy(() => ENTITIES, {
    onCatalogCall: (_method, _request, caller) => callers.push(caller),
  });
  const lineage = new LineageService({
    catalog,
    auth: mockServices.auth(),
    permissions,
    logger: mockServices.logger.mock(),
    store: { insert: jest.fn(), list: jest.fn() },
    notifications: { send: jest.fn() },
  });
  const registry = actionsRegistryServiceMock();
  registerMlopsActions({ actionsRegistry: registry, catalog, lineage });
  const invoke = (name: string, input: unknown, user = OWNER) =>
    registry
      .invoke({
        id: `test:${name}`,
        input: input as any,
        credentials: mockCredentials.user(user),
      })
      .then(r => r.output as any);
  return { registry, invoke, callers, lineage };
}

/** The issues of the InputError the registry throws for input its schema refuses. */
async function inputIssues(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error?.name).toBe('InputError');
  return (error.cause?.issues ?? []).map((i: any) => i.path.join('.'));
}

/** An error of that name whose message contains `text`, for `rejects.toMatchObject`. */
const refusal = (name: 'InputError' | 'NotFoundError', text = '') => ({
  name,
  message: expect.stringContaining(text),
});

describe('mlops actions', () => {
  it('registers four read-only actions with their attributes set', async () => {
    const { registry } = setup();
    const { actions } = await registry.list();
    expect(actions.map(a => ({ id: a.id, attributes: a.attributes }))).toEqual(
      [
        'search-ml-assets',
        'get-ml-asset',
        'get-lineage',
        'validate-ml-entity',
      ].map(name => ({
        id: `test:${name}`,
        attributes: { readOnly: true, idempotent: true, destructive: false },
      })),
    );
    for (const action of actions) {
      expect(action.description.length).toBeGreaterThan(100);
      expect(action.schema.input).toMatchObject({ type: 'object' });
    }
  });

  describe('search-ml-assets', () => {
    it('lists the ML assets sorted by name, each with what the answer needs', async () => {
      const { invoke, callers } = setup();
      const out = await invoke('search-ml-assets', {});
      expect(out.items.map((i: any) => i.entityRef)).toEqual([
        'model:default/a-retrained',
        'dataset:default/card.transactions',
        'model:retail/churn-predictor',
        'model:default/fraud.detector.v2',
        'pipeline:default/secret-retrain',
      ]);
      expect(out.totalItems).toBe(5);
      expect(out.nextCursor).toBeUndefined();
      expect(out.items[3]).toEqual({
        entityRef: 'model:default/fraud.detector.v2',
        kind: 'Model',
        namespace: 'default',
        name: 'Fraud.Detector.v2',
        title: TITLE,
        description: 'Scores card transactions',
        owner: 'group:default/fraud-ml',
        lifecycle: 'production',
        type: 'classification',
      });
      // The caller's own credentials, never the plugin's.
      expect(new Set(callers)).toEqual(new Set([OWNER]));
    });

    it('filters by kind, owner, lifecycle, type, framework and text', async () => {
      const { invoke } = setup();
      const refs = async (input: object) =>
        (await invoke('search-ml-assets', input)).items.map(
          (i: any) => i.entityRef,
        );
      expect(await refs({ kind: 'Dataset' })).toEqual([
        'dataset:default/card.transactions',
      ]);
      const ml = ['model:retail/churn-predictor'];
      expect(await refs({ owner: 'group:default/ml-platform' })).toEqual(ml);
      expect(await refs({ owner: 'Group:Default/ML-Platform' })).toEqual(ml);
      expect(await refs({ owner: 'ml-platform' })).toEqual(ml);
      expect(await refs({ lifecycle: 'experimental' })).toEqual(ml);
      expect(await refs({ type: 'regression' })).toEqual(ml);
      expect(await refs({ framework: 'pytorch' })).toEqual(ml);
      expect(
        await refs({
          owner: 'fraud-ml',
          kind: 'Model',
          type: 'classification',
        }),
      ).toEqual([
        'model:default/a-retrained',
        'model:default/fraud.detector.v2',
      ]);
      expect(await refs({ text: 'détecteur' })).toEqual([
        'model:default/fraud.detector.v2',
      ]);
      expect(await refs({ text: 'card transactions' })).toEqual([
        'model:default/fraud.detector.v2',
      ]);
      expect(await refs({ owner: 'group:default/nobody' })).toEqual([]);
    });

    it('pages with the catalog cursor', async () => {
      const { invoke } = setup();
      const first = await invoke('search-ml-assets', { limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.totalItems).toBe(5);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await invoke('search-ml-assets', {
        limit: 3,
        cursor: first.nextCursor,
      });
      expect(second.nextCursor).toBeUndefined();
      expect([...first.items, ...second.items].map((i: any) => i.name)).toEqual(
        [
          'a-retrained',
          'card.transactions',
          'churn-predictor',
          'Fraud.Detector.v2',
          'secret-retrain',
        ],
      );
    });

    it('answers only what the caller may read, and counts only that', async () => {
      const { invoke, callers } = setup();
      const out = await invoke('search-ml-assets', {}, OUTSIDER);
      expect(out.totalItems).toBe(4);
      expect(JSON.stringify(out)).not.toContain('secret');
      expect(new Set(callers)).toEqual(new Set([OUTSIDER]));
      expect(await invoke('search-ml-assets', {}, NOBODY)).toEqual({
        items: [],
        totalItems: 0,
      });
    });

    it('refuses a kind that is not an ML kind, a bad limit or owner', async () => {
      const { invoke } = setup();
      expect(
        await inputIssues(invoke('search-ml-assets', { kind: 'Component' })),
      ).toEqual(['kind']);
      expect(
        await inputIssues(invoke('search-ml-assets', { limit: 0 })),
      ).toEqual(['limit']);
      expect(
        await inputIssues(invoke('search-ml-assets', { limit: 101 })),
      ).toEqual(['limit']);
      await expect(
        invoke('search-ml-assets', { owner: 'group:' }),
      ).rejects.toMatchObject(refusal('InputError', 'owner'));
    });
  });

  describe('get-ml-asset', () => {
    it('answers the whole entity, versions, metrics and card included', async () => {
      const { invoke, callers } = setup();
      for (const ref of [
        'model:default/Fraud.Detector.v2',
        'Model:Default/fraud.detector.V2',
        'model:fraud.detector.v2',
      ]) {
        const { entity } = await invoke('get-ml-asset', { entityRef: ref });
        expect(entity).toEqual(ENTITIES[0]);
      }
      expect(new Set(callers)).toEqual(new Set([OWNER]));
    });

    it('refuses a kind that is not an ML kind, naming it', async () => {
      const { invoke, callers } = setup();
      await expect(
        invoke('get-ml-asset', {
          entityRef: 'component:default/fraud-scoring',
        }),
      ).rejects.toMatchObject(
        refusal('InputError', 'component is not an ML kind'),
      );
      await expect(
        invoke('get-ml-asset', { entityRef: 'fraud.detector.v2' }),
      ).rejects.toMatchObject(refusal('InputError'));
      expect(callers).toEqual([]);
    });

    it('answers NotFound for an entity that is missing or that the caller may not read', async () => {
      const { invoke } = setup();
      const ref = 'pipeline:default/secret-retrain';
      await expect(invoke('get-ml-asset', { entityRef: ref })).resolves.toEqual(
        {
          entity: expect.objectContaining({ kind: 'Pipeline' }),
        },
      );
      await expect(
        invoke('get-ml-asset', { entityRef: ref }, OUTSIDER),
      ).rejects.toMatchObject(refusal('NotFoundError', `No entity ${ref}`));
      await expect(
        invoke('get-ml-asset', { entityRef: 'model:default/gone' }),
      ).rejects.toMatchObject(
        refusal('NotFoundError', 'No entity model:default/gone'),
      );
    });
  });

  describe('get-lineage', () => {
    const ROOT = {
      kind: 'Dataset',
      namespace: 'default',
      name: 'card.transactions',
    };

    it("answers what the lineage service answers the route, with the caller's view", async () => {
      const { invoke, lineage } = setup();
      const query = { direction: 'downstream' as const, depth: 6 };
      for (const user of [OWNER, OUTSIDER]) {
        const out = await invoke(
          'get-lineage',
          { entityRef: 'Dataset:default/Card.Transactions' },
          user,
        );
        const { answer } = await lineage.lineage(
          ROOT,
          query,
          mockCredentials.user(user),
        );
        expect(out).toEqual(answer);
      }
      const all = await invoke('get-lineage', {
        entityRef: 'dataset:default/card.transactions',
      });
      expect(all.entities.map((e: any) => e.entityRef)).toEqual([
        'model:default/fraud.detector.v2',
        'pipeline:default/secret-retrain',
        'model:default/a-retrained',
      ]);
      expect(all.totals.hidden).toBe(0);
      expect(all.entities[2].path).toEqual([
        {
          relation: 'consumedBy',
          entityRef: 'pipeline:default/secret-retrain',
        },
        { relation: 'produces', entityRef: 'model:default/a-retrained' },
      ]);

      const outsider = await invoke(
        'get-lineage',
        { entityRef: 'dataset:default/card.transactions' },
        OUTSIDER,
      );
      expect(outsider.totals).toMatchObject({ entities: 2, hidden: 1 });
      expect(JSON.stringify(outsider)).not.toContain('secret');
      expect(outsider.entities[1].path).toEqual([
        { relation: 'consumedBy', hidden: true },
        { relation: 'produces', entityRef: 'model:default/a-retrained' },
      ]);
    });

    it('follows the direction and the depth', async () => {
      const { invoke } = setup();
      const up = await invoke('get-lineage', {
        entityRef: 'model:default/a-retrained',
        direction: 'upstream',
        depth: 1,
      });
      expect(up).toMatchObject({
        direction: 'upstream',
        depth: 1,
        truncated: true,
      });
      expect(up.entities.map((e: any) => e.entityRef)).toEqual([
        'pipeline:default/secret-retrain',
      ]);
    });

    it('refuses a bad depth or direction, and a malformed ref', async () => {
      const { invoke } = setup();
      const entityRef = 'dataset:default/card.transactions';
      for (const depth of [0, 21, 1.5, '3'])
        expect(
          await inputIssues(invoke('get-lineage', { entityRef, depth })),
        ).toEqual(['depth']);
      expect(
        await inputIssues(
          invoke('get-lineage', { entityRef, direction: 'sideways' }),
        ),
      ).toEqual(['direction']);
      await expect(
        invoke('get-lineage', { entityRef: 'card.transactions' }),
      ).rejects.toMatchObject(refusal('InputError', 'entityRef'));
    });

    it('answers NotFound for a root the caller may not read', async () => {
      const { invoke } = setup();
      for (const [entityRef, user] of [
        ['pipeline:default/secret-retrain', OUTSIDER],
        ['dataset:default/card.transactions', NOBODY],
      ])
        await expect(
          invoke('get-lineage', { entityRef }, user),
        ).rejects.toMatchObject(
          refusal('NotFoundError', `No entity ${entityRef}`),
        );
    });
  });

  describe('validate-ml-entity', () => {
    const model = (spec: string, name = 'fraud.detector-v2') => `
apiVersion: convergence.dev/v1alpha1
kind: Model
metadata:
  name: ${name}
  title: "Détecteur « fraude » \\"v2\\" \\\\ ü"
spec:
  type: classification
  lifecycle: production
${spec}`;

    it('accepts a valid model', async () => {
      const { invoke, callers } = setup();
      const out = await invoke('validate-ml-entity', {
        yaml: model('  owner: group:default/fraud-ml\n  framework: xgboost\n'),
      });
      expect(out).toEqual({
        valid: true,
        entities: [
          {
            entityRef: 'model:default/fraud.detector-v2',
            kind: 'Model',
            valid: true,
            errors: [],
          },
        ],
      });
      expect(callers).toEqual([]);
    });

    it('names the missing owner as the catalog does', async () => {
      const { invoke } = setup();
      const out = await invoke('validate-ml-entity', { yaml: model('') });
      expect(out.valid).toBe(false);
      expect(out.entities).toEqual([
        {
          entityRef: 'model:default/fraud.detector-v2',
          kind: 'Model',
          valid: false,
          errors: [expect.stringContaining('owner')],
        },
      ]);
    });

    it('names a bad metadata field', async () => {
      const { invoke } = setup();
      const out = await invoke('validate-ml-entity', {
        yaml: model('  owner: fraud-ml\n', 'bad name!'),
      });
      expect(out.entities[0].errors).toEqual([
        expect.stringContaining('metadata.name'),
      ]);
    });

    it('reports YAML that does not parse as an entry, not an error', async () => {
      const { invoke } = setup();
      const out = await invoke('validate-ml-entity', {
        yaml: 'kind: Model\nmetadata: {name: [unclosed\n',
      });
      expect(out.valid).toBe(false);
      expect(out.entities).toHaveLength(1);
      expect(out.entities[0]).toEqual({
        valid: false,
        errors: expect.arrayContaining([
          expect.stringMatching(/^document 1: .*line 3, column 1/),
        ]),
      });
    });

    it('checks every document, in order', async () => {
      const { invoke } = setup();
      const dataset = `apiVersion: convergence.dev/v1alpha1
kind: Dataset
metadata: { name: card.transactions, namespace: fraud }
spec: { type: table, lifecycle: production, owner: fraud-ml }
`;
      const out = await invoke('validate-ml-entity', {
        yaml: `${dataset}---\n${model('')}---\n`,
      });
      expect(out.valid).toBe(false);
      expect(out.entities.map((e: any) => [e.entityRef, e.valid])).toEqual([
        ['dataset:fraud/card.transactions', true],
        ['model:default/fraud.detector-v2', false],
      ]);
    });

    it('names a reference of the wrong kind as the catalog module does', async () => {
      const { invoke } = setup();
      const out = await invoke('validate-ml-entity', {
        yaml: model(
          '  owner: fraud-ml\n  trainedOn: [card.transactions, component:svc]\n',
        ),
      });
      expect(out.entities[0]).toMatchObject({
        valid: false,
        errors: [
          "spec.trainedOn[1] must refer to a dataset, got 'component:svc'",
        ],
      });
    });

    it('refuses other kinds and what is not an entity', async () => {
      const { invoke } = setup();
      const out = await invoke('validate-ml-entity', {
        yaml: `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: svc }
spec: { type: service, lifecycle: production, owner: a }
---
- just a list
`,
      });
      expect(out.entities).toEqual([
        {
          entityRef: 'component:default/svc',
          kind: 'Component',
          valid: false,
          errors: [expect.stringContaining('Component is not an ML kind')],
        },
        { valid: false, errors: [expect.stringContaining('not an entity')] },
      ]);
    });

    it('refuses more than 1 MB of YAML and YAML with no entity', async () => {
      const { invoke } = setup();
      await expect(
        invoke('validate-ml-entity', {
          yaml: `# ${'x'.repeat(MAX_YAML_BYTES)}\n`,
        }),
      ).rejects.toMatchObject(refusal('InputError', '1 MB'));
      await expect(
        invoke('validate-ml-entity', { yaml: '# nothing\n' }),
      ).rejects.toMatchObject(refusal('InputError'));
    });
  });
});
