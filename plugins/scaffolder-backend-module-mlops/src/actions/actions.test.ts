import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createValidateEntitiesAction } from './validate';
import { createMlflowRegisterAction } from './mlflowRegister';
import { createPublishLocalGitAction } from './publishLocalGit';
import { LocalGitEntityProvider } from '../LocalGitEntityProvider';
import { useActionWorkspace } from '../__testUtils__/actionWorkspace';
import { fraudDetectorModel, fraudMlGroup } from '../__testUtils__/entities';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const { tmp, write: workspace, run } = useActionWorkspace('scaffolder-mlops-');

const existing: Entity[] = [fraudMlGroup, fraudDetectorModel];

const service = (extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: fraud-scoring
spec:
  type: service
  lifecycle: experimental
  owner: group:default/fraud-ml
  dependsOn: [model:default/fraud-detector]
  providesApis: [fraud-scoring-api]${extra}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: fraud-scoring-api
spec:
  type: openapi
  lifecycle: experimental
  owner: group:default/fraud-ml
  definition: "openapi: 3.0.0"
`;

describe('mlops:entities:validate', () => {
  const action = () =>
    createValidateEntitiesAction({
      catalog: catalogServiceMock({ entities: existing }),
      auth: mockServices.auth(),
    });

  it('passes valid entities whose references exist, also in a dry run', async () => {
    workspace({ 'catalog-info.yaml': service() });
    for (const isDryRun of [false, true]) {
      expect(
        await run(
          action(),
          { files: ['catalog-info.yaml'], checkCatalog: true },
          { isDryRun },
        ),
      ).toEqual({
        entityRefs: [
          'component:default/fraud-scoring',
          'api:default/fraud-scoring-api',
        ],
      });
    }
  });

  it('names the field of an invalid ML entity', async () => {
    workspace({
      'catalog-info.yaml': `apiVersion: convergence.dev/v1alpha1
kind: Dataset
metadata: { name: payments }
spec: { type: table, lifecycle: production, owner: fraud-ml, containsPii: maybe }
`,
    });
    await expect(
      run(action(), { files: ['catalog-info.yaml'], checkCatalog: true }),
    ).rejects.toThrow(
      /^Invalid Dataset payments: .*\/spec\/containsPii must be boolean/,
    );
  });

  it('refuses an unknown owner and a taken name', async () => {
    workspace({
      'catalog-info.yaml': service().replace(
        /group:default\/fraud-ml/g,
        'group:default/nobody',
      ),
    });
    await expect(
      run(action(), { files: ['catalog-info.yaml'], checkCatalog: true }),
    ).rejects.toThrow(
      'component:default/fraud-scoring: spec.owner refers to group:default/nobody, which is not in the catalog',
    );
    workspace({
      'catalog-info.yaml': `apiVersion: convergence.dev/v1alpha1
kind: Model
metadata: { name: fraud-detector }
spec: { type: classification, lifecycle: experimental, owner: fraud-ml }
`,
    });
    await expect(
      run(action(), { files: ['catalog-info.yaml'], checkCatalog: true }),
    ).rejects.toThrow(
      'model:default/fraud-detector already exists in the catalog; choose another name',
    );
  });

  it('says when a file was not generated or does not parse', async () => {
    workspace({ 'catalog-info.yaml': 'kind: [' });
    await expect(
      run(action(), { files: ['catalog-info.yaml'], checkCatalog: false }),
    ).rejects.toThrow(/^catalog-info.yaml, document 1: /);
    await expect(
      run(action(), { files: ['missing.yaml'], checkCatalog: false }),
    ).rejects.toThrow(
      'missing.yaml was not generated (no such file in the workspace)',
    );
  });
});

describe('mlflow:model:register', () => {
  const config = new ConfigReader({
    scaffolder: { mlflow: { baseUrl: 'http://mlflow.test', token: 'tok' } },
  });
  const action = () =>
    createMlflowRegisterAction({ config, client: { sleep: async () => {} } });

  it('registers the model with its tags', async () => {
    let body: any;
    server.use(
      http.post(
        'http://mlflow.test/api/2.0/mlflow/registered-models/create',
        async ({ request }) => {
          expect(request.headers.get('authorization')).toBe('Bearer tok');
          body = await request.json();
          return HttpResponse.json({ registered_model: { name: body.name } });
        },
      ),
    );
    expect(
      await run(action(), {
        name: 'churn-model',
        description: 'Churn',
        tags: { owner: 'fraud-ml' },
      }),
    ).toEqual({
      registered: true,
      modelUrl: 'http://mlflow.test/#/models/churn-model',
    });
    expect(body).toEqual({
      name: 'churn-model',
      description: 'Churn',
      tags: [{ key: 'owner', value: 'fraud-ml' }],
    });
  });

  it('calls nothing in a dry run', async () => {
    // Any request would fail: msw refuses unhandled requests.
    expect(
      await run(action(), { name: 'churn-model' }, { isDryRun: true }),
    ).toEqual({
      registered: false,
      modelUrl: 'http://mlflow.test/#/models/churn-model',
    });
  });

  it('refuses a name MLflow already has', async () => {
    server.use(
      http.post(
        'http://mlflow.test/api/2.0/mlflow/registered-models/create',
        () =>
          HttpResponse.json(
            {
              error_code: 'RESOURCE_ALREADY_EXISTS',
              message: 'Registered Model (name=churn-model) already exists.',
            },
            { status: 400 },
          ),
      ),
    );
    await expect(run(action(), { name: 'churn-model' })).rejects.toThrow(
      'A model named churn-model is already registered in MLflow; choose another name',
    );
  });

  it('skips when no MLflow is configured', async () => {
    const unconfigured = createMlflowRegisterAction({
      config: new ConfigReader({}),
    });
    expect(await run(unconfigured, { name: 'churn-model' })).toEqual({
      registered: false,
    });
  });

  it('refuses at start-up a URL with a user and password in it', () => {
    const start = (mlflow: Record<string, string>) => () =>
      createMlflowRegisterAction({
        config: new ConfigReader({ scaffolder: { mlflow } }),
      });
    expect(start({ baseUrl: 'https://registrar:hunter2@mlflow.test' })).toThrow(
      /^Invalid scaffolder\.mlflow\.baseUrl: the URL carries a user name or password.*scaffolder\.mlflow\.token$/,
    );
    expect(
      start({
        baseUrl: 'http://mlflow.test',
        uiUrl: 'https://registrar:hunter2@mlflow.test',
      }),
    ).toThrow(/^Invalid scaffolder\.mlflow\.uiUrl: the URL carries/);
    expect(
      start({ baseUrl: 'https://registrar:hunter2@mlflow.test' }),
    ).not.toThrow(/hunter2/);
    expect(start({ baseUrl: 'mlflow.test' })).toThrow(
      "Invalid scaffolder.mlflow.baseUrl: 'mlflow.test' is not an http(s) URL",
    );
  });
});

describe('publish:local-git', () => {
  const baseDir = () => path.join(tmp(), 'repos');
  const action = (events?: any) =>
    createPublishLocalGitAction({
      config: new ConfigReader({
        scaffolder: { localGit: { baseDir: baseDir() } },
      }),
      events,
    });

  it('publishes the workspace as a repository that git can clone', async () => {
    workspace({
      'catalog-info.yaml': service(),
      'src/app.py': 'print("hi")\n',
    });
    const published: unknown[] = [];
    const outputs = await run(
      action({ publish: async (e: unknown) => published.push(e) }),
      {
        repoName: 'fraud-scoring',
        defaultBranch: 'main',
        description: 'Fraud scoring',
      },
    );
    const gitdir = path.join(baseDir(), 'fraud-scoring.git');
    expect(outputs.remoteUrl).toBe(`file://${gitdir}`);
    expect(outputs.commitHash).toMatch(/^[0-9a-f]{40}$/);
    expect(published).toEqual([
      {
        topic: 'convergence.local-git.pushed',
        eventPayload: { repository: 'fraud-scoring' },
      },
    ]);
    // The real git client clones it.
    const clone = path.join(tmp(), 'clone');
    execFileSync('git', ['clone', '--quiet', gitdir, clone]);
    expect(fs.readFileSync(path.join(clone, 'src/app.py'), 'utf8')).toBe(
      'print("hi")\n',
    );
    expect(
      execFileSync('git', ['-C', clone, 'log', '--format=%s'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('Initial commit: Fraud scoring');
    // Nothing left over next to it.
    expect(fs.readdirSync(baseDir())).toEqual(['fraud-scoring.git']);
  });

  it('writes nothing in a dry run', async () => {
    workspace({ 'catalog-info.yaml': service() });
    const outputs = await run(
      action(),
      { repoName: 'fraud-scoring', defaultBranch: 'main' },
      { isDryRun: true },
    );
    expect(outputs.remoteUrl).toBe(
      `file://${path.join(baseDir(), 'fraud-scoring.git')}`,
    );
    expect(fs.existsSync(baseDir())).toBe(false);
  });

  it('refuses an existing repository and leaves it as it was', async () => {
    workspace({ 'catalog-info.yaml': service() });
    await run(action(), { repoName: 'fraud-scoring', defaultBranch: 'main' });
    const before = fs
      .readdirSync(path.join(baseDir(), 'fraud-scoring.git'))
      .sort();
    await expect(
      run(action(), { repoName: 'fraud-scoring', defaultBranch: 'main' }),
    ).rejects.toThrow(
      /The repository fraud-scoring already exists in .*; choose another name/,
    );
    expect(
      fs.readdirSync(path.join(baseDir(), 'fraud-scoring.git')).sort(),
    ).toEqual(before);
    expect(fs.readdirSync(baseDir())).toEqual(['fraud-scoring.git']);
  });

  it('says when no folder is configured', async () => {
    workspace({ 'catalog-info.yaml': service() });
    const unconfigured = createPublishLocalGitAction({
      config: new ConfigReader({}),
    });
    await expect(
      run(unconfigured, { repoName: 'x1', defaultBranch: 'main' }),
    ).rejects.toThrow(
      'publish:local-git needs scaffolder.localGit.baseDir in app-config.yaml',
    );
  });
});

describe('LocalGitEntityProvider', () => {
  it('reads catalog-info.yaml of every published repository, keeping a broken one', async () => {
    workspace({ 'catalog-info.yaml': service() });
    const baseDir = path.join(tmp(), 'repos');
    await run(
      createPublishLocalGitAction({
        config: new ConfigReader({ scaffolder: { localGit: { baseDir } } }),
      }),
      { repoName: 'fraud-scoring', defaultBranch: 'main' },
    );
    const mutations: any[] = [];
    const provider = new LocalGitEntityProvider(baseDir, {
      logger: mockServices.logger.mock(),
    });
    await provider.connect({
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: async () => {},
    });
    await provider.refresh();
    const names = (m: any) =>
      m.entities.map((e: any) => `${e.entity.kind}:${e.entity.metadata.name}`);
    expect(names(mutations[0])).toEqual([
      'Component:fraud-scoring',
      'API:fraud-scoring-api',
    ]);
    expect(
      mutations[0].entities[0].entity.metadata.annotations[
        'backstage.io/managed-by-location'
      ],
    ).toBe(`url:file://${baseDir}/fraud-scoring.git/catalog-info.yaml`);
    // A repository that breaks keeps the entities it had.
    fs.rmSync(path.join(baseDir, 'fraud-scoring.git', 'HEAD'));
    await provider.refresh();
    expect(names(mutations[1])).toEqual(names(mutations[0]));
  });
});
