import { http, HttpResponse } from 'msw';
import { Entity } from '@backstage/catalog-model';
import {
  FakeApi,
  FakeApiState,
  createCrawlerTestKit,
  offsetPageAnswer,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import { MlflowEntityProvider } from './MlflowEntityProvider';
import { readMlflowSources } from './MlflowEntityProviderConfig';
import {
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from '../client/types';

const BASE = 'http://mlflow.test';

/** An MLflow registry in memory, served through msw with real page tokens. */
type Registry = FakeApiState & {
  loggedModels?: Record<string, object>;
  models: MlflowRegisteredModel[];
  versions: MlflowModelVersion[];
  runs: MlflowRun[];
  /** Version filters this MLflow answers 400 to. */
  refuseFilter?: (filter: string) => boolean;
  /** Model names whose versions the version search does not find. */
  hiddenVersions?: string[];
};

const LIKE_WILDCARDS: Record<string, string> = { _: '.', '%': '.*' };

/** MLflow's reading of a version filter: quoted text as it stands, LIKE with `_` and `%`. */
function versionMatcher(filter: string | null): (name: string) => boolean {
  if (!filter) return () => true;
  const exact = /^name=(?:'([^']*)'|"([^"]*)")$/.exec(filter);
  if (exact) return name => name === (exact[1] ?? exact[2]);
  const like = /^name LIKE '([^']*)'$/.exec(filter);
  if (like) {
    const pattern = like[1]
      .split('')
      .map(c => LIKE_WILDCARDS[c] ?? c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('');
    return name => new RegExp(`^${pattern}$`, 's').test(name);
  }
  throw new Error(`unexpected filter ${filter}`);
}

const page = (key: string, items: unknown[], url: URL) =>
  offsetPageAnswer(items, url, { key, sizeParam: 'max_results' });

function handlers(api: FakeApi, registry: Registry) {
  return [
    api.get('/registered-models/search', url =>
      page('registered_models', registry.models, url),
    ),
    api.get('/model-versions/search', url => {
      const filter = url.searchParams.get('filter');
      if (registry.refuseFilter?.(filter ?? '')) {
        return HttpResponse.json(
          {
            error_code: 'INVALID_PARAMETER_VALUE',
            message: `Invalid filter '${filter}'`,
          },
          { status: 400 },
        );
      }
      const matches = versionMatcher(filter);
      return page(
        'model_versions',
        registry.versions.filter(
          v => matches(v.name) && !registry.hiddenVersions?.includes(v.name),
        ),
        url,
      );
    }),
    api.get('/logged-models/:id', (_url, params) => {
      const model = registry.loggedModels?.[params.id as string];
      return model
        ? HttpResponse.json({ model })
        : HttpResponse.json(
            { error_code: 'RESOURCE_DOES_NOT_EXIST' },
            { status: 404 },
          );
    }),
    api.get('/runs/get', url => {
      const run = registry.runs.find(
        r => r.info.run_id === url.searchParams.get('run_id'),
      );
      return run
        ? HttpResponse.json({ run })
        : HttpResponse.json(
            { error_code: 'RESOURCE_DOES_NOT_EXIST' },
            { status: 404 },
          );
    }),
  ];
}

const run = (
  id: string,
  metrics: Record<string, number>,
  inputs: Array<[string, string]> = [],
): MlflowRun => ({
  info: { run_id: id, experiment_id: '3' },
  data: {
    metrics: Object.entries(metrics).map(([key, value]) => ({
      key,
      value,
      timestamp: 1,
      step: 0,
    })),
    params: [{ key: 'seed', value: '42' }],
  },
  inputs: {
    dataset_inputs: inputs.map(([name, context]) => ({
      tags: [{ key: 'mlflow.data.context', value: context }],
      dataset: {
        name,
        digest: `d-${name}`,
        source_type: 's3',
        source: JSON.stringify({ uri: `s3://data/${name}` }),
      },
    })),
  },
});

function sampleRegistry(): Registry {
  return {
    calls: [],
    models: [
      {
        name: 'fraud-detector',
        description: 'Scores card payments.',
        tags: [{ key: 'team', value: 'fraud-ml' }],
        aliases: [{ alias: 'champion', version: '2' }],
      },
      { name: 'churn', tags: [{ key: 'owner', value: 'not-the-owner-tag' }] },
      { name: 'legacy', tags: [] },
    ],
    versions: [
      {
        name: 'fraud-detector',
        version: '1',
        run_id: 'r1',
        status: 'READY',
        creation_timestamp: 1764000000000,
      },
      {
        name: 'fraud-detector',
        version: '2',
        run_id: 'r2',
        status: 'READY',
        creation_timestamp: '1764100000000',
      },
      { name: 'fraud-detector', version: '3', run_id: 'gone', status: 'READY' },
      {
        name: 'churn',
        version: '1',
        run_id: 'r3',
        current_stage: 'Production',
      },
      { name: 'legacy', version: '1', current_stage: 'Archived' },
    ],
    runs: [
      run('r1', { auc: 0.9 }, [['transactions', 'training']]),
      run('r2', { auc: 0.95, recall: 0.7 }, [
        ['transactions', 'training'],
        ['holdout', 'eval'],
        ['scratch', 'other'],
      ]),
      run('r3', { f1: 0.6 }, [['transactions', 'training']]),
    ],
  };
}

const mlflow = createCrawlerTestKit({
  platform: 'mlflow',
  source: {
    baseUrl: BASE,
    token: 'mlflow-token',
    defaultOwner: 'group:default/ml-platform',
    ownerTag: 'team',
    pageSize: 1,
  },
  apiPath: '/api/2.0/mlflow',
  readSources: readMlflowSources,
  create: (source, deps) => new MlflowEntityProvider(source, deps),
  handlers,
});

/**
 * The versions fraud-detector of sampleRegistry() maps to, newest first, with
 * `version2Run` (the metrics and params of its run r2, as far as read).
 */
const fraudDetectorVersions = (version2Run: object) => [
  // Its run was deleted: the version stays, without run data.
  { version: '3', status: 'READY', runId: 'gone' },
  {
    version: '2',
    aliases: ['champion'],
    status: 'READY',
    runId: 'r2',
    ...version2Run,
    createdAt: '2025-11-25T19:46:40.000Z',
  },
  {
    version: '1',
    status: 'READY',
    runId: 'r1',
    metrics: { auc: 0.9 },
    params: { seed: '42' },
    createdAt: '2025-11-24T16:00:00.000Z',
  },
];

/** A logged model MLflow 3 keeps: AUC 0.97, flavor xgboost. */
const loggedModel = (modelId: string) => ({
  info: { model_id: modelId, name: 'model' },
  data: {
    metrics: [{ key: 'auc', value: 0.97, timestamp: 2, step: 0 }],
    params: [{ key: 'flavor', value: 'xgboost' }],
  },
});

const find = (list: Entity[], ref: string) =>
  list.find(e => `${e.kind}:${e.metadata.name}`.toLowerCase() === ref);

describe('MlflowEntityProvider', () => {
  it('maps models, versions, headline metrics, owners and datasets', async () => {
    const reg = sampleRegistry();
    const all = await (await mlflow.connect(reg)).expectToApply();
    expect(all.map(e => `${e.kind}:${e.metadata.name}`).sort()).toEqual([
      'Dataset:holdout',
      // Its context (`other`) is none the mapping knows: training data.
      'Dataset:scratch',
      'Dataset:transactions',
      'Model:churn',
      'Model:fraud-detector',
      'Model:legacy',
    ]);
    const fraud = find(all, 'model:fraud-detector')!;
    expect(fraud.spec).toMatchObject({
      // The configured owner tag (`team`), as a group.
      owner: 'group:fraud-ml',
      lifecycle: 'production',
      metrics: { auc: 0.95, recall: 0.7 },
      trainedOn: ['dataset:default/scratch', 'dataset:default/transactions'],
      evaluatedOn: ['dataset:default/holdout'],
    });
    expect((fraud.spec as any).versions).toEqual(
      fraudDetectorVersions({
        metrics: { auc: 0.95, recall: 0.7 },
        params: { seed: '42' },
      }),
    );
    // `owner` is not the configured tag here: the default owner applies.
    const churn = find(all, 'model:churn')!;
    expect(churn.spec).toMatchObject({
      owner: 'group:default/ml-platform',
      // No alias, but the version in the Production stage heads the model.
      lifecycle: 'production',
      metrics: { f1: 0.6 },
    });
    expect(find(all, 'model:legacy')!.spec).toMatchObject({
      lifecycle: 'experimental',
      versions: [{ version: '1', status: 'archived' }],
    });
    // A dataset several models read belongs to the first of them by name (churn).
    expect(find(all, 'dataset:transactions')!.spec).toEqual({
      type: 'table',
      lifecycle: 'production',
      owner: 'group:default/ml-platform',
      source: { type: 's3', uri: 's3://data/transactions' },
      digest: 'd-transactions',
    });
  });

  it("prefers the metrics MLflow 3 logs on a version's logged model", async () => {
    const reg = sampleRegistry();
    const modelIds: Record<string, string> = { '1': 'm-gone', '2': 'm-abc' };
    reg.versions = reg.versions.map(v =>
      v.name === 'fraud-detector' && modelIds[v.version]
        ? { ...v, model_id: modelIds[v.version] }
        : v,
    );
    reg.loggedModels = { 'm-abc': loggedModel('m-abc') };
    const fraud = find(
      await (await mlflow.connect(reg)).expectToApply(),
      'model:fraud-detector',
    )!;
    const [, v2, v1] = (fraud.spec as any).versions;
    expect(v2.metrics).toEqual({ auc: 0.97 });
    expect(v2.params).toEqual({ seed: '42', flavor: 'xgboost' });
    expect(fraud.spec).toMatchObject({ metrics: { auc: 0.97 } });
    // A logged model MLflow no longer has: the run's metrics.
    expect(v1.metrics).toEqual({ auc: 0.9 });
    expect(
      reg.calls.filter(c => c.startsWith('/api/2.0/mlflow/logged-models/')),
    ).toEqual([
      '/api/2.0/mlflow/logged-models/m-abc?',
      '/api/2.0/mlflow/logged-models/m-gone?',
    ]);
  });

  it('reads the logged model a version names only in its source, models:/<model id>', async () => {
    const id = 'm-0123456789abcdef0123456789abcdef';
    const sources: Record<string, string> = {
      'fraud-detector 1': 'models:/fraud-detector/1',
      'fraud-detector 2': `models:/${id}`,
      'fraud-detector 3': 'models:/fraud-detector@champion',
      // A registered model named like a logged model id, and its version.
      'churn 1': `models:/${id}/1`,
      'legacy 1': `models:/${id}@champion`,
    };
    const reg = sampleRegistry();
    reg.versions = reg.versions.map(v => ({
      ...v,
      source: sources[`${v.name} ${v.version}`],
    }));
    reg.loggedModels = { [id]: loggedModel(id) };
    const fraud = find(
      await (await mlflow.connect(reg)).expectToApply(),
      'model:fraud-detector',
    )!;
    const [v3, v2, v1] = (fraud.spec as any).versions;
    expect(v2).toMatchObject({
      source: `models:/${id}`,
      metrics: { auc: 0.97 },
      params: { seed: '42', flavor: 'xgboost' },
    });
    expect(v1).toMatchObject({
      source: 'models:/fraud-detector/1',
      metrics: { auc: 0.9 },
      params: { seed: '42' },
    });
    expect(v3.source).toBe('models:/fraud-detector@champion');
    // Only the logged model id is read; the other forms name registered models.
    expect(
      reg.calls.filter(c => c.startsWith('/api/2.0/mlflow/logged-models/')),
    ).toEqual([`/api/2.0/mlflow/logged-models/${id}?`]);
  });

  it('pages through every list', async () => {
    const reg = sampleRegistry();
    await (await mlflow.connect(reg)).expectToApply();
    const tokens = (path: string) =>
      reg.calls
        .filter(c => c.startsWith(`/api/2.0/mlflow/${path}?`))
        .map(c => new URLSearchParams(c.split('?')[1]))
        .map(q => `${q.get('filter') ?? ''}#${q.get('page_token') ?? ''}`);
    expect(tokens('registered-models/search')).toEqual(['#', '#1', '#2']);
    expect(
      tokens('model-versions/search').filter(t =>
        t.startsWith("name='fraud-detector'"),
      ),
    ).toEqual([
      "name='fraud-detector'#",
      "name='fraud-detector'#1",
      "name='fraud-detector'#2",
    ]);
  });

  it("reads the versions of names that need quoting, by MLflow's rules", async () => {
    const reg = sampleRegistry();
    const both = `both 'single' and "double"`;
    reg.models.push({ name: "it's" }, { name: both }, { name: 'back\\' });
    reg.versions.push(
      { name: "it's", version: '1' },
      { name: "it's", version: '2' },
      { name: both, version: '1' },
      // Matches the LIKE pattern of `both`, but is another model.
      { name: `both _single_ and _double_`, version: '7' },
      { name: 'back\\', version: '1' },
    );
    reg.models.push({ name: `both _single_ and _double_` });
    // An MLflow without LIKE on versions.
    reg.refuseFilter = f => f.includes(' LIKE ');
    const all = await (
      await mlflow.connect(reg, { source: { pageSize: 100 } })
    ).expectToApply();
    const versionsOf = (name: string) =>
      (
        all.find(
          e => e.metadata.annotations?.['mlflow.org/registered-model'] === name,
        )?.spec as any
      )?.versions?.map((v: any) => v.version);
    expect(versionsOf("it's")).toEqual(['2', '1']);
    expect(versionsOf(both)).toEqual(['1']);
    expect(versionsOf(`both _single_ and _double_`)).toEqual(['7']);
    expect(versionsOf('back\\')).toEqual(['1']);
    const filters = reg.calls
      .filter(c => c.startsWith('/api/2.0/mlflow/model-versions/search?'))
      .map(c => new URLSearchParams(c.split('?')[1]).get('filter'));
    expect(filters).toEqual(
      expect.arrayContaining([
        `name="it's"`,
        `name='back\\'`,
        `name LIKE 'both _single_ and _double_'`,
        // Refused: every version, then this model's.
        null,
      ]),
    );
  });

  it('keeps a model whose data MLflow partly refuses (400), with what it gave, and names what was skipped', async () => {
    const reg = sampleRegistry();
    reg.models.push(
      // MLflow lists its latest version, but the version search finds none.
      {
        name: 'ghost',
        latest_versions: [
          { name: 'ghost', version: '4', run_id: 'r3', status: 'READY' },
        ],
      },
      // MLflow answers 400 to every version search for these: the first
      // still has the versions MLflow lists as latest, the second none.
      {
        name: 'refused',
        latest_versions: [
          {
            name: 'refused',
            version: '2',
            run_id: 'r1',
            current_stage: 'Production',
          },
        ],
      },
      { name: 'refused-bare' },
    );
    reg.hiddenVersions = ['ghost'];
    reg.refuseFilter = f => f === '' || f.includes('refused');
    // One run and one logged model of fraud-detector's champion answer 400.
    reg.versions = reg.versions.map(v =>
      v.name === 'fraud-detector' && v.version === '1'
        ? { ...v, model_id: 'm-refused' }
        : v,
    );
    reg.fail = (path, _attempt, url) => {
      const refused = HttpResponse.json(
        { error_code: 'INVALID_PARAMETER_VALUE', message: 'refused' },
        { status: 400 },
      );
      if (path.endsWith('/runs/get') && url.searchParams.get('run_id') === 'r2')
        return refused;
      if (path.endsWith('/logged-models/m-refused')) return refused;
      return undefined;
    };
    const crawler = await mlflow.connect(reg);
    // Every model stays in the catalog.
    const all = await crawler.expectToApply();
    expect(
      all
        .filter(e => e.kind === 'Model')
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual([
      'churn',
      'fraud-detector',
      'ghost',
      'legacy',
      'refused',
      'refused-bare',
    ]);
    // Without the refused run's data; the other versions keep theirs.
    const fraud = find(all, 'model:fraud-detector')!;
    expect((fraud.spec as any).versions).toEqual(fraudDetectorVersions({}));
    expect(fraud.spec).not.toHaveProperty('metrics');
    // The versions MLflow lists as latest, with their runs.
    expect(find(all, 'model:ghost')!.spec).toMatchObject({
      versions: [{ version: '4', runId: 'r3', metrics: { f1: 0.6 } }],
    });
    expect(find(all, 'model:refused')!.spec).toMatchObject({
      lifecycle: 'production',
      metrics: { auc: 0.9 },
      versions: [{ version: '2', runId: 'r1', metrics: { auc: 0.9 } }],
    });
    expect(find(all, 'model:refused-bare')!.spec).not.toHaveProperty(
      'versions',
    );

    const warnings = crawler.logger.warn.mock.calls.map(([m]) => m);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^mlflow-provider:prod: the registered model "fraud-detector" is kept with what MLflow gave: run r2 \(version 2\) could not be read \(GET .*runs\/get\?run_id=r2 failed: 400 Bad Request.*\), so that version has no run metrics, params or datasets; logged model m-refused \(version 1\) could not be read \(GET .* failed: 400 Bad Request.*\), so that version has the run's metrics and params only$/,
        ),
        'mlflow-provider:prod: the registered model "ghost" is kept with what MLflow gave: MLflow lists version 4 as latest, but searching its versions found none, so only the latest versions are kept',
        expect.stringMatching(
          /^mlflow-provider:prod: the registered model "refused" is kept with what MLflow gave: searching its versions failed \(GET .* failed: 400 Bad Request.*\), so only the latest versions are kept \(version 2\)$/,
        ),
        expect.stringMatching(
          /^mlflow-provider:prod: the registered model "refused-bare" is kept with what MLflow gave: searching its versions failed \(GET .* failed: 400 Bad Request.*\), and MLflow lists no latest version$/,
        ),
        'mlflow-provider:prod: read 6 of 6 registered models (7 versions); incomplete "fraud-detector", "ghost", "refused", "refused-bare"',
      ]),
    );
    expect(warnings).toHaveLength(5);
  });

  it('keeps what a webhook update could read, and names what was skipped', async () => {
    const reg = sampleRegistry();
    reg.fail = (path, _attempt, url) =>
      path.endsWith('/runs/get') && url.searchParams.get('run_id') === 'r2'
        ? HttpResponse.json({ error_code: 'BAD_REQUEST' }, { status: 400 })
        : undefined;
    mlflow.server.use(
      http.get(`${BASE}/api/2.0/mlflow/registered-models/get`, () =>
        HttpResponse.json({ registered_model: reg.models[0] }),
      ),
    );
    const { provider, mutations, logger } = await mlflow.connect(reg);
    await expect(provider.refreshModel('fraud-detector')).resolves.toBe(true);
    const [model] = mutations[0].type === 'delta' ? mutations[0].added : [];
    expect(
      (model.entity.spec as any).versions.map((v: any) => v.version),
    ).toEqual(['3', '2', '1']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^mlflow-provider:prod: the registered model "fraud-detector" is kept with what MLflow gave: run r2 \(version 2\) could not be read/,
      ),
    );
  });

  it('does not emit datasets the catalog has from elsewhere, but links them', async () => {
    const crawler = await mlflow.connect(sampleRegistry(), {
      entities: [
        {
          apiVersion: 'convergence.dev/v1alpha1',
          kind: 'Dataset',
          metadata: {
            name: 'transactions',
            namespace: 'default',
            annotations: {
              'backstage.io/managed-by-origin-location':
                'file:/examples/datasets.yaml',
            },
          },
          spec: {},
        },
      ],
    });
    const all = await crawler.expectToApply();
    expect(find(all, 'dataset:transactions')).toBeUndefined();
    expect(find(all, 'model:fraud-detector')!.spec).toMatchObject({
      trainedOn: ['dataset:default/scratch', 'dataset:default/transactions'],
    });
  });

  it('retries 429 and 5xx answers and completes', async () => {
    const crawler = await mlflow.connect(sampleRegistry());
    const all = await crawler.expectToRetry(
      {
        '/runs/get': () => new HttpResponse(null, { status: 503 }),
        '/registered-models/search': () =>
          new HttpResponse(null, {
            status: 429,
            headers: { 'Retry-After': '1' },
          }),
      },
      { attempts: 2 },
    );
    expect(all).toHaveLength(6);
  });

  it('applies no mutation when the crawl fails half-way', async () => {
    const crawler = await mlflow.connect(sampleRegistry());
    expect(await crawler.expectToApply()).toHaveLength(6);

    // The registry answers the model list, then fails on a run for good.
    await crawler.expectToFailChangingNothing(
      /GET http:\/\/mlflow\.test\/api\/2\.0\/mlflow\/runs\/get\?run_id=\w+ failed after 5 attempts: 500/,
      {
        '/runs/get': () =>
          HttpResponse.json({ error_code: 'INTERNAL_ERROR' }, { status: 500 }),
      },
    );
    // A client error other than 404 on a run is not data: it fails the crawl too.
    await crawler.expectToFailChangingNothing(/403 Forbidden/, {
      '/runs/get': () => new HttpResponse(null, { status: 403 }),
    });
  });

  it('refuses bad configuration, naming the key', () => {
    const read = mlflow.expectSourceChecks();
    expect(
      read({ baseUrl: 'http://x', defaultOwner: 'group:a', maxVersions: 0 }),
    ).toThrow('Invalid catalog.providers.mlflow.x.maxVersions: 0');
  });
});
