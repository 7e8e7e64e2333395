import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { pipelineEntityV1alpha1Validator } from '@convergence/backstage-plugin-mlops-common';
import {
  KubeflowEntityProvider,
  readKubeflowSources,
} from './KubeflowEntityProvider';
import { compilePipeline } from './__testUtils__/compiledPipeline';
import {
  KfpPipeline,
  KfpPipelineVersion,
  KfpRecurringRun,
  KfpRun,
} from './types';

const BASE = 'http://kfp.test/pipeline';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

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
type Api = {
  pipelines: KfpPipeline[];
  versions: KfpPipelineVersion[];
  recurring: KfpRecurringRun[];
  runs: KfpRun[];
  calls: string[];
  fail?: (path: string, attempt: number) => Response | undefined;
};

function page<T>(items: T[], url: URL) {
  const size = Number(url.searchParams.get('page_size') ?? 100);
  const start = Number(url.searchParams.get('page_token') || 0);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), next };
}

function serve(api: Api) {
  const attempts = new Map<string, number>();
  const guard = (request: Request) => {
    const url = new URL(request.url);
    const key = `${url.pathname}?${url.searchParams}`;
    api.calls.push(key);
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    expect(request.headers.get('authorization')).toBe('Bearer kfp-token');
    return { url, failed: api.fail?.(url.pathname, attempt) };
  };
  server.use(
    http.get(`${BASE}/apis/v2beta1/pipelines`, ({ request }) => {
      const { url, failed } = guard(request);
      if (failed) return failed;
      const { items, next } = page(api.pipelines, url);
      return HttpResponse.json({
        pipelines: items,
        total_size: api.pipelines.length,
        ...(next && { next_page_token: next }),
      });
    }),
    http.get(
      `${BASE}/apis/v2beta1/pipelines/:id/versions`,
      ({ request, params }) => {
        const { url, failed } = guard(request);
        if (failed) return failed;
        expect(url.searchParams.get('sort_by')).toBe('created_at desc');
        const versions = api.versions
          .filter(v => v.pipeline_id === params.id)
          .sort((a, b) => b.created_at!.localeCompare(a.created_at!));
        const { items, next } = page(versions, url);
        return HttpResponse.json({
          pipeline_versions: items,
          ...(next && { next_page_token: next }),
        });
      },
    ),
    http.get(`${BASE}/apis/v2beta1/recurringruns`, ({ request }) => {
      const { url, failed } = guard(request);
      if (failed) return failed;
      const { items, next } = page(api.recurring, url);
      return HttpResponse.json({
        recurringRuns: items,
        ...(next && { next_page_token: next }),
      });
    }),
    http.get(`${BASE}/apis/v2beta1/runs`, ({ request }) => {
      const { url, failed } = guard(request);
      if (failed) return failed;
      const runs = [...api.runs].sort((a, b) =>
        b.created_at!.localeCompare(a.created_at!),
      );
      const { items, next } = page(runs, url);
      return HttpResponse.json({
        runs: items,
        ...(next && { next_page_token: next }),
      });
    }),
  );
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

function setup(extra: Record<string, unknown> = {}) {
  const config = new ConfigReader({
    catalog: {
      providers: {
        kubeflow: {
          prod: {
            baseUrl: BASE,
            uiUrl: 'https://kubeflow.example.com/pipeline',
            token: 'kfp-token',
            namespace: 'ml',
            defaultOwner: 'group:default/ml-platform',
            system: 'ml-platform',
            pageSize: 1,
            ...extra,
          },
        },
      },
    },
  });
  const [source] = readKubeflowSources(config);
  const logger = mockServices.logger.mock();
  const provider = new KubeflowEntityProvider(source, {
    logger,
    catalog: catalogServiceMock({ entities: catalogEntities }),
    auth: mockServices.auth(),
    client: { sleep: async () => {}, timeoutMs: 2000 },
  });
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  };
  return { provider, connection, mutations, logger };
}

const entitiesOf = (m: EntityProviderMutation) =>
  m.type === 'full' ? m.entities.map(e => e.entity) : [];

describe('KubeflowEntityProvider', () => {
  it('maps a compiled pipeline, its schedule, last run and artifacts', async () => {
    const api = estate();
    serve(api);
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    expect(await provider.refresh()).toBe(3);
    expect(mutations).toHaveLength(1);
    const [fraud, churn, tfx] = entitiesOf(mutations[0]);
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
    for (const entity of entitiesOf(mutations[0])) {
      expect(pipelineEntityV1alpha1Validator(entity)).toBe(entity);
    }
  });

  it('pages through every list and sends the namespace', async () => {
    const api = estate();
    serve(api);
    const { provider, connection } = setup();
    await provider.connect(connection);
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
    // Runs come newest first: the listing stops once every pipeline has one
    // or the list ends (p-tfx never ran, so all three pages are read).
    expect(list('runs')).toHaveLength(3);
  });

  it('retries 5xx and 429 answers and completes the crawl', async () => {
    const api = estate();
    api.fail = (path, attempt) => {
      if (attempt > 1) return undefined;
      if (path.endsWith('/recurringruns'))
        return new HttpResponse(null, { status: 503 });
      if (path.endsWith('/versions'))
        return new HttpResponse(null, { status: 429 });
      return undefined;
    };
    serve(api);
    const { provider, connection, mutations } = setup();
    await provider.connect(connection);
    expect(await provider.refresh()).toBe(3);
    expect(mutations).toHaveLength(1);
  });

  it('applies nothing when the crawl fails half-way, and converges afterwards', async () => {
    const api = estate();
    serve(api);
    const { provider, connection, mutations, logger } = setup();
    await provider.connect(connection);
    await provider.refresh();
    expect(mutations).toHaveLength(1);

    // Kubeflow goes down after the pipelines were listed.
    api.fail = path =>
      path.endsWith('/runs')
        ? new HttpResponse(null, { status: 500 })
        : undefined;
    await expect(provider.refresh()).rejects.toThrow(
      /GET http:\/\/kfp\.test\/pipeline\/apis\/v2beta1\/runs\?.* failed after 5 attempts: 500/,
    );
    expect(mutations).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('the catalog keeps its current entities'),
    );
    // Unreachable altogether: still nothing applied.
    server.use(http.all(`${BASE}/*`, () => HttpResponse.error()));
    await expect(provider.refresh()).rejects.toThrow(/failed after 5 attempts/);
    expect(mutations).toHaveLength(1);

    // Back up: the next crawl applies the full set again.
    server.resetHandlers();
    api.fail = undefined;
    serve(api);
    expect(await provider.refresh()).toBe(3);
    expect(mutations).toHaveLength(2);
    expect(entitiesOf(mutations[1])).toEqual(entitiesOf(mutations[0]));
  });

  it('refuses bad configuration, naming the key', () => {
    const read = (c: JsonObject) => () =>
      readKubeflowSources(
        new ConfigReader({ catalog: { providers: { kubeflow: { x: c } } } }),
      );
    expect(read({ defaultOwner: 'group:a' })).toThrow(/baseUrl/);
    expect(read({ baseUrl: 'ftp://x', defaultOwner: 'group:a' })).toThrow(
      "Invalid catalog.providers.kubeflow.x.baseUrl: 'ftp://x' is not an http(s) URL",
    );
    expect(read({ baseUrl: 'http://x' })).toThrow(/defaultOwner/);
    expect(
      read({ baseUrl: 'http://x', defaultOwner: 'group:a', pageSize: 0 }),
    ).toThrow('Invalid catalog.providers.kubeflow.x.pageSize: 0');
  });
});
