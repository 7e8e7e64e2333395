import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { pipelineEntityV1alpha1Validator } from '@convergence/backstage-plugin-mlops-common';
import {
  FakeApi,
  FakeApiState,
  createCrawlerTestKit,
  offsetPageAnswer,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import { KubeflowEntityProvider } from './KubeflowEntityProvider';
import { readKubeflowSources } from './KubeflowEntityProviderConfig';
import { compilePipeline } from '../__testUtils__/compiledPipeline';
import { KfpFields, kfpList } from '../__testUtils__/kfpList';
import {
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
} from '../client/types';

const BASE = 'http://kfp.test/pipeline';

// The real compiler's output, compiled by the test command's virtualenv.
let compiled: any;
beforeAll(() => {
  compiled = compilePipeline('fraud_training.py');
}, 120_000);

const catalogEntities: Entity[] = [
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Model',
    metadata: { name: 'fraud-detector', namespace: 'default' },
    spec: {},
  },
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'card-transactions', namespace: 'default' },
    spec: {},
  },
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name: 'holdout-q3',
      namespace: 'default',
      annotations: {
        'kubeflow.org/artifact': 'gs://acme-ml/fraud-holdout-2026q3/',
      },
    },
    spec: {},
  },
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'validated', namespace: 'default' },
    spec: {},
  },
];

/** A Kubeflow Pipelines API in memory, served through msw with real paging. */
type Api = FakeApiState & {
  pipelines: KfpPipeline[];
  versions: KfpPipelineVersion[];
  recurring: KfpRecurringRun[];
  runs: KfpRun[];
  /**
   * How the server treats a `pipeline_id` run filter: `supported` (Kubeflow
   * Pipelines with kubeflow/pipelines#13680, the default), `rejected` (older
   * releases: 400, unrecognized field) or `ignored` (a server that drops the
   * filter and lists every run).
   */
  pipelineFilter?: 'supported' | 'rejected' | 'ignored';
};

const seconds = (iso?: string) =>
  iso ? Math.floor(Date.parse(iso) / 1000) : undefined;

/** The run fields the KFP server filters and sorts on (model/run.go). */
const RUN_FIELDS: KfpFields<KfpRun> = {
  run_id: r => r.run_id,
  display_name: r => r.display_name,
  created_at: r => seconds(r.created_at),
  finished_at: r => seconds(r.finished_at),
  scheduled_at: r => seconds(r.scheduled_at),
  state: r => r.state,
};
const RUN_FIELDS_WITH_PIPELINE: KfpFields<KfpRun> = {
  ...RUN_FIELDS,
  pipeline_id: r => r.pipeline_version_reference?.pipeline_id,
};

const page = (
  key: string,
  items: unknown[],
  url: URL,
  extra?: Record<string, unknown>,
) => offsetPageAnswer(items, url, { key, sizeParam: 'page_size', extra });

function handlers(kfp: FakeApi, api: Api) {
  return [
    kfp.get('/pipelines', url =>
      page('pipelines', api.pipelines, url, {
        total_size: api.pipelines.length,
      }),
    ),
    kfp.get('/pipelines/:id/versions', (url, params) => {
      expect(url.searchParams.get('sort_by')).toBe('created_at desc');
      const versions = api.versions
        .filter(v => v.pipeline_id === params.id)
        .sort((a, b) => b.created_at!.localeCompare(a.created_at!));
      return page('pipeline_versions', versions, url);
    }),
    kfp.get('/recurringruns', url => page('recurringRuns', api.recurring, url)),
    kfp.get('/runs', url => {
      const mode = api.pipelineFilter ?? 'supported';
      if (mode === 'ignored') url.searchParams.delete('filter');
      const answer = kfpList(
        api.runs,
        url,
        mode === 'supported' ? RUN_FIELDS_WITH_PIPELINE : RUN_FIELDS,
        'run_id',
      );
      if (answer.status === 400) {
        return HttpResponse.json(answer.body, { status: 400 });
      }
      return HttpResponse.json({
        runs: answer.items,
        total_size: answer.total,
        ...(answer.next && { next_page_token: answer.next }),
      });
    }),
  ];
}

function estate(): Api {
  const tfxSpec = { ...compiled, sdkVersion: 'tfx-1.16.0' };
  return {
    calls: [],
    pipelines: [
      {
        pipeline_id: 'p-fraud',
        name: 'fraud-training',
        display_name: 'Fraud training',
        description: 'Weekly retraining of the card-fraud model.',
        tags: { owner: 'fraud-ml' },
      },
      { pipeline_id: 'p-churn', display_name: 'Churn Features (nightly)' },
      { pipeline_id: 'p-tfx', name: 'taxi-tfx' },
    ],
    versions: [
      {
        pipeline_id: 'p-fraud',
        pipeline_version_id: 'v1',
        created_at: '2026-10-01T00:00:00Z',
        pipeline_spec: { pipelineInfo: { name: 'old' } },
      },
      {
        pipeline_id: 'p-fraud',
        pipeline_version_id: 'v2',
        created_at: '2026-11-01T00:00:00Z',
        pipeline_spec: compiled,
      },
      {
        pipeline_id: 'p-tfx',
        pipeline_version_id: 't1',
        created_at: '2026-11-02T00:00:00Z',
        // The API wraps the spec when the version has platform config.
        pipeline_spec: { pipeline_spec: tfxSpec, platform_spec: {} },
      },
    ],
    recurring: [
      {
        recurring_run_id: 'r-old',
        status: 'DISABLED',
        pipeline_version_reference: { pipeline_id: 'p-fraud' },
        trigger: { cron_schedule: { cron: '0 0 1 * * *' } },
      },
      {
        recurring_run_id: 'r-weekly',
        status: 'ENABLED',
        pipeline_version_reference: { pipeline_id: 'p-fraud' },
        trigger: { cron_schedule: { cron: '0 0 3 * * 1' } },
      },
      {
        recurring_run_id: 'r-6h',
        status: 'ENABLED',
        pipeline_version_reference: { pipeline_id: 'p-churn' },
        trigger: { periodic_schedule: { interval_second: '21600' } },
      },
    ],
    runs: [
      {
        run_id: 'run-3',
        pipeline_version_reference: { pipeline_id: 'p-fraud' },
        state: 'FAILED',
        created_at: '2026-11-24T03:00:00Z',
        finished_at: '2026-11-24T03:40:00Z',
      },
      {
        run_id: 'run-2',
        pipeline_version_reference: { pipeline_id: 'p-fraud' },
        state: 'SUCCEEDED',
        created_at: '2026-11-17T03:00:00Z',
        finished_at: '2026-11-17T03:35:00Z',
      },
      {
        run_id: 'run-1',
        pipeline_version_reference: { pipeline_id: 'p-churn' },
        state: 'RUNNING',
        created_at: '2026-11-27T06:00:00Z',
        finished_at: '1970-01-01T00:00:00Z',
      },
    ],
  };
}

const kfp = createCrawlerTestKit({
  platform: 'kubeflow',
  source: {
    baseUrl: BASE,
    uiUrl: 'https://kubeflow.example.com/pipeline',
    token: 'kfp-token',
    namespace: 'ml',
    defaultOwner: 'group:default/ml-platform',
    system: 'ml-platform',
    pageSize: 1,
  },
  apiPath: '/apis/v2beta1',
  readSources: readKubeflowSources,
  create: (source, deps) => new KubeflowEntityProvider(source, deps),
  entities: catalogEntities,
  handlers,
});

describe('KubeflowEntityProvider', () => {
  it('maps a compiled pipeline, its schedule, last run and artifacts', async () => {
    const entities = await (await kfp.connect(estate())).expectToApply();
    expect(entities).toHaveLength(3);
    const [fraud, churn, tfx] = entities;
    expect(fraud).toEqual({
      apiVersion: 'convergence.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: {
        name: 'fraud-training',
        title: 'Fraud training',
        description: 'Weekly retraining of the card-fraud model.',
        annotations: {
          'backstage.io/managed-by-location':
            'url:https://kubeflow.example.com/pipeline/#/pipelines/details/p-fraud',
          'backstage.io/managed-by-origin-location':
            'url:https://kubeflow.example.com/pipeline/#/pipelines/details/p-fraud',
          'kubeflow.org/pipeline-id': 'p-fraud',
          'kubeflow.org/pipeline-version-id': 'v2',
        },
        links: [
          {
            url: 'https://kubeflow.example.com/pipeline/#/pipelines/details/p-fraud',
            title: 'Kubeflow Pipelines',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'training',
        lifecycle: 'production',
        owner: 'group:fraud-ml',
        system: 'ml-platform',
        orchestrator: 'kubeflow',
        schedule: '0 3 * * 1',
        // The importer's catalog_entity metadata and the annotated holdout URI.
        consumes: [
          'dataset:default/card-transactions',
          'dataset:default/holdout-q3',
        ],
        // The train step's `fraud_detector` Model output, by name. The
        // intermediate `validated` output matches a Dataset named so too.
        produces: ['dataset:default/validated', 'model:default/fraud-detector'],
        lastRun: {
          status: 'failed',
          startedAt: '2026-11-24T03:00:00Z',
          finishedAt: '2026-11-24T03:40:00Z',
          url: 'https://kubeflow.example.com/pipeline/#/runs/details/run-3',
        },
      },
    });
    expect(churn.metadata.name).toBe('churn-features-nightly');
    expect(churn.spec).toMatchObject({
      owner: 'group:default/ml-platform',
      orchestrator: 'kubeflow',
      schedule: '0 */6 * * *',
      lastRun: { status: 'running', startedAt: '2026-11-27T06:00:00Z' },
    });
    expect((churn.spec as any).lastRun.finishedAt).toBeUndefined();
    expect(tfx.spec).toMatchObject({ orchestrator: 'tfx' });
    expect(tfx.spec).not.toHaveProperty('lastRun');
    expect(tfx.spec).not.toHaveProperty('schedule');
    // Every entity is a valid Pipeline.
    for (const entity of entities) {
      expect(pipelineEntityV1alpha1Validator(entity)).toBe(entity);
    }
  });

  it('links outputs named after non-ASCII MLflow models and datasets to the entities the MLflow provider makes', async () => {
    // The Kubeflow API serves a version's IR as it was uploaded. kfp's Python
    // DSL allows only ASCII output names, but hand-written IR and other
    // compilers do not: the compiled fixture, with its Model output named
    // after the MLflow model `Modèle français` and its Dataset output after
    // the MLflow dataset `已验证`.
    const renamed = JSON.parse(
      JSON.stringify(compiled)
        .replaceAll('fraud_detector', 'Modèle_français')
        .replaceAll('"validated"', '"已验证"'),
    );
    const api = estate();
    api.versions = api.versions.map(v =>
      v.pipeline_version_id === 'v2' ? { ...v, pipeline_spec: renamed } : v,
    );
    // The names the MLflow provider gives these (its mapping and
    // real-server tests): accents folded; 8 hex digits of the name's SHA-256
    // when letters without an ASCII form are dropped.
    const mlflowEntities: Entity[] = [
      {
        apiVersion: 'convergence.dev/v1alpha1',
        kind: 'Model',
        metadata: {
          name: 'modele-francais',
          namespace: 'default',
          title: 'Modèle français',
          annotations: { 'mlflow.org/registered-model': 'Modèle français' },
        },
        spec: {},
      },
      {
        apiVersion: 'convergence.dev/v1alpha1',
        kind: 'Dataset',
        metadata: {
          name: 'dataset-0a1b6f1b',
          namespace: 'default',
          title: '已验证',
        },
        spec: {},
      },
    ];
    const entities = await (
      await kfp.connect(api, { entities: mlflowEntities })
    ).expectToApply();
    const fraud = entities.find(e => e.metadata.name === 'fraud-training')!;
    expect(fraud.spec?.produces).toEqual([
      'dataset:default/dataset-0a1b6f1b',
      'model:default/modele-francais',
    ]);
  });

  it('pages through every list and sends the namespace', async () => {
    const api = estate();
    const { provider } = await kfp.connect(api);
    await provider.refresh();
    const list = (path: string) =>
      api.calls.filter(c => c.startsWith(`/pipeline/apis/v2beta1/${path}?`));
    expect(
      list('pipelines').map(c =>
        new URLSearchParams(c.split('?')[1]).get('page_token'),
      ),
    ).toEqual([null, '1', '2']);
    expect(list('recurringruns')).toHaveLength(3);
    for (const call of [
      ...list('pipelines'),
      ...list('recurringruns'),
      ...list('runs'),
    ]) {
      expect(call).toContain('namespace=ml');
    }
    // Runs are asked for per pipeline (p-tfx never ran: still one request).
    expect(list('runs')).toHaveLength(3);
  });

  it('retries 5xx and 429 answers and completes the crawl', async () => {
    const crawler = await kfp.connect(estate());
    const entities = await crawler.expectToRetry(
      {
        '/recurringruns': () => new HttpResponse(null, { status: 503 }),
        '/versions': () => new HttpResponse(null, { status: 429 }),
      },
      { attempts: 1 },
    );
    expect(entities).toHaveLength(3);
  });

  it('applies nothing when the crawl fails half-way, and converges afterwards', async () => {
    const crawler = await kfp.connect(estate());
    const entities = await crawler.expectToApply();

    // Kubeflow goes down after the pipelines were listed.
    await crawler.expectToFailChangingNothing(
      /GET http:\/\/kfp\.test\/pipeline\/apis\/v2beta1\/runs\?.* failed after 5 attempts: 500/,
      { '/runs': () => new HttpResponse(null, { status: 500 }) },
    );
    // Unreachable altogether: still nothing applied.
    kfp.server.use(http.all(`${BASE}/*`, () => HttpResponse.error()));
    await crawler.expectToFailChangingNothing(/failed after 5 attempts/);

    // Back up: the next crawl applies the full set again.
    kfp.server.resetHandlers();
    kfp.serve(crawler.api);
    expect(await crawler.expectToApply()).toEqual(entities);
  });

  it('refuses bad configuration, naming the key', () => {
    const read = kfp.expectSourceChecks();
    expect(
      read({ baseUrl: 'http://x', defaultOwner: 'group:a', pageSize: 0 }),
    ).toThrow('Invalid catalog.providers.kubeflow.x.pageSize: 0');
  });

  it('refuses to start with a user and password in the URL', () => {
    const start = (urls: JsonObject) => () =>
      KubeflowEntityProvider.fromConfig(
        new ConfigReader({
          catalog: {
            providers: {
              kubeflow: {
                prod: { defaultOwner: 'group:default/ml', ...urls },
              },
            },
          },
        }),
        {
          logger: mockServices.logger.mock(),
          scheduler: mockServices.scheduler.mock(),
          catalog: catalogServiceMock(),
          auth: mockServices.auth(),
        },
      );
    expect(start({ baseUrl: BASE })()).toHaveLength(1);
    const refused = (urls: JsonObject) => {
      try {
        start(urls)();
      } catch (e) {
        return (e as Error).message;
      }
      return 'started';
    };
    const withPassword = refused({
      baseUrl: 'https://pipelines:hunter2@kubeflow.example.com/pipeline',
    });
    expect(withPassword).toMatch(
      /^Invalid catalog\.providers\.kubeflow\.prod\.baseUrl: the URL carries a user name or password.*catalog\.providers\.kubeflow\.prod\.token$/,
    );
    expect(withPassword).not.toContain('hunter2');
    expect(
      refused({
        baseUrl: BASE,
        uiUrl: 'https://pipelines:hunter2@kubeflow.example.com/pipeline',
      }),
    ).toMatch(
      /^Invalid catalog\.providers\.kubeflow\.prod\.uiUrl: the URL carries/,
    );
  });
});

describe('KubeflowEntityProvider last runs in a long run history', () => {
  const PIPELINES = 30;
  const RUNS = 10_000;
  const START = Date.parse('2026-01-01T00:00:00Z');

  /**
   * 30 busy pipelines sharing 9,990 runs, a minute apart; `p-old`, whose 6
   * runs are all older than every other run; 4 runs made without a stored
   * pipeline; and `p-never`, which never ran. Listed in no particular order.
   */
  function history(): Api {
    const at = (minutes: number) =>
      new Date(START + minutes * 60_000).toISOString();
    const runs: KfpRun[] = [];
    for (let i = 0; i < RUNS - 10; i++) {
      const pipeline = `p-${String(i % PIPELINES).padStart(2, '0')}`;
      runs.push({
        run_id: `run-${i}`,
        display_name: `${pipeline} #${i}`,
        pipeline_version_reference: { pipeline_id: pipeline },
        state: i % 7 === 0 ? 'FAILED' : 'SUCCEEDED',
        created_at: at(i),
        finished_at: at(i + 0.5),
      });
    }
    for (let i = 0; i < 6; i++) {
      runs.push({
        run_id: `old-${i}`,
        pipeline_version_reference: { pipeline_id: 'p-old' },
        state: 'SUCCEEDED',
        created_at: at(-1000 + i),
        finished_at: at(-999 + i),
      });
    }
    for (let i = 0; i < 4; i++) {
      runs.push({
        run_id: `adhoc-${i}`,
        state: 'SUCCEEDED',
        created_at: at(RUNS + i),
      });
    }
    // A fixed shuffle: the server, not the fixture, puts runs in order.
    for (let i = runs.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [runs[i], runs[j]] = [runs[j], runs[i]];
    }
    const ids = [
      ...Array.from(
        { length: PIPELINES },
        (_, i) => `p-${String(i).padStart(2, '0')}`,
      ),
      'p-old',
      'p-never',
    ];
    return {
      calls: [],
      pipelines: ids.map(id => ({ pipeline_id: id, name: id })),
      versions: [],
      recurring: [],
      runs,
    };
  }

  /** The newest run of each pipeline, worked out from the fixture alone. */
  function newest(api: Api): Map<string, KfpRun> {
    const found = new Map<string, KfpRun>();
    for (const run of api.runs) {
      const id = run.pipeline_version_reference?.pipeline_id;
      if (!id) continue;
      const current = found.get(id);
      if (
        !current ||
        Date.parse(run.created_at!) > Date.parse(current.created_at!)
      )
        found.set(id, run);
    }
    return found;
  }

  const runCalls = (api: Api) =>
    api.calls
      .filter(c => c.startsWith('/pipeline/apis/v2beta1/runs?'))
      .map(c => new URLSearchParams(c.split('?')[1]));

  async function crawl(api: Api) {
    const crawler = await kfp.connect(api, { source: { pageSize: 100 } });
    const entities = await crawler.expectToApply();
    expect(entities).toHaveLength(PIPELINES + 2);
    const lastRuns = new Map(
      entities.map(e => [
        e.metadata.annotations!['kubeflow.org/pipeline-id'],
        (e.spec as any).lastRun,
      ]),
    );
    return { lastRuns, logger: crawler.logger };
  }

  it('asks for one run per pipeline and finds every latest run', async () => {
    const api = history();
    expect(api.runs).toHaveLength(RUNS);
    const { lastRuns } = await crawl(api);

    const expected = newest(api);
    expect(expected.get('p-old')!.run_id).toBe('old-5');
    expect(expected.has('p-never')).toBe(false);
    for (const { pipeline_id: id } of api.pipelines) {
      const run = expected.get(id);
      expect([id, lastRuns.get(id)?.url]).toEqual([
        id,
        run &&
          `https://kubeflow.example.com/pipeline/#/runs/details/${run.run_id}`,
      ]);
    }
    expect(lastRuns.get('p-00')).toEqual({
      status: 'succeeded',
      startedAt: expected.get('p-00')!.created_at,
      finishedAt: expected.get('p-00')!.finished_at,
      url: `https://kubeflow.example.com/pipeline/#/runs/details/${
        expected.get('p-00')!.run_id
      }`,
    });

    // One request per pipeline, newest first, one run long, filtered by the
    // pipeline; nothing pages through the history.
    const calls = runCalls(api);
    expect(calls).toHaveLength(api.pipelines.length);
    const perPipeline = new Map<string, number>();
    for (const params of calls) {
      expect(params.get('sort_by')).toBe('created_at desc');
      expect(params.get('page_size')).toBe('1');
      expect(params.get('page_token')).toBeNull();
      expect(params.get('namespace')).toBe('ml');
      const filter = JSON.parse(decodeURIComponent(params.get('filter')!));
      expect(filter.predicates).toHaveLength(1);
      const id = filter.predicates[0].string_value;
      perPipeline.set(id, (perPipeline.get(id) ?? 0) + 1);
    }
    expect([...perPipeline.keys()].sort()).toEqual(
      api.pipelines.map(p => p.pipeline_id).sort(),
    );
    expect(Math.max(...perPipeline.values())).toBe(1);
    // The whole crawl: the pipeline list, then a version and a run per
    // pipeline, and the recurring runs.
    expect(api.calls.length).toBeLessThanOrEqual(2 * api.pipelines.length + 2);
  });

  it.each(['rejected', 'ignored'] as const)(
    'reads at most the newest 1,000 runs when the server %s the pipeline filter',
    async mode => {
      const api = { ...history(), pipelineFilter: mode };
      const { lastRuns, logger } = await crawl(api);

      // The busy pipelines ran among the newest 1,000 runs.
      const expected = newest(api);
      for (let i = 0; i < PIPELINES; i++) {
        const id = `p-${String(i).padStart(2, '0')}`;
        expect(lastRuns.get(id)?.url).toBe(
          `https://kubeflow.example.com/pipeline/#/runs/details/${
            expected.get(id)!.run_id
          }`,
        );
      }
      // p-old's runs lie beyond them, so it shows no last run rather than a
      // wrong one, and the log names it.
      expect(lastRuns.get('p-old')).toBeUndefined();
      expect(lastRuns.get('p-never')).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /cannot filter runs by pipeline.*newest 1000 runs.*2 pipelines.*p-old, p-never/,
        ),
      );

      // The first (filtered) request tells; then 10 pages of 100.
      const calls = runCalls(api);
      expect(calls).toHaveLength(11);
      expect(calls[0].has('filter')).toBe(true);
      for (const params of calls.slice(1)) {
        expect(params.has('filter')).toBe(false);
        expect(params.get('sort_by')).toBe('created_at desc');
        expect(params.get('page_size')).toBe('100');
      }
    },
  );
});
