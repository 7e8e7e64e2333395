import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  GIT_BRANCH_NAME_PATTERN,
  gitBranchNameProblem,
} from '../gitBranchName';
import { scaffolderModuleMlops } from '../module';
import { createPublishLocalGitAction } from './publishLocalGit';

/** Names git refuses as branches, with the rule each breaks. */
const hostile: Array<[string, RegExp]> = [
  ['main; rm -rf /', /contains U\+0020/],
  ['../x', /"\.\."/],
  ['-x', /starts with "-"/],
  ['-', /starts with "-"/],
  ['a..b', /"\.\."/],
  ['x.lock', /ends with "\.lock"/],
  ['feature/x.lock/y', /part "x\.lock" ends with "\.lock"/],
  ['', /empty/],
  ['HEAD', /names HEAD/],
  ['@', /names HEAD/],
  ['a@{1}', /"@\{"/],
  ['.hidden', /part "\.hidden" starts with "\."/],
  ['release/.x', /part "\.x" starts with "\."/],
  ['/main', /empty part/],
  ['main/', /empty part/],
  ['a//b', /empty part/],
  ['main.', /ends with "\."/],
  ['a~1', /"~"/],
  ['a^1', /"\^"/],
  ['a:b', /":"/],
  ['a?', /"\?"/],
  ['a*', /"\*"/],
  ['a[b', /"\["/],
  ['a\\b', /"\\"/],
  ['tab\there', /U\+0009/],
  ['new\nline', /U\+000A/],
  ['del\x7f', /U\+007F/],
  ['nul\0', /U\+0000/],
];

/**
 * Names git takes as branches. '$(reboot)' and 'main;' are among them: the
 * action hands the name to isomorphic-git, never to a shell.
 */
const good = [
  'main',
  'release/1.2',
  'feature/ünïcode',
  'café',
  'fix/issue#13',
  'a.b',
  'a./b',
  'x.lockx',
  'user@host',
  '@a',
  'a/-b',
  '$(reboot)',
  'main;',
  '🚀',
];

describe('git branch names', () => {
  /** What `git check-ref-format --branch` says, run outside any repository. */
  const gitAccepts = (name: string) =>
    spawnSync('git', ['check-ref-format', '--branch', name], {
      cwd: os.tmpdir(),
    }).status === 0;

  it.each(hostile)('refuses %j, saying why', (name, why) => {
    expect(gitBranchNameProblem(name)).toMatch(why);
    expect(GIT_BRANCH_NAME_PATTERN.test(name)).toBe(false);
  });

  // A NUL cannot be passed to git on its command line.
  it.each(hostile.map(([name]) => name).filter(n => !n.includes('\0')))(
    'finds git refusing %j too, except "@", which it reads as HEAD elsewhere',
    name => {
      expect(gitAccepts(name)).toBe(name === '@');
    },
  );

  it.each(good)('accepts %j, as git does', name => {
    expect(gitBranchNameProblem(name)).toBeUndefined();
    expect(GIT_BRANCH_NAME_PATTERN.test(name)).toBe(true);
    expect(gitAccepts(name)).toBe(true);
  });
});

describe('publish:local-git defaultBranch', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-local-git-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const publish = (defaultBranch: string) => {
    const workspacePath = path.join(tmp, 'workspace');
    fs.mkdirSync(workspacePath, { recursive: true });
    fs.writeFileSync(path.join(workspacePath, 'README.md'), '# churn\n');
    return createPublishLocalGitAction({
      config: new ConfigReader({
        scaffolder: { localGit: { baseDir: path.join(tmp, 'repos') } },
      }),
    }).handler(
      createMockActionContext({
        input: { repoName: 'churn', defaultBranch },
        workspacePath,
      }),
    );
  };

  it('commits to a branch with slashes and non-ASCII letters that git clones', async () => {
    await publish('feature/ünïcode');
    const clone = path.join(tmp, 'clone');
    execFileSync('git', [
      'clone',
      '--quiet',
      path.join(tmp, 'repos', 'churn.git'),
      clone,
    ]);
    expect(
      execFileSync('git', ['-C', clone, 'branch', '--show-current'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('feature/ünïcode');
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe(
      '# churn\n',
    );
  });

  it('commits every file below the workspace, nested ones included, and nothing of a .git folder', async () => {
    const workspacePath = path.join(tmp, 'workspace');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(workspacePath, rel)), {
        recursive: true,
      });
      fs.writeFileSync(path.join(workspacePath, rel), text);
    };
    write('src/pipeline/train.py', 'print("train")\n');
    write('docs/ünïcode dir/index.md', '# docs\n');
    write('.github/workflows/ci.yaml', 'on: push\n');
    write('.git/config', '[core]\n');
    write('vendor/.git/HEAD', 'ref: refs/heads/main\n');
    await publish('main');
    expect(
      execFileSync(
        'git',
        [
          '--git-dir',
          path.join(tmp, 'repos', 'churn.git'),
          'ls-tree',
          '-r',
          '-z',
          '--name-only',
          'main',
        ],
        { encoding: 'utf8' },
      )
        .split('\0')
        .filter(Boolean),
    ).toEqual([
      '.github/workflows/ci.yaml',
      'README.md',
      'docs/ünïcode dir/index.md',
      'src/pipeline/train.py',
    ]);
  });

  it('refuses a bad name when called without the schema, and creates nothing', async () => {
    await expect(publish('main; rm -rf /')).rejects.toThrow(
      'defaultBranch "main; rm -rf /" is not a git branch name: it contains U+0020',
    );
    await expect(publish('x\n.lock')).rejects.toThrow(
      'defaultBranch "x\\n.lock" is not a git branch name',
    );
    expect(fs.existsSync(path.join(tmp, 'repos'))).toBe(false);
  });

  describe('in the real scaffolder', () => {
    let server: any;
    let work: string;
    beforeAll(async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-local-git-dry-'));
      ({ server } = await startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderModuleMlops,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: {
              backend: { workingDirectory: work },
              scaffolder: {
                localGit: { baseDir: path.join(work, 'repos') },
              },
            },
          }),
        ],
      }));
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    /** A dry run of a template whose only step publishes on `branch`. */
    const dryRun = (branch: string) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header('user:default/mei'))
        .send({
          template: {
            apiVersion: 'scaffolder.backstage.io/v1beta3',
            kind: 'Template',
            metadata: { name: 'publish-only' },
            spec: {
              type: 'service',
              parameters: [
                {
                  properties: { branch: { type: 'string' } },
                },
              ],
              steps: [
                {
                  id: 'publish',
                  name: 'Publish',
                  action: 'publish:local-git',
                  input: {
                    repoName: 'churn',
                    defaultBranch: '${{ parameters.branch }}',
                  },
                },
              ],
              output: {
                branch: '${{ steps.publish.output.defaultBranch }}',
              },
            },
          },
          values: { branch },
          secrets: {},
          directoryContents: [
            {
              path: 'README.md',
              base64Content: Buffer.from('# churn\n').toString('base64'),
            },
          ],
        });

    /** The messages of the steps that failed. */
    const failures = (body: any) =>
      (body.log as any[])
        .filter(l => l.body?.status === 'failed')
        .map(l => l.body.message as string);

    it.each([
      'main; rm -rf /',
      '../x',
      '-x',
      'a..b',
      'x.lock',
      '',
      'HEAD',
      'a@{1}',
      'main/',
      '.x',
    ])('refuses %j before the action runs', async branch => {
      const res = await dryRun(branch);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^Invalid input passed to action publish:local-git, instance\.defaultBranch does not match pattern /,
        ),
      });
    });

    it.each(['main', 'release/1.2', 'feature/ünïcode'])(
      'publishes on %j',
      async branch => {
        const res = await dryRun(branch);
        expect(res.status).toBe(200);
        expect(failures(res.body)).toEqual([]);
        expect(res.body.output.branch).toBe(branch);
      },
    );
  });
});
