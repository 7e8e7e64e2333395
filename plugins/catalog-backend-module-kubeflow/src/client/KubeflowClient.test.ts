import { setupServer } from 'msw/node';
import { HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { PlatformApiClient } from '@convergence/backstage-plugin-mlops-node';
import {
  FakeApiState,
  createFakeApi,
  offsetPageAnswer,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import { KfpFields, kfpList } from '../__testUtils__/kfpList';
import { KfpRun } from './types';
import {
  KubeflowClient,
  KubeflowRunFilterUnsupportedError,
} from './KubeflowClient';

const pipelines = ['p-a', 'p-b', 'p-c'].map(id => ({ pipeline_id: id }));
const runs: KfpRun[] = [
  {
    run_id: 'r1',
    created_at: '1',
    pipeline_version_reference: { pipeline_id: 'p-a' },
  },
  {
    run_id: 'r2',
    created_at: '2',
    pipeline_version_reference: { pipeline_id: 'p-b' },
  },
  {
    run_id: 'r3',
    created_at: '3',
    pipeline_version_reference: { pipeline_id: 'p-a' },
  },
];
const RUN_FIELDS: KfpFields<KfpRun> = {
  run_id: r => r.run_id,
  created_at: r => r.created_at,
};

const BASE = 'http://kfp.test/pipeline';
const server = setupServer();
registerMswTestHooks(server);

/**
 * Kubeflow Pipelines with three pipelines and runs; `runFilter` says how
 * it treats a `pipeline_id` filter on runs.
 */
function setup(runFilter: 'supported' | 'rejected' | 'ignored' = 'supported') {
  const state: FakeApiState = { calls: [] };
  const kfp = createFakeApi(state, {
    baseUrl: `${BASE}/apis/v2beta1`,
    token: 'kfp-token',
  });
  const missing = () =>
    HttpResponse.json({ code: 5, message: 'not found' }, { status: 404 });
  server.use(
    kfp.get('/pipelines', url =>
      offsetPageAnswer(pipelines, url, {
        key: 'pipelines',
        sizeParam: 'page_size',
      }),
    ),
    kfp.get('/pipelines/:id', (_url, { id }) => {
      const pipeline = pipelines.find(p => p.pipeline_id === id);
      return pipeline ? HttpResponse.json(pipeline) : missing();
    }),
    kfp.get('/pipelines/:id/versions', (_url, { id }) =>
      HttpResponse.json(
        id === 'p-a'
          ? {
              pipeline_versions: [
                { pipeline_id: id, pipeline_version_id: 'v9' },
              ],
            }
          : {},
      ),
    ),
    kfp.get('/recurringruns', () =>
      HttpResponse.json({ recurringRuns: [{ recurring_run_id: 'rr' }] }),
    ),
    kfp.get('/runs', url => {
      if (runFilter === 'ignored') url.searchParams.delete('filter');
      const fields =
        runFilter === 'rejected'
          ? RUN_FIELDS
          : {
              ...RUN_FIELDS,
              pipeline_id: (r: KfpRun) =>
                r.pipeline_version_reference?.pipeline_id,
            };
      const answer = kfpList(runs, url, fields, 'run_id');
      return answer.status === 400
        ? HttpResponse.json(answer.body, { status: 400 })
        : HttpResponse.json({
            runs: answer.items,
            ...(answer.next && { next_page_token: answer.next }),
          });
    }),
    kfp.get('/runs/:id', (_url, { id }) => {
      const run = runs.find(r => r.run_id === id);
      return run ? HttpResponse.json(run) : missing();
    }),
  );
  const client = new KubeflowClient(
    new PlatformApiClient({
      baseUrl: BASE,
      token: 'kfp-token',
      sleep: async () => {},
    }),
  );
  return { state, client };
}

const query = (call: string) =>
  Object.fromEntries(new URLSearchParams(call.split('?')[1]));

describe('KubeflowClient', () => {
  it('pages through lists to the end, with the namespace', async () => {
    const { state, client } = setup();
    const all = await client.listPipelines({ namespace: 'ml', pageSize: 2 });
    expect(all.map(p => p.pipeline_id)).toEqual(['p-a', 'p-b', 'p-c']);
    expect(state.calls.map(query)).toEqual([
      { namespace: 'ml', page_size: '2' },
      { namespace: 'ml', page_size: '2', page_token: '2' },
    ]);
    await expect(
      client.listRecurringRuns({ namespace: 'ml' }),
    ).resolves.toEqual([{ recurring_run_id: 'rr' }]);
    expect(query(state.calls[2])).toEqual({
      namespace: 'ml',
      sort_by: 'created_at desc',
    });
    // Runs page by page, newest first; a caller may stop after a page.
    const pages: string[][] = [];
    for await (const page of client.runPages({ pageSize: 2 })) {
      pages.push(page.map(r => r.run_id));
      break;
    }
    expect(pages).toEqual([['r3', 'r2']]);
  });

  it('reads single objects, and answers undefined for those the API does not have (404)', async () => {
    const { client } = setup();
    await expect(client.getPipeline('p-b')).resolves.toEqual({
      pipeline_id: 'p-b',
    });
    await expect(client.getPipeline('gone')).resolves.toBeUndefined();
    await expect(client.getRun('r2')).resolves.toMatchObject({ run_id: 'r2' });
    await expect(client.getRun('gone')).resolves.toBeUndefined();
    await expect(client.getLatestPipelineVersion('p-a')).resolves.toEqual({
      pipeline_id: 'p-a',
      pipeline_version_id: 'v9',
    });
    await expect(
      client.getLatestPipelineVersion('p-c'),
    ).resolves.toBeUndefined();
  });

  it("reads a pipeline's newest run with one filtered request", async () => {
    const { state, client } = setup();
    await expect(
      client.getLatestRun('p-a', { namespace: 'ml' }),
    ).resolves.toMatchObject({ run_id: 'r3' });
    await expect(client.getLatestRun('p-c')).resolves.toBeUndefined();
    const [first] = state.calls.map(query);
    expect(first).toMatchObject({ namespace: 'ml', page_size: '1' });
    expect(JSON.parse(decodeURIComponent(first.filter))).toEqual({
      predicates: [
        { key: 'pipeline_id', operation: 'EQUALS', string_value: 'p-a' },
      ],
    });
  });

  it.each(['rejected', 'ignored'] as const)(
    'says so when the API %s the pipeline filter on runs',
    async mode => {
      const { client } = setup(mode);
      const error = await client.getLatestRun('p-b').catch(e => e);
      expect(error).toBeInstanceOf(KubeflowRunFilterUnsupportedError);
      expect(error.message).toMatch(
        mode === 'rejected'
          ? /^it answered 400 Bad Request: .*unrecognized field \\"pipeline_id\\"/
          : 'asked for the runs of pipeline p-b, it answered run r3 of another',
      );
    },
  );

  it('fails with the status on other errors, and never returns part of a list', async () => {
    const { state, client } = setup();
    state.fail = (path, _attempt, url) => {
      if (url.searchParams.get('page_token')) {
        return new HttpResponse(null, { status: 500 });
      }
      return path.endsWith('/versions')
        ? new HttpResponse(null, { status: 403 })
        : undefined;
    };
    await expect(client.listPipelines({ pageSize: 2 })).rejects.toThrow(
      /page_token=2 failed after 5 attempts: 500/,
    );
    await expect(client.getLatestPipelineVersion('p-a')).rejects.toMatchObject({
      name: 'PlatformApiError',
      status: 403,
    });
  });
});
