/*
 * The provider against one real MLflow server (PyPI mlflow from .venv,
 * SQLite backend store in a temporary folder), seeded through MLflow's REST
 * API: an everyday registry, awkward registered-model names (every version,
 * metric and dataset link must reach the catalog, whatever the name holds)
 * and dataset inputs without a context.
 */
import { createHmac } from 'crypto';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  catalogEntityPolicy,
  datasetEntityV1alpha1Validator,
  modelEntityV1alpha1Validator,
} from '@convergence/backstage-plugin-mlops-common';
import { ConfigReader } from '@backstage/config';
import request from 'supertest';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleMlops from '@convergence/backstage-plugin-catalog-backend-module-mlops';
import { catalogModuleMlflow } from '../module';
import { MlflowEntityProvider } from './MlflowEntityProvider';
import { readMlflowSources } from './MlflowEntityProviderConfig';
import {
  MlflowServer,
  createRecordingConnection,
  entitiesOf as entities,
  seedMlflow,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import {
  AWKWARD_NAMES,
  AWKWARD_SEED,
  CONTEXTLESS_SEED,
  LOGGED_MODEL_SEED,
  SEED,
} from '../__testUtils__/estate';

jest.setTimeout(300_000);

/** Every registered model the server holds. */
const REGISTRY = [
  ...SEED,
  ...AWKWARD_SEED,
  ...CONTEXTLESS_SEED,
  ...LOGGED_MODEL_SEED,
];

// The real catalog's database; TestDatabases closes it after the tests.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let mlflow: MlflowServer;
beforeAll(async () => {
  mlflow = await MlflowServer.create({
    // Let MLflow deliver webhooks to the test backend on 127.0.0.1 over http.
    env: {
      MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https',
      MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
      MLFLOW_WEBHOOK_CACHE_TTL: '1',
    },
  });
  await seedMlflow(mlflow, SEED);
  await seedMlflow(mlflow, AWKWARD_SEED, 'awkward');
  await seedMlflow(mlflow, CONTEXTLESS_SEED, 'contextless');
  await seedMlflow(mlflow, LOGGED_MODEL_SEED, 'logged-models');
});
afterAll(async () => {
  await mlflow?.stop();
});

function providerFor(
  url: string,
  options: { uiUrl?: string; pageSize: number } = {
    uiUrl: 'https://mlflow.acme.test',
    pageSize: 2,
  },
) {
  const [source] = readMlflowSources(
    new ConfigReader({
      catalog: {
        providers: {
          mlflow: {
            local: {
              baseUrl: url,
              defaultOwner: 'group:default/ml-platform',
              ...options,
            },
          },
        },
      },
    }),
  );
  const { connection, mutations } = createRecordingConnection();
  const logger = mockServices.logger.mock();
  const provider = new MlflowEntityProvider(source, {
    logger,
    catalog: catalogServiceMock({ entities: [] }),
    auth: mockServices.auth(),
    client: { retries: 2, minDelayMs: 50, timeoutMs: 10_000 },
  });
  return { provider, connection, mutations, logger };
}

const byName = (list: Entity[], kind: string, name: string) =>
  list.find(e => e.kind === kind && e.metadata.name === name);
const registeredModel = (e: Entity) =>
  e.metadata.annotations?.['mlflow.org/registered-model'];

describe('MlflowEntityProvider against a real MLflow server', () => {
  it('maps registered models, versions, metrics, params and dataset inputs', async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    const all = entities(mutations[0]);
    // The everyday models and their datasets (the awkward ones are checked
    // below).
    const everyday = new Set(SEED.map(m => m.name));
    expect(
      all
        .filter(e => e.kind === 'Model' && everyday.has(registeredModel(e)!))
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual(['churn-model', 'fraud-detector', 'recsys-ranker']);
    expect(all.map(e => `${e.kind}:${e.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Dataset:card-transactions-labeled',
        'Dataset:fraud-holdout-2026q3',
      ]),
    );

    const fraud = byName(all, 'Model', 'fraud-detector')!;
    expect(fraud.metadata.description).toBe(
      'Scores card transactions for fraud.',
    );
    expect(fraud.metadata.annotations).toMatchObject({
      'mlflow.org/registered-model': 'fraud-detector',
      'mlflow.org/url': 'https://mlflow.acme.test/#/models/fraud-detector',
    });
    expect(fraud.spec).toMatchObject({
      owner: 'group:fraud-ml',
      lifecycle: 'production',
      task: 'fraud-detection',
      framework: 'xgboost',
      // The champion's metrics head the model.
      metrics: { auc: 0.947, recall: 0.73 },
      trainedOn: ['dataset:default/card-transactions-labeled'],
      evaluatedOn: ['dataset:default/fraud-holdout-2026q3'],
    });
    const versions = (fraud.spec as any).versions;
    expect(versions.map((v: any) => v.version)).toEqual(['2', '1']);
    expect(versions[0]).toMatchObject({
      aliases: ['champion'],
      status: 'READY',
      source: 's3://acme-models/fraud-detector/2',
      metrics: { auc: 0.947, recall: 0.73 },
      params: { max_depth: '6', learning_rate: '0.1' },
    });
    expect(versions[0].runId).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(versions[0].createdAt)).toBeGreaterThan(0);

    const holdout = byName(all, 'Dataset', 'fraud-holdout-2026q3')!;
    expect(holdout.metadata.title).toBe('Fraud holdout 2026Q3');
    expect(holdout.spec).toMatchObject({
      owner: 'group:fraud-ml',
      type: 'table',
      source: {
        type: 'http',
        uri: 'https://data.acme.test/fraud-holdout-2026q3.parquet',
      },
      digest: 'e5f6a7b8',
    });

    // No owner tag: the configured default; no alias: experimental.
    expect(byName(all, 'Model', 'churn-model')!.spec).toMatchObject({
      owner: 'group:default/ml-platform',
      lifecycle: 'experimental',
      type: 'unspecified',
    });
    const ranker = byName(all, 'Model', 'recsys-ranker')!;
    expect(ranker.metadata.title).toBe('Recsys Ranker');
    expect(ranker.spec).toMatchObject({
      owner: 'group:default/recsys-ml',
      type: 'ranking',
      lifecycle: 'production',
    });
    expect((ranker.spec as any).versions).toHaveLength(3);

    for (const e of all) {
      const validator =
        e.kind === 'Model'
          ? modelEntityV1alpha1Validator
          : datasetEntityV1alpha1Validator;
      expect(validator(e)).toBe(e);
    }
  });

  it('keeps every version, metric and dataset link of every awkward name', async () => {
    const { provider, connection, mutations, logger } = providerFor(
      mlflow.url,
      { pageSize: 3 },
    );
    await provider.connect(connection);
    await provider.refresh();
    const all = entities(mutations[0]);
    const models = all.filter(e => e.kind === 'Model');

    expect(models.map(registeredModel).sort()).toEqual(
      REGISTRY.map(m => m.name).sort(),
    );
    // Distinct, valid entity names, as Backstage's own policies see them.
    expect(new Set(all.map(e => `${e.kind}:${e.metadata.name}`)).size).toBe(
      all.length,
    );
    for (const entity of all) {
      // Throws on an invalid name, title or annotation.
      await expect(catalogEntityPolicy.enforce(entity)).resolves.toMatchObject({
        metadata: { name: entity.metadata.name },
      });
    }

    for (const [i, name] of AWKWARD_NAMES.entries()) {
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

    // Nothing was left out or incomplete, and the summary says so.
    expect(logger.warn).not.toHaveBeenCalled();
    const versions = REGISTRY.reduce((n, m) => n + m.versions.length, 0);
    expect(logger.info).toHaveBeenCalledWith(
      `mlflow-provider:local: read ${REGISTRY.length} of ${REGISTRY.length} registered models (${versions} versions)`,
    );
  });

  it('links dataset inputs that have no context tag, or an unknown one', async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    const all = entities(mutations[0]);
    const model = byName(all, 'Model', 'contextless-model')!;
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
    expect(byName(all, 'Dataset', 'raw-events')!.spec).toMatchObject({
      digest: 'c0ffee',
      source: { uri: 'https://data.acme.test/raw-events.parquet' },
    });
  });

  it("reads each version's MLflow 3 logged model, which MLflow names only in the source", async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    const model = byName(
      entities(mutations[0]),
      'Model',
      'logged-model-classifier',
    )!;
    const spec = model.spec as any;
    expect(spec.versions).toHaveLength(2);
    for (const v of spec.versions) {
      expect(v.source).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    }
    // The logged model's params join the run's; its metrics win.
    expect(spec.versions[0]).toMatchObject({
      version: '2',
      aliases: ['champion'],
      metrics: { auc: 0.86 },
      params: { max_depth: '5', n_estimators: '200', objective: 'binary' },
    });
    expect(spec.versions[1]).toMatchObject({
      version: '1',
      metrics: { auc: 0.81 },
      params: { max_depth: '4', n_estimators: '100', objective: 'binary' },
    });
    expect(spec.metrics).toEqual({ auc: 0.86 });
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
      const model = entities(mutations[0]).find(e => e.kind === 'Model')!;
      expect(registeredModel(model)).toBe(name);
      expect((model.spec as any).versions.map((v: any) => v.version)).toEqual([
        '2',
        '1',
      ]);
    }
  });

  it('changes nothing when MLflow dies mid-crawl, and converges when it is back', async () => {
    const { provider, connection, mutations } = providerFor(mlflow.url);
    await provider.connect(connection);
    await provider.refresh();
    expect(mutations).toHaveLength(1);

    // Kill the server as the crawl's fifth request goes out.
    const realFetch = global.fetch;
    let requests = 0;
    jest.spyOn(global, 'fetch').mockImplementation(async (...args) => {
      requests += 1;
      if (requests === 5) {
        mlflow.kill();
        await mlflow.waitUntilDown();
      }
      return realFetch(...args);
    });
    try {
      await expect(provider.refresh()).rejects.toThrow(
        /failed after 3 attempts/,
      );
    } finally {
      jest.restoreAllMocks();
    }
    expect(requests).toBeGreaterThan(5);
    expect(mutations).toHaveLength(1);

    // While it is down, every crawl fails and still applies nothing.
    await expect(provider.refresh()).rejects.toThrow(
      /ECONNREFUSED|fetch failed/,
    );
    expect(mutations).toHaveLength(1);

    await mlflow.start();
    await provider.refresh();
    expect(mutations).toHaveLength(2);
    // Zero entities lost: the converged crawl equals the first.
    expect(entities(mutations[1])).toEqual(entities(mutations[0]));
  });

  // Last: MLflow gets a third fraud-detector version here.
  it('brings the entities into a real catalog, and webhooks update them at once', async () => {
    const { server } = await startTestBackend({
      features: [
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        catalogPlugin,
        catalogModuleMlops,
        catalogModuleMlflow,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Model', 'Dataset', 'Location'] }],
              providers: {
                mlflow: {
                  local: {
                    baseUrl: mlflow.url,
                    defaultOwner: 'group:default/ml-platform',
                    webhookSecret: 'whsec-test-0123456789',
                    schedule: {
                      frequency: { minutes: 30 },
                      timeout: { minutes: 5 },
                    },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
    let model: Entity | undefined;
    for (let i = 0; i < 120 && !model?.relations?.length; i++) {
      const res = await get(
        '/api/catalog/entities/by-name/model/default/fraud-detector',
      );
      if (res.status === 200) model = res.body;
      if (!model?.relations?.length) await new Promise(r => setTimeout(r, 500));
    }
    const relations = (model?.relations ?? []).map(
      r => `${r.type} ${r.targetRef}`,
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/fraud-ml',
        'trainedOn dataset:default/card-transactions-labeled',
        'evaluatedOn dataset:default/fraud-holdout-2026q3',
      ]),
    );
    const dataset = await get(
      '/api/catalog/entities/by-name/dataset/default/card-transactions-labeled',
    );
    expect(dataset.status).toBe(200);
    expect(
      dataset.body.relations.map((r: any) => `${r.type} ${r.targetRef}`),
    ).toContain('trainingDataOf model:default/fraud-detector');

    // MLflow tells the catalog about a new version through a signed webhook;
    // the next scheduled crawl is 30 minutes away.
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await mlflow.post('webhooks', {
      name: 'backstage',
      url: `http://127.0.0.1:${port}/api/catalog/mlflow/webhooks/local`,
      events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
      secret: 'whsec-test-0123456789',
    });
    const { experiment_id } = await mlflow.post('experiments/create', {
      name: 'webhook-test',
    });
    const { run } = await mlflow.post('runs/create', { experiment_id });
    await mlflow.post('runs/log-batch', {
      run_id: run.info.run_id,
      metrics: [{ key: 'auc', value: 0.96, timestamp: Date.now(), step: 0 }],
    });
    await mlflow.post('model-versions/create', {
      name: 'fraud-detector',
      source: 's3://acme-models/fraud-detector/3',
      run_id: run.info.run_id,
    });
    let versions: string[] = [];
    for (let i = 0; i < 60 && versions.length < 3; i++) {
      await new Promise(r => setTimeout(r, 500));
      const res = await get(
        '/api/catalog/entities/by-name/model/default/fraud-detector',
      );
      versions = (res.body.spec?.versions ?? []).map((v: any) => v.version);
    }
    expect(versions).toEqual(['3', '2', '1']);

    // An unsigned or wrongly signed webhook is refused.
    const forged = await request(server)
      .post('/api/catalog/mlflow/webhooks/local')
      .set('Content-Type', 'application/json')
      .set('X-MLflow-Delivery-Id', 'd1')
      .set('X-MLflow-Timestamp', String(Math.floor(Date.now() / 1000)))
      .set('X-MLflow-Signature', 'v1,AAAA')
      .send({
        entity: 'model_version',
        action: 'created',
        data: { name: 'x' },
      });
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({
      name: 'AuthenticationError',
      message: 'Invalid MLflow webhook: signature does not match',
    });

    // A signed delivery is taken once; the same delivery again is refused
    // (delivery ids are kept in the backend's cache service).
    const payload = JSON.stringify({
      entity: 'model_version',
      action: 'created',
      timestamp: new Date().toISOString(),
      data: { name: 'fraud-detector' },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const deliver = () =>
      request(server)
        .post('/api/catalog/mlflow/webhooks/local')
        .set('Content-Type', 'application/json')
        .set('X-MLflow-Delivery-Id', 'c3a1e0f2-replayed')
        .set('X-MLflow-Timestamp', timestamp)
        .set(
          'X-MLflow-Signature',
          `v1,${createHmac('sha256', 'whsec-test-0123456789')
            .update(`c3a1e0f2-replayed.${timestamp}.${payload}`)
            .digest('base64')}`,
        )
        .send(payload);
    expect((await deliver()).status).toBe(202);
    const replay = await deliver();
    expect(replay.status).toBe(409);
    expect(replay.body.error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/already received/),
    });
  });
});
