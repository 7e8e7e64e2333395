/*
 * Every golden-path template, rendered by the real scaffolder (the dry-run
 * API of @backstage/plugin-scaffolder-backend, which runs fetch:template and
 * our actions in dry-run mode) into a temporary folder; then the generated
 * project's own checks run: pytest in a fresh virtualenv (uv), the real kfp
 * compiler, the CI files parsed, every catalog entity validated.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderModuleMlops } from './module';
import { parseEntities, validateEntities } from './validateEntities';

jest.setTimeout(900_000);

const REPO_ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES = path.join(REPO_ROOT, 'templates');

/** The example estate: owners, systems, models and datasets the forms pick from. */
function examples(): Entity[] {
  const dir = path.join(REPO_ROOT, 'examples');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml') && f !== 'all.yaml')
    .flatMap(f => parseEntities(fs.readFileSync(path.join(dir, f), 'utf8'), f))
    .filter(e => e.kind !== 'Location')
    .map(e => ({
      ...e,
      metadata: { namespace: 'default', ...e.metadata },
    }));
}

function uvBin() {
  const python =
    process.env.CONVERGENCE_PYTHON ?? path.join(REPO_ROOT, '.venv/bin/python');
  const uv = path.join(path.dirname(python), 'uv');
  if (!fs.existsSync(uv)) {
    throw new Error(
      `No uv at ${uv}: run scripts/test.sh once (it creates .venv from scripts/python-requirements.txt)`,
    );
  }
  return uv;
}

/** Every file of a template folder, as the dry-run API takes them. */
function directoryContents(
  dir: string,
  prefix = '',
): Array<{ path: string; base64Content: string }> {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap(d => {
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      return d.isDirectory()
        ? directoryContents(dir, rel)
        : [
            {
              path: rel,
              base64Content: fs
                .readFileSync(path.join(dir, rel))
                .toString('base64'),
            },
          ];
    });
}

let server: any;
let work: string;
beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));
  ({ server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleMlops,
      catalogServiceMock.factory({ entities: examples() }),
      mockServices.rootConfig.factory({
        data: {
          backend: { workingDirectory: work },
          scaffolder: { localGit: { baseDir: path.join(work, 'repos') } },
        },
      }),
    ],
  }));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function dryRun(name: string, values: Record<string, unknown>) {
  const dir = path.join(TEMPLATES, name);
  const template = parse(
    fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
  );
  return request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header('user:default/guest'))
    .send({
      template,
      values,
      secrets: {},
      directoryContents: directoryContents(dir),
    });
}

/** Renders a template and writes the generated project to a folder. */
async function render(name: string, values: Record<string, unknown>) {
  const res = await dryRun(name, values);
  if (res.status !== 200) {
    throw new Error(
      `dry run of ${name} answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  const failed = (res.body.log as any[]).filter(
    l => l.body?.status === 'failed',
  );
  expect(failed).toEqual([]);
  const out = fs.mkdtempSync(path.join(work, `${name}-`));
  for (const file of res.body.directoryContents as any[]) {
    const target = path.join(out, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'));
  }
  return { dir: out, log: res.body.log as any[], output: res.body.output };
}

/** pytest in a fresh virtualenv with the project's own requirements. */
function pytest(dir: string) {
  const uv = uvBin();
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, VIRTUAL_ENV: '' },
    });
  run(uv, ['venv', '--quiet', '--python', '3.11', '.venv']);
  run(uv, [
    'pip',
    'install',
    '--quiet',
    '--python',
    '.venv/bin/python',
    '-r',
    'requirements-dev.txt',
  ]);
  try {
    return run(path.join(dir, '.venv/bin/python'), [
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
    ]);
  } catch (error: any) {
    throw new Error(
      `pytest failed in ${dir}:\n${error.stdout}\n${error.stderr}`,
    );
  }
}

/** Compiles the generated Kubeflow pipeline; returns the IR's pipeline name. */
function compiledPipelineName(dir: string): string {
  execFileSync(
    path.join(dir, '.venv/bin/python'),
    ['pipeline.py', 'out.yaml'],
    {
      cwd: dir,
    },
  );
  const ir = parse(fs.readFileSync(path.join(dir, 'out.yaml'), 'utf8'));
  return ir.pipelineInfo.name;
}

async function entitiesOf(dir: string) {
  const entities = parseEntities(
    fs.readFileSync(path.join(dir, 'catalog-info.yaml'), 'utf8'),
    'catalog-info.yaml',
  );
  await validateEntities(entities);
  return entities;
}

function checkCi(dir: string, ci: string) {
  if (ci === 'github-actions') {
    const workflow = parse(
      fs.readFileSync(path.join(dir, '.github/workflows/ci.yaml'), 'utf8'),
    );
    expect(Object.keys(workflow.jobs)).toContain('test');
    expect(JSON.stringify(workflow)).toContain('pytest -q');
    expect(fs.existsSync(path.join(dir, 'Jenkinsfile'))).toBe(false);
  } else {
    checkGroovy(path.join(dir, 'Jenkinsfile'));
    const jenkinsfile = fs.readFileSync(path.join(dir, 'Jenkinsfile'), 'utf8');
    expect(jenkinsfile).toMatch(/^pipeline \{/);
    expect(jenkinsfile).toContain("sh 'pytest -q");
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
  }
}

/** The Groovy jar scripts/lib/groovy.sh installs. */
function groovyJar() {
  const jar =
    process.env.CONVERGENCE_GROOVY_JAR ??
    path.join(REPO_ROOT, '.tools/groovy/groovy-4.0.33.jar');
  if (!fs.existsSync(jar)) {
    throw new Error(
      `No Groovy at ${jar}: run scripts/test.sh once (scripts/lib/groovy.sh fetches it), or set CONVERGENCE_GROOVY_JAR`,
    );
  }
  return jar;
}

/** Parses a Jenkinsfile with the real Groovy parser (Jenkins pipelines are Groovy). */
function checkGroovy(file: string) {
  try {
    execFileSync(
      'java',
      [
        '-cp',
        groovyJar(),
        'groovy.ui.GroovyMain',
        '-e',
        'new GroovyShell().parse(new File(args[0]))',
        file,
      ],
      { stdio: 'pipe', encoding: 'utf8' },
    );
  } catch (error: any) {
    throw new Error(`${file} is not valid Groovy:\n${error.stderr}`);
  }
}

describe('ML model serving service', () => {
  it.each(['github-actions', 'jenkins'])(
    'generates a working service with %s',
    async ci => {
      const { dir, output } = await render('ml-serving-service', {
        name: `fraud-scoring-${ci === 'jenkins' ? 'j' : 'g'}`,
        description: 'Scores card payments: "fraud" or not',
        owner: 'group:default/fraud-ml',
        system: 'system:default/fraud-detection',
        model: 'model:default/fraud-detector',
        modelAlias: 'champion',
        ci,
        organization: 'acme',
        ...(ci === 'jenkins' && { pagerdutyServiceId: 'PFRAUD1' }),
      });
      const [component, api] = await entitiesOf(dir);
      expect(component.spec).toMatchObject({
        owner: 'group:default/fraud-ml',
        dependsOn: ['model:default/fraud-detector'],
        providesApis: [`${component.metadata.name}-api`],
      });
      expect(component.metadata.description).toBe(
        'Scores card payments: "fraud" or not',
      );
      expect(Object.keys(component.metadata.annotations!)).toContain(
        ci === 'jenkins'
          ? 'jenkins.io/job-full-name'
          : 'github.com/project-slug',
      );
      expect(api.kind).toBe('API');
      checkCi(dir, ci);
      expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(
        'ENV MODEL_URI=models:/fraud-detector@champion',
      );
      expect(pytest(dir)).toMatch(/5 passed/);
      expect(output.links[0].entityRef).toBe(
        `component:default/${component.metadata.name}`,
      );
    },
  );
});

describe('Training pipeline', () => {
  it.each([
    ['kubeflow', 'classification', 'github-actions'],
    ['kubeflow', 'regression', 'jenkins'],
    ['mlflow', 'classification', 'jenkins'],
    ['mlflow', 'regression', 'github-actions'],
  ])(
    'generates a %s %s pipeline with %s',
    async (orchestrator, modelType, ci) => {
      const name = `churn-${orchestrator}-${modelType.slice(0, 3)}`;
      const { dir } = await render('training-pipeline', {
        name,
        owner: 'group:default/recsys-ml',
        orchestrator,
        schedule: '0 3 * * 1',
        trainingDatasets: [
          'dataset:default/card-transactions-labeled',
          'dataset:default/chargebacks',
        ],
        evaluationDataset: 'dataset:default/fraud-holdout-2026q3',
        modelName: `${name}-model`,
        modelType,
        ci,
      });
      const [pipeline, model] = await entitiesOf(dir);
      expect(pipeline.spec).toMatchObject({
        orchestrator,
        schedule: '0 3 * * 1',
        consumes: [
          'dataset:default/card-transactions-labeled',
          'dataset:default/chargebacks',
          'dataset:default/fraud-holdout-2026q3',
        ],
        produces: [`model:default/${name}-model`],
      });
      expect(model.spec).toMatchObject({
        type: modelType,
        producedBy: `pipeline:default/${name}`,
        evaluatedOn: ['dataset:default/fraud-holdout-2026q3'],
      });
      checkCi(dir, ci);
      expect(pytest(dir)).toMatch(
        orchestrator === 'kubeflow' ? /4 passed/ : /5 passed/,
      );
      // Kubeflow: the real kfp compiler, as CI runs it; MLflow: the MLproject.
      const builtName =
        orchestrator === 'kubeflow'
          ? compiledPipelineName(dir)
          : parse(fs.readFileSync(path.join(dir, 'MLproject'), 'utf8')).name;
      expect(builtName).toBe(name);
    },
  );
});

describe('Dataset registration', () => {
  it('generates a valid Dataset with schema, classification, PII and retention', async () => {
    const { dir } = await render('dataset-registration', {
      name: 'payments-events',
      description: 'Payment events from the gateway',
      owner: 'group:default/data-engineering',
      type: 'stream',
      sourceType: 'kafka',
      sourceUri: 'kafka://events/payments',
      format: 'avro',
      classification: 'restricted',
      containsPii: true,
      retention: 'P90D',
      fields: [
        { name: 'event_id', type: 'string' },
        {
          name: 'email',
          type: 'string',
          pii: true,
          description: 'Payer e-mail',
        },
      ],
    });
    const [dataset] = await entitiesOf(dir);
    expect(dataset.spec).toEqual({
      type: 'stream',
      lifecycle: 'production',
      owner: 'group:default/data-engineering',
      source: { type: 'kafka', uri: 'kafka://events/payments' },
      format: 'avro',
      classification: 'restricted',
      containsPii: true,
      retention: 'P90D',
      schema: {
        fields: [
          { name: 'event_id', type: 'string' },
          {
            name: 'email',
            type: 'string',
            description: 'Payer e-mail',
            pii: true,
          },
        ],
      },
    });
  });
});

describe('bad input', () => {
  const dataset = {
    name: 'payments-events',
    owner: 'group:default/data-engineering',
    type: 'table',
    sourceType: 's3',
    sourceUri: 's3://lake/payments/',
    format: 'parquet',
    classification: 'internal',
    containsPii: false,
    retention: 'P1Y',
  };

  it('refuses invalid names and missing answers in the form', async () => {
    const res = await dryRun('dataset-registration', {
      ...dataset,
      name: 'Payments Events',
      sourceUri: undefined,
    });
    expect(res.status).toBe(400);
    const messages = res.body.errors.map(
      (e: any) => `${e.property} ${e.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^instance.name does not match pattern/),
        'instance requires property "sourceUri"',
      ]),
    );
  });

  it('refuses personal data that is not confidential or restricted', async () => {
    const res = await dryRun('dataset-registration', {
      ...dataset,
      containsPii: true,
    });
    expect(res.status).toBe(400);
  });

  it('fails on an unknown owner or a taken name, before publishing', async () => {
    for (const [values, message] of [
      [
        { ...dataset, owner: 'group:default/nobody' },
        'spec.owner refers to group:default/nobody, which is not in the catalog',
      ],
      [
        { ...dataset, name: 'card-transactions' },
        'dataset:default/card-transactions already exists in the catalog',
      ],
    ] as const) {
      const res = await dryRun('dataset-registration', values);
      const log = JSON.stringify(res.body);
      expect(log).toContain(message);
      expect(log).not.toContain('Dry run: would publish');
    }
  });
});
