import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPublishLocalGitAction } from './actions/publishLocalGit';
import { LocalGitEntityProvider } from './LocalGitEntityProvider';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'local-git-provider-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Publishes a repository holding catalog-info.yaml with publish:local-git. */
async function publish(baseDir: string, repoName: string, catalogInfo: string) {
  const workspacePath = path.join(tmp, `workspace-${repoName}`);
  fs.mkdirSync(workspacePath, { recursive: true });
  fs.writeFileSync(path.join(workspacePath, 'catalog-info.yaml'), catalogInfo);
  await createPublishLocalGitAction({
    config: new ConfigReader({ scaffolder: { localGit: { baseDir } } }),
  }).handler(
    createMockActionContext({
      input: { repoName, defaultBranch: 'main' },
      workspacePath,
    }),
  );
}

const doc = (apiVersion: string, kind: string, name: string, spec: object) =>
  `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
spec: ${JSON.stringify(spec)}
`;

const model = doc('convergence.dev/v1alpha1', 'Model', 'churn-model', {
  type: 'classification',
  lifecycle: 'experimental',
  owner: 'group:default/fraud-ml',
});

/** Everything a published repository should not be able to add. */
const intruders = [
  doc('backstage.io/v1alpha1', 'Group', 'admins', {
    type: 'team',
    children: [],
    members: ['mallory'],
  }),
  doc('backstage.io/v1alpha1', 'User', 'mallory', {
    memberOf: ['ml-platform'],
  }),
  doc('backstage.io/v1alpha1', 'Location', 'elsewhere', {
    targets: ['https://evil.example/catalog-info.yaml'],
  }),
  doc('scaffolder.backstage.io/v1beta3', 'Template', 'takeover', {
    type: 'service',
    steps: [],
  }),
];

async function connect(baseDir: string) {
  const logger = mockServices.logger.mock();
  const mutations: any[] = [];
  const provider = new LocalGitEntityProvider(baseDir, { logger });
  await provider.connect({
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => {},
  });
  return { provider, logger, mutations };
}

const names = (mutation: any) =>
  mutation.entities.map(
    (e: any) => `${e.entity.kind}:${e.entity.metadata.name}`,
  );

describe('LocalGitEntityProvider', () => {
  it('reads only the kinds the templates produce, and names what it leaves out', async () => {
    const baseDir = path.join(tmp, 'repos');
    await publish(
      baseDir,
      'churn',
      [intruders[0], intruders[1], model, intruders[2], intruders[3]].join(
        '---\n',
      ),
    );
    const { provider, logger, mutations } = await connect(baseDir);
    await provider.refresh();
    expect(names(mutations[0])).toEqual(['Model:churn-model']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const message = logger.warn.mock.calls[0][0] as string;
    expect(message).toContain('churn.git');
    for (const rejected of [
      'Group admins',
      'User mallory',
      'Location elsewhere',
      'Template takeover',
    ]) {
      expect(message).toContain(rejected);
    }
    // The next read says nothing new.
    await provider.refresh();
    expect(names(mutations[1])).toEqual(['Model:churn-model']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('reads every kind a template produces, in any case', async () => {
    const baseDir = path.join(tmp, 'repos');
    const owner = 'group:default/fraud-ml';
    await publish(
      baseDir,
      'estate',
      [
        doc('backstage.io/v1alpha1', 'Component', 'svc', {
          type: 'service',
          lifecycle: 'experimental',
          owner,
        }),
        doc('backstage.io/v1alpha1', 'API', 'svc-api', {
          type: 'openapi',
          lifecycle: 'experimental',
          owner,
          definition: 'openapi: 3.0.0',
        }),
        doc('backstage.io/v1alpha1', 'Resource', 'bucket', {
          type: 's3',
          owner,
        }),
        doc('backstage.io/v1alpha1', 'system', 'fraud', { owner }),
        model,
        doc('convergence.dev/v1alpha1', 'Dataset', 'tx', { owner }),
        doc('convergence.dev/v1alpha1', 'Pipeline', 'train', { owner }),
      ].join('---\n'),
    );
    const { provider, logger, mutations } = await connect(baseDir);
    await provider.refresh();
    expect(names(mutations[0])).toEqual([
      'Component:svc',
      'API:svc-api',
      'Resource:bucket',
      'system:fraud',
      'Model:churn-model',
      'Dataset:tx',
      'Pipeline:train',
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});

describe('local-git switched off by a later config file', () => {
  // As app-config.production.yaml does over app-config.yaml; that the
  // portal's production config does so is tested with the portal backend
  // (packages/backend/src/modules/localGitCatalog.test.ts).
  const production = () =>
    ConfigReader.fromConfigs([
      {
        data: { scaffolder: { localGit: { baseDir: path.join(tmp, 'git') } } },
        context: 'app-config.yaml',
      },
      {
        data: { scaffolder: { localGit: null } },
        context: 'app-config.production.yaml',
      },
    ]);

  it('publishes nothing in production', async () => {
    const workspacePath = path.join(tmp, 'workspace');
    fs.mkdirSync(workspacePath);
    fs.writeFileSync(path.join(workspacePath, 'catalog-info.yaml'), model);
    await expect(
      createPublishLocalGitAction({ config: production() }).handler(
        createMockActionContext({
          input: { repoName: 'churn', defaultBranch: 'main' },
          workspacePath,
        }),
      ),
    ).rejects.toThrow(
      'publish:local-git needs scaffolder.localGit.baseDir in app-config.yaml',
    );
  });
});
