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
import {
  withDocument,
  withKey,
  withListItem,
  withNestedKey,
} from './__testUtils__/hostile';

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

async function dryRun(
  name: string,
  values: Record<string, unknown>,
  edit: (template: any) => void = () => {},
) {
  const dir = path.join(TEMPLATES, name);
  const template = parse(
    fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
  );
  edit(template);
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
async function render(
  name: string,
  values: Record<string, unknown>,
  edit?: (template: any) => void,
) {
  const res = await dryRun(name, values, edit);
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
      expect(fs.readFileSync(path.join(dir, 'app/main.py'), 'utf8')).toContain(
        'DEFAULT_MODEL_URI = "models:/fraud-detector@champion"',
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

/*
 * Hostile input. Three layers keep a crafted value from adding a key, a
 * document or a statement to what the templates generate: the forms'
 * patterns (enforced by the scaffolder for every run, not only in the
 * browser), quoting of every value for the language of the file it lands in,
 * and the actions' own checks. Each layer is tested on its own: the quoting
 * with the patterns removed from the templates.
 */

/** Ends a quoted string, a line or a document in YAML, Groovy, Python or shell. */
const NASTY = [
  `It's "quoted" \\ a back\\slash, \${env.SECRET} $(id) \`id\` $HOME`,
  `""" ''' # not a comment`,
  '---',
  'apiVersion: backstage.io/v1alpha1',
  'kind: Group',
  '  evil: true\tü ß 模型 😀 \\',
].join('\n');
/** The same on one line, for the fields that take no line breaks. */
const NASTY_LINE = NASTY.replace(/[\n\t]/g, ' ');

const serviceValues = {
  name: 'fraud-scoring-h',
  description: 'Scores card payments',
  owner: 'group:default/fraud-ml',
  system: 'system:default/fraud-detection',
  model: 'model:default/fraud-detector',
  modelAlias: 'champion',
  ci: 'jenkins',
  organization: 'acme',
  pagerdutyServiceId: 'PFRAUD1',
};
const pipelineValues = {
  name: 'churn-hostile',
  description: 'Trains the churn model',
  owner: 'group:default/recsys-ml',
  system: 'system:default/fraud-detection',
  orchestrator: 'kubeflow',
  schedule: '0 3 * * 1',
  trainingDatasets: [
    'dataset:default/card-transactions-labeled',
    'dataset:default/chargebacks',
  ],
  evaluationDataset: 'dataset:default/fraud-holdout-2026q3',
  modelName: 'churn-hostile-model',
  modelType: 'classification',
  ci: 'jenkins',
};
const datasetValues = {
  name: 'payments-hostile',
  description: 'Payment events',
  owner: 'group:default/data-engineering',
  system: 'system:default/fraud-detection',
  type: 'table',
  sourceType: 's3',
  sourceUri: 's3://lake/payments/',
  format: 'parquet',
  classification: 'restricted',
  containsPii: true,
  retention: 'P1Y',
  fields: [{ name: 'email', type: 'string', description: 'Payer', pii: true }],
};

/** The repository's Python (with kfp, mlflow and PyYAML). */
function repoPython() {
  return (
    process.env.CONVERGENCE_PYTHON ?? path.join(REPO_ROOT, '.venv/bin/python')
  );
}

/** Every file of a generated project with the given extension. */
function filesOf(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith(ext) && !f.startsWith('.venv'))
    .sort();
}

/**
 * Each Python file's syntax tree with its string constants blanked, and the
 * string constants: two renders that differ only in values have the same
 * trees, and a value is in the file only as a whole string.
 */
function pythonFiles(dir: string) {
  const script = `
import ast, json, sys
out = {}
for f in sys.argv[1:]:
    strings = []
    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str):
                strings.append(node.value)
                return ast.Constant(value="")
            return node
    tree = Blank().visit(ast.parse(open(f, encoding="utf-8").read(), f))
    out[f] = {"tree": ast.dump(tree), "strings": strings}
print(json.dumps(out))
`;
  const files = filesOf(dir, '.py');
  try {
    return JSON.parse(
      execFileSync(repoPython(), ['-c', script, ...files], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ) as Record<string, { tree: string; strings: string[] }>;
  } catch (error: any) {
    throw new Error(`Python does not parse in ${dir}:\n${error.stderr}`);
  }
}

/** Every key path of a parsed YAML value: what a crafted value must not change. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => keyPaths(v, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      `${at}.${k}`,
      ...keyPaths(v, `${at}.${k}`),
    ]);
  }
  return [];
}

/** The documents of a generated YAML file, as kinds and key paths. */
function yamlShape(file: string) {
  return parseEntities(fs.readFileSync(file, 'utf8'), file).map(doc => ({
    kind: doc.kind,
    keys: keyPaths(doc),
  }));
}

/**
 * Runs a Jenkinsfile against a recorder of the pipeline DSL: every call
 * (pipeline, stage, sh, cron, …) with its string arguments and every
 * assignment (environment variables), in order.
 */
const JENKINS_RECORDER = `
import org.codehaus.groovy.control.CompilerConfiguration

class Symbol {
  String name
  def propertyMissing(String p) { new Symbol(name: name + '.' + p) }
  String toString() { '<' + name + '>' }
}
abstract class RecordingScript extends Script {
  static List<String> calls = []
  static String enc(Object v) { String.valueOf(v).getBytes('UTF-8').encodeBase64().toString() }
  def methodMissing(String name, Object args) {
    Object[] a = args as Object[]
    calls << ([name] + a.findAll { !(it instanceof Closure) }.collect { enc(it) }).join(' ')
    a.findAll { it instanceof Closure }.each { Closure c -> c.call() }
    null
  }
  def propertyMissing(String name) { new Symbol(name: name) }
  void setProperty(String name, Object value) { calls << ['=', enc(name), enc(value)].join(' ') }
}
def config = new CompilerConfiguration()
config.scriptBaseClass = RecordingScript.name
new GroovyShell(this.class.classLoader, new Binding(), config).parse(new File(args[0])).run()
RecordingScript.calls.each { println it }
`;

function jenkinsCalls(file: string): string[][] {
  checkGroovy(file);
  const recorder = path.join(work, 'JenkinsRecorder.groovy');
  fs.writeFileSync(recorder, JENKINS_RECORDER);
  const out = execFileSync(
    'java',
    ['-cp', groovyJar(), 'groovy.ui.GroovyMain', recorder, file],
    { encoding: 'utf8', stdio: 'pipe' },
  );
  return out
    .trim()
    .split('\n')
    .map(line => {
      const [name, ...args] = line.split(' ');
      return [
        name,
        ...args.map(a => Buffer.from(a, 'base64').toString('utf8')),
      ];
    });
}

/** Calls without their arguments: the statements of a Jenkinsfile. */
const statements = (calls: string[][]) =>
  calls.map(([name, ...args]) => `${name}/${args.length}`);

describe('hostile input: the forms refuse crafted references and schedules', () => {
  /** Values each form refuses, by template: [field, value]. */
  const crafted: Record<string, Array<[string, string]>> = {
    'ml-serving-service': [
      ['owner', withKey('group:default/x')],
      ['owner', withDocument('x')],
      ['owner', 'dataset:default/card-transactions'],
      ['system', 'system:default/fraud-detection\n  x: 1'],
      ['model', "model:default/fraud-detector'\n- evil"],
      ['model', 'fraud-detector'],
      ['description', 'Line\u2028break'],
    ],
    'training-pipeline': [
      ['owner', withNestedKey('user:default/x')],
      ['schedule', withNestedKey('0 3 * * 1')],
      ['schedule', "0 3 * * 1');evil('"],
      ['schedule', '0 3 * *\n1'],
      ['evaluationDataset', 'model:default/fraud-detector'],
      // A Python keyword would name the kfp pipeline's model artifact.
      ['modelName', 'class'],
      ['modelName', 'lambda'],
      ['trainingDatasets[1]', withListItem('dataset:default/x"')],
      ['description', 'A\u007fdelete'],
    ],
    'dataset-registration': [
      ['description', 'Next\u0085line'],
      ['sourceUri', 's3://lake/x\u007fy'],
      ['owner', 'group:default/x y'],
      ['system', withNestedKey('fraud-detection')],
    ],
  };
  it.each(
    Object.entries(crafted).flatMap(([template, cases]) =>
      cases.map(([field, value]) => [template, field, value]),
    ),
  )('%s refuses %s %j', async (template, field, value) => {
    const values: Record<string, unknown> = {
      'ml-serving-service': serviceValues,
      'training-pipeline': pipelineValues,
      'dataset-registration': datasetValues,
    }[template]!;
    const [key, index] = field.split(/[[\]]/);
    const res = await dryRun(template, {
      ...values,
      [key]:
        index === undefined
          ? value
          : Object.assign([...(values[key] as string[])], { [index]: value }),
    });
    expect(res.status).toBe(400);
    expect(
      res.body.errors.map((e: any) => `${e.property} ${e.message}`),
    ).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^instance\\.${field.replace(
            /[[\]]/g,
            '\\$&',
          )} does not match pattern`,
        ),
      ),
    );
  });
});

describe('hostile input: free text reaches the files verbatim and adds nothing', () => {
  it('ML serving service: the description in YAML, Python and the Jenkinsfile', async () => {
    const benign = await render('ml-serving-service', serviceValues);
    const hostile = await render('ml-serving-service', {
      ...serviceValues,
      name: 'fraud-scoring-x',
      description: NASTY,
    });
    const file = (d: string, f: string) => path.join(d, f);
    expect(yamlShape(file(hostile.dir, 'catalog-info.yaml'))).toEqual(
      yamlShape(file(benign.dir, 'catalog-info.yaml')),
    );
    const [component] = await entitiesOf(hostile.dir);
    expect(component.metadata.description).toBe(NASTY);
    expect(statements(jenkinsCalls(file(hostile.dir, 'Jenkinsfile')))).toEqual(
      statements(jenkinsCalls(file(benign.dir, 'Jenkinsfile'))),
    );
    const trees = (d: string) =>
      Object.entries(pythonFiles(d)).map(([f, p]) => [f, p.tree]);
    expect(trees(hostile.dir)).toEqual(trees(benign.dir));
  });

  it('Training pipeline: the description in YAML, the kfp pipeline and the Jenkinsfile', async () => {
    const benign = await render('training-pipeline', pipelineValues);
    const hostile = await render('training-pipeline', {
      ...pipelineValues,
      name: 'churn-hostile-x',
      modelName: 'churn-hostile-x-model',
      description: NASTY,
    });
    expect(yamlShape(path.join(hostile.dir, 'catalog-info.yaml'))).toEqual(
      yamlShape(path.join(benign.dir, 'catalog-info.yaml')),
    );
    const [pipeline] = await entitiesOf(hostile.dir);
    expect(pipeline.metadata.description).toBe(NASTY);
    expect(
      statements(jenkinsCalls(path.join(hostile.dir, 'Jenkinsfile'))),
    ).toEqual(statements(jenkinsCalls(path.join(benign.dir, 'Jenkinsfile'))));
    const py = pythonFiles(hostile.dir);
    expect(py['pipeline.py'].strings).toContain(NASTY);
    // The real kfp compiler carries it into the pipeline's IR unchanged.
    execFileSync(repoPython(), ['pipeline.py', 'ir.yaml'], {
      cwd: hostile.dir,
    });
    const ir = parse(
      fs.readFileSync(path.join(hostile.dir, 'ir.yaml'), 'utf8'),
    );
    expect(ir.pipelineInfo.description).toBe(NASTY);
  });

  it('Dataset registration: description, field types and the source URI', async () => {
    const uri = `s3://lake/it's/"x"/\${y}/#z\\`;
    const { dir } = await render('dataset-registration', {
      ...datasetValues,
      description: NASTY,
      sourceUri: uri,
      fields: [
        { name: 'email', type: NASTY_LINE, description: NASTY, pii: true },
        { name: 'amount', type: 'decimal(12, 2)' },
      ],
    });
    const [dataset, ...others] = await entitiesOf(dir);
    expect(others).toEqual([]);
    expect(dataset).toEqual({
      apiVersion: 'convergence.dev/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'payments-hostile', description: NASTY },
      spec: {
        type: 'table',
        lifecycle: 'production',
        owner: 'group:default/data-engineering',
        system: 'system:default/fraud-detection',
        source: { type: 's3', uri },
        format: 'parquet',
        classification: 'restricted',
        containsPii: true,
        retention: 'P1Y',
        schema: {
          fields: [
            { name: 'email', type: NASTY_LINE, description: NASTY, pii: true },
            { name: 'amount', type: 'decimal(12, 2)' },
          ],
        },
      },
    });
  });
});

describe('hostile input: without the patterns, quoting keeps every value in its place', () => {
  /** The template with every pattern removed and only its fetch:template steps. */
  const unchecked = (template: any) => {
    const strip = (schema: any) => {
      if (!schema || typeof schema !== 'object') return;
      delete schema.pattern;
      Object.values(schema).forEach(strip);
    };
    strip(template.spec.parameters);
    template.spec.steps = template.spec.steps.filter(
      (s: any) => s.action === 'fetch:template',
    );
    delete template.spec.output;
  };
  const ref = (kind: string) =>
    `${kind}:default/x'"\n---\napiVersion: backstage.io/v1alpha1\nkind: User\n#`;
  const crafted = `x'); sh('id') //\n\${env.X}"""\\`;
  /** With characters the forms refuse: YAML 1.2 and Python keep them as text. */
  const text = `${NASTY}\u2028\u0085\u007f`;

  /**
   * A template rendered unchecked with ordinary values and with crafted
   * ones: the catalog files hold the same documents and keys. Returns both
   * folders and the crafted render's entities.
   */
  async function renderBoth(
    template: string,
    values: Record<string, unknown>,
    craftedValues: Record<string, unknown>,
  ) {
    const benign = await render(template, values, unchecked);
    const hostile = await render(template, craftedValues, unchecked);
    const catalog = (d: string) => path.join(d, 'catalog-info.yaml');
    expect(yamlShape(catalog(hostile.dir))).toEqual(
      yamlShape(catalog(benign.dir)),
    );
    const entities = parseEntities(
      fs.readFileSync(catalog(hostile.dir), 'utf8'),
      'catalog-info.yaml',
    );
    return { benign, hostile, entities };
  }

  /**
   * The serving template rendered with crafted values and with ordinary
   * ones: the same documents, keys and Python, each value in its place.
   */
  async function servingRenders(ci: string) {
    const values = {
      ...serviceValues,
      ci,
      name: crafted,
      description: text,
      owner: ref('group'),
      system: ref('system'),
      model: ref('model'),
      modelAlias: crafted,
      organization: crafted,
      pagerdutyServiceId: crafted,
    };
    const { benign, hostile, entities } = await renderBoth(
      'ml-serving-service',
      { ...serviceValues, ci },
      values,
    );
    const [component, api] = entities;
    expect(component.metadata.name).toBe(crafted);
    expect(component.spec).toMatchObject({
      owner: values.owner,
      system: values.system,
      dependsOn: [values.model],
      providesApis: [`${crafted}-api`],
    });
    expect(api.metadata.name).toBe(`${crafted}-api`);
    const definition = parse(api.spec!.definition as string);
    expect(definition.info.title).toBe(crafted);
    const trees = (d: string) =>
      Object.entries(pythonFiles(d)).map(([f, p]) => [f, p.tree]);
    expect(trees(hostile.dir)).toEqual(trees(benign.dir));
    const modelName = values.model.slice('model:default/'.length);
    expect(pythonFiles(hostile.dir)['app/main.py'].strings).toEqual(
      expect.arrayContaining([crafted, `models:/${modelName}@${crafted}`]),
    );
    return { benign, hostile, entities };
  }

  it('ML serving service with Jenkins', async () => {
    const { benign, hostile, entities } = await servingRenders('jenkins');
    const calls = jenkinsCalls(path.join(hostile.dir, 'Jenkinsfile'));
    expect(statements(calls)).toEqual(
      statements(jenkinsCalls(path.join(benign.dir, 'Jenkinsfile'))),
    );
    expect(calls).toContainEqual(['=', 'IMAGE', crafted]);
    // The validate action refuses the files (the first problem it names
    // is the name; src/actions/inputs.test.ts checks each field).
    await expect(validateEntities(entities)).rejects.toThrow(
      /^Invalid Component /,
    );
  });

  it('ML serving service with GitHub Actions', async () => {
    const { benign, hostile } = await servingRenders('github-actions');
    const read = (d: string) =>
      parse(fs.readFileSync(path.join(d, '.github/workflows/ci.yaml'), 'utf8'));
    expect(keyPaths(read(hostile.dir))).toEqual(keyPaths(read(benign.dir)));
    expect(JSON.stringify(read(hostile.dir))).toContain(
      JSON.stringify({ IMAGE: crafted }),
    );
  });

  /**
   * The training template, with Jenkins, rendered with crafted values and
   * with ordinary ones: the same documents, keys, Jenkinsfile statements and
   * Python, each value in its place.
   */
  async function trainingRenders(orchestrator: string) {
    const values = {
      ...pipelineValues,
      orchestrator,
      name: crafted,
      description: text,
      owner: ref('group'),
      system: ref('system'),
      schedule: "0 3 * * 1');\n  evil: true\nsh('id",
      trainingDatasets: [ref('dataset'), `dataset:default/import os`],
      evaluationDataset: `dataset:default/${crafted}`,
      modelName: crafted,
    };
    const { benign, hostile, entities } = await renderBoth(
      'training-pipeline',
      { ...pipelineValues, orchestrator },
      values,
    );
    const [pipeline, model] = entities;
    expect(pipeline.spec).toMatchObject({
      owner: values.owner,
      system: values.system,
      schedule: values.schedule,
      consumes: [...values.trainingDatasets, values.evaluationDataset],
      produces: [`model:default/${crafted}`],
    });
    expect(model.metadata.name).toBe(crafted);
    expect(model.spec).toMatchObject({
      producedBy: `pipeline:default/${crafted}`,
      trainedOn: values.trainingDatasets,
    });
    const calls = jenkinsCalls(path.join(hostile.dir, 'Jenkinsfile'));
    expect(statements(calls)).toEqual(
      statements(jenkinsCalls(path.join(benign.dir, 'Jenkinsfile'))),
    );
    expect(calls).toContainEqual(['cron', values.schedule]);
    // The model's output artifact is the one name made from a value: its
    // letters and digits, the rest as _.
    const artifact = (name: string) =>
      `'${name.replace(/[^A-Za-z0-9]/g, '_')}'`;
    const trees = (d: string, modelName: string) =>
      Object.entries(pythonFiles(d)).map(([f, p]) => [
        f,
        p.tree.replaceAll(artifact(modelName), "'<artifact>'"),
      ]);
    expect(trees(hostile.dir, crafted)).toEqual(
      trees(benign.dir, pipelineValues.modelName),
    );
    const strings = Object.values(pythonFiles(hostile.dir)).flatMap(
      p => p.strings,
    );
    expect(strings).toEqual(expect.arrayContaining([crafted]));
    // The validate action refuses the files (the first problem it names
    // is the name; src/actions/inputs.test.ts checks each field).
    await expect(validateEntities(entities)).rejects.toThrow(
      /^Invalid Pipeline /,
    );
    return { hostile, values, strings };
  }

  it('Training pipeline with Kubeflow and Jenkins', async () => {
    const { values, strings } = await trainingRenders('kubeflow');
    expect(strings).toEqual(
      expect.arrayContaining([...values.trainingDatasets, text]),
    );
  });

  it('Training pipeline with MLflow and Jenkins', async () => {
    const { hostile } = await trainingRenders('mlflow');
    const project = parse(
      fs.readFileSync(path.join(hostile.dir, 'MLproject'), 'utf8'),
    );
    expect(project.name).toBe(crafted);
  });

  it('Dataset registration', async () => {
    const values = {
      ...datasetValues,
      name: crafted,
      description: text,
      owner: ref('group'),
      system: ref('system'),
      retention: crafted,
      sourceUri: crafted,
      fields: [{ name: crafted, type: text, description: text, pii: true }],
    };
    const { entities } = await renderBoth(
      'dataset-registration',
      datasetValues,
      values,
    );
    expect(entities[0].metadata.name).toBe(crafted);
    expect(entities[0].spec).toMatchObject({
      owner: values.owner,
      system: values.system,
      retention: crafted,
      source: { uri: crafted },
      schema: { fields: values.fields },
    });
    await expect(validateEntities(entities)).rejects.toThrow(
      /^Invalid Dataset /,
    );
  });
});
