/*
 * Awkward registered-model names and dataset inputs against a real MLflow
 * server (PyPI mlflow from .venv): every version, metric and dataset link
 * must reach the catalog, whatever the name holds.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  datasetEntityV1alpha1Validator,
  modelEntityV1alpha1Validator,
} from '@convergence/backstage-plugin-mlops-common';
import {
  MlflowEntityProvider,
  readMlflowSources,
} from './MlflowEntityProvider';
import {
  MlflowServer,
  SeedModel,
  seedMlflow,
} from './__testUtils__/mlflowServer';

jest.setTimeout(300_000);

/** Names MLflow accepts that a search filter has trouble with. */
const AWKWARD = [
  "O'Brien's model", // a single quote
  'say "hi"', // double quotes
  `both 'single' and "double"`, // both: no quoted filter string holds it
  'back\\slash', // a backslash
  'trailing\\', // a backslash before the closing quote
  "escaped\\'quote", // backslash then quote
  'fraud.v2 Model', // dots, a space, upper case
  'Modèle français', // accents
  '模型', // no Latin letter at all
  '推荐模型', // … and another, which must not clash with it
  'pct%_wild', // LIKE wildcards
];

const seed: SeedModel[] = AWKWARD.map((name, i) => ({
  name,
  tags: { owner: 'awkward-ml' },
  versions: [
    { metrics: { auc: 0.8 + i / 100 }, params: { seed: String(i) } },
    {
      metrics: { auc: 0.9 + i / 100 },
      params: { seed: String(i) },
      aliases: ['champion'],
      datasets: [
        {
          name: `train ${name}`,
          digest: `t${i}`,
          source: `https://data.acme.test/train-${i}.parquet`,
          context: 'training',
        },
      ],
    },
  ],
}));

let mlflow: MlflowServer;
beforeAll(async () => {
  mlflow = await MlflowServer.create();
  await seedMlflow(mlflow, seed);
  // Dataset inputs MLflow logged without a context tag, or with one the
  // mapping does not know.
  await seedMlflow(
    mlflow,
    [
      {
        name: 'contextless-model',
        versions: [
          {
            metrics: { f1: 0.7 },
            datasets: [
              {
                name: 'raw-events',
                digest: 'c0ffee',
                source: 'https://data.acme.test/raw-events.parquet',
              },
              {
                name: 'shadow-traffic',
                digest: 'beef',
                source: 'https://data.acme.test/shadow.parquet',
                context: 'inference',
              },
              {
                name: 'holdout-events',
                digest: 'f00d',
                source: 'https://data.acme.test/holdout.parquet',
                context: 'Validation',
              },
            ],
          },
        ],
      },
    ],
    'contextless',
  );
});
afterAll(async () => {
  await mlflow?.stop();
});

function providerFor(url: string) {
  const [source] = readMlflowSources(
    new ConfigReader({
      catalog: {
        providers: {
          mlflow: {
            local: {
              baseUrl: url,
              defaultOwner: 'group:default/ml-platform',
              pageSize: 3,
            },
          },
        },
      },
    }),
  );
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  };
  const logger = mockServices.logger.mock();
  const provider = new MlflowEntityProvider(source, {
    logger,
    catalog: catalogServiceMock({ entities: [] }),
    auth: mockServices.auth(),
    client: { retries: 2, minDelayMs: 50, timeoutMs: 10_000 },
  });
  return { provider, connection, mutations, logger };
}

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const entitiesOf = (m: EntityProviderMutation): Entity[] =>
  m.type === 'full'
    ? m.entities.map(e => e.entity)
    : m.added.map(e => e.entity);
const registeredModel = (e: Entity) =>
  e.metadata.annotations?.['mlflow.org/registered-model'];

describe('MlflowEntityProvider with awkward names, against a real MLflow server', () => {
  it('keeps every version, metric and dataset link of every name', async () => {
    const { provider, connection, mutations, logger } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    const all = entitiesOf(mutations[0]);
    const models = all.filter(e => e.kind === 'Model');

    expect(models.map(registeredModel).sort()).toEqual(
      [...AWKWARD, 'contextless-model'].sort(),
    );
    // Distinct, valid entity names, as Backstage's own policies see them.
    expect(new Set(all.map(e => `${e.kind}:${e.metadata.name}`)).size).toBe(
      all.length,
    );
    for (const entity of all) {
      // Throws on an invalid name, title or annotation.
      await expect(policy.enforce(entity)).resolves.toMatchObject({
        metadata: { name: entity.metadata.name },
      });
      const validator =
        entity.kind === 'Model'
          ? modelEntityV1alpha1Validator
          : datasetEntityV1alpha1Validator;
      expect(validator(entity)).toBe(entity);
    }

    for (const [i, name] of AWKWARD.entries()) {
      const model = models.find(m => registeredModel(m) === name)!;
      expect({ name, title: model.metadata.title }).toEqual({
        name,
        title: name,
      });
      const spec = model.spec as any;
      expect({
        name,
        versions: spec.versions.map((v: any) => v.version),
      }).toEqual({ name, versions: ['2', '1'] });
      expect(spec.versions[1].metrics).toEqual({ auc: 0.8 + i / 100 });
      expect(spec.versions[0]).toMatchObject({
        aliases: ['champion'],
        metrics: { auc: 0.9 + i / 100 },
        params: { seed: String(i) },
      });
      expect(spec.metrics).toEqual({ auc: 0.9 + i / 100 });
      expect(spec.trainedOn).toHaveLength(1);
      const dataset = all.find(
        e => `dataset:default/${e.metadata.name}` === spec.trainedOn[0],
      );
      expect(dataset?.metadata.title ?? dataset?.metadata.name).toBe(
        `train ${name}`,
      );
      expect(model.metadata.links?.[0].url).toBe(
        `${mlflow.url}/#/models/${encodeURIComponent(name)}`,
      );
    }
    // Accents become their letters.
    expect(
      models.find(m => registeredModel(m) === 'Modèle français')!.metadata.name,
    ).toBe('modele-francais');
    expect(
      models.find(m => registeredModel(m) === "O'Brien's model")!.metadata.name,
    ).toBe('o-brien-s-model');

    // Nothing was left out, and the summary says so.
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^mlflow-provider:local: read 12 of 12 registered models \(23 versions\)/,
      ),
    );
  });

  it('links dataset inputs that have no context tag, or an unknown one', async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    const all = entitiesOf(mutations[0]);
    const model = all.find(e => e.metadata.name === 'contextless-model')!;
    expect(model.spec).toMatchObject({
      trainedOn: [
        'dataset:default/raw-events',
        'dataset:default/shadow-traffic',
      ],
      evaluatedOn: ['dataset:default/holdout-events'],
    });
    const names = all
      .filter(e => e.kind === 'Dataset')
      .map(e => e.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'raw-events',
        'shadow-traffic',
        'holdout-events',
      ]),
    );
    expect(all.find(e => e.metadata.name === 'raw-events')!.spec).toMatchObject(
      {
        digest: 'c0ffee',
        source: { uri: 'https://data.acme.test/raw-events.parquet' },
      },
    );
  });

  it('re-reads one awkward model for a webhook with all its versions', async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    for (const name of [
      "O'Brien's model",
      `both 'single' and "double"`,
      'trailing\\',
    ]) {
      mutations.length = 0;
      await expect(provider.refreshModel(name)).resolves.toBe(true);
      const model = entitiesOf(mutations[0]).find(e => e.kind === 'Model')!;
      expect(registeredModel(model)).toBe(name);
      expect((model.spec as any).versions.map((v: any) => v.version)).toEqual([
        '2',
        '1',
      ]);
    }
  });
});
