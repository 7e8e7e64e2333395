/*
 * Hostile input to the Convergence actions: values that would add a key, a
 * document or another entity to the generated catalog files, references of
 * the wrong kind or format, and MLflow tags MLflow would refuse. Each is
 * refused before anything is published or sent.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { setupServer } from 'msw/node';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { stringify } from 'yaml';
import { createValidateEntitiesAction } from './validate';
import { createMlflowRegisterAction } from './mlflowRegister';
import { SPEC_FIELDS } from '../validateEntities';
import { useActionWorkspace } from '../__testUtils__/actionWorkspace';
import { withDocument, withKey, withListItem } from '../__testUtils__/hostile';
import { fraudDetectorModel, fraudMlGroup } from '../__testUtils__/entities';
import {
  CRON_PATTERN,
  entityRefPattern,
  matches,
  PYTHON_KEYWORDS,
  TRAINING_MODEL_NAME_PATTERN,
} from '../inputs';
import { parse } from 'yaml';

// Any request to MLflow fails the test: every refusal happens before one.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const workspace = useActionWorkspace('scaffolder-inputs-');

/** Runs an action on a workspace holding `files` as catalog-info.yaml, if given. */
async function run(action: any, input: object, files?: string) {
  workspace.write(files === undefined ? {} : { 'catalog-info.yaml': files });
  return workspace.run(action, input);
}

const existing: Entity[] = [
  fraudMlGroup,
  fraudDetectorModel,
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'fraud-detection', namespace: 'default' },
    spec: { owner: 'group:default/fraud-ml' },
  },
  {
    apiVersion: 'convergence.dev/v1alpha1',
    kind: 'Dataset',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'table', lifecycle: 'production', owner: 'fraud-ml' },
  },
];

const component = (spec: object = {}, metadata: object = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'fraud-scoring', ...metadata },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/fraud-ml',
    dependsOn: ['model:default/fraud-detector'],
    ...spec,
  },
});
const pipeline = (spec: object = {}): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'churn-training' },
  spec: {
    type: 'training',
    lifecycle: 'experimental',
    owner: 'group:default/fraud-ml',
    schedule: '0 3 * * 1',
    consumes: ['dataset:default/payments'],
    ...spec,
  },
});
/** Catalog files as a template would write them: one YAML document each. */
const yaml = (...entities: Entity[]) =>
  entities.map(e => stringify(e)).join('---\n');

const validate = () =>
  createValidateEntitiesAction({
    catalog: catalogServiceMock({ entities: existing }),
    auth: mockServices.auth(),
  });

describe('mlops:entities:validate refuses what a template did not mean to generate', () => {
  it('accepts the entities a template names, with any text in the description', async () => {
    const description = `a'b "c" \\d \${env.X} """ # é 😀\n---\nkind: Group`;
    expect(
      await run(
        validate(),
        {
          files: ['catalog-info.yaml'],
          entityRefs: ['component:default/fraud-scoring'],
        },
        yaml(component({}, { description })),
      ),
    ).toEqual({ entityRefs: ['component:default/fraud-scoring'] });
  });

  it('refuses a User, Group or Location beside the intended entities', async () => {
    for (const [kind, spec] of [
      ['User', { memberOf: ['fraud-ml'] }],
      ['Group', { type: 'team', children: [] }],
      ['Location', { targets: ['https://example.com/evil.yaml'] }],
    ] as Array<[string, Entity['spec']]>) {
      const extra: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind,
        metadata: { name: 'evil' },
        spec,
      };
      await expect(
        run(
          validate(),
          { files: ['catalog-info.yaml'], checkCatalog: false },
          yaml(component(), extra),
        ),
      ).rejects.toThrow(
        `${kind} evil: the generated files may hold only Component, API, Resource, System, Model, Dataset, Pipeline entities`,
      );
    }
  });

  it('refuses kinds outside the ones the step allows', async () => {
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'], kinds: ['Pipeline', 'Model'] },
        yaml(component()),
      ),
    ).rejects.toThrow(
      'Component fraud-scoring: the generated files may hold only Pipeline, Model entities',
    );
  });

  it('refuses an entity the step does not list, and a listed one that is missing', async () => {
    await expect(
      run(
        validate(),
        {
          files: ['catalog-info.yaml'],
          entityRefs: ['component:default/fraud-scoring'],
        },
        yaml(component(), component({}, { name: 'second' })),
      ),
    ).rejects.toThrow(
      'The generated files hold component:default/second, which this template does not generate',
    );
    await expect(
      run(
        validate(),
        {
          files: ['catalog-info.yaml'],
          entityRefs: ['component:default/fraud-scoring', 'api:default/x-api'],
        },
        yaml(component()),
      ),
    ).rejects.toThrow('The generated files do not hold api:default/x-api');
  });

  it('refuses keys the kind does not define, in spec and metadata', async () => {
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'] },
        yaml(component({ evil: true })),
      ),
    ).rejects.toThrow(
      'Invalid Component fraud-scoring: spec.evil is not a field of Component',
    );
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'] },
        yaml(component({}, { evil: 'x' })),
      ),
    ).rejects.toThrow(
      'Invalid Component fraud-scoring: metadata.evil is not a metadata field',
    );
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'] },
        yaml(pipeline({ evil: true })),
      ),
    ).rejects.toThrow(
      'Invalid Pipeline churn-training: spec.evil is not a field of Pipeline',
    );
  });

  it('refuses a key given twice', async () => {
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'] },
        `${yaml(component())}  owner: user:default/mallory\n`,
      ),
    ).rejects.toThrow(/^catalog-info.yaml, document 1: .*unique/);
  });

  it.each([
    ['owner', withKey('group:default/x'), 'is not a valid entity reference'],
    [
      'owner',
      withDocument('group:default/x'),
      'is not a valid entity reference',
    ],
    ['owner', 'dataset:default/payments', 'must refer to a group or user'],
    ['system', 'system:default/a b', 'is not a valid entity reference'],
    ['system', 'group:default/fraud-ml', 'must refer to a system'],
    ['dependsOn', [withListItem('model:default/x')], 'is not a valid'],
    ['providesApis', ['component:default/fraud-ml'], 'must refer to an api'],
  ])(
    'refuses a reference in spec.%s that is malformed or of the wrong kind (%j)',
    async (field, value, message) => {
      await expect(
        run(
          validate(),
          { files: ['catalog-info.yaml'], checkCatalog: false },
          yaml(component({ [field]: value })),
        ),
      ).rejects.toThrow(
        new RegExp(
          `^component:default/fraud-scoring: spec\\.${field} .*${message}`,
        ),
      );
    },
  );

  it('refuses malformed references in the ML kinds', async () => {
    // The kinds' processor checks the kind of a reference, not its format.
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'], checkCatalog: false },
        yaml(pipeline({ consumes: [withListItem('dataset:default/x')] })),
      ),
    ).rejects.toThrow(
      'pipeline:default/churn-training: spec.consumes "dataset:default/x\\n- user:default/y" is not a valid entity reference',
    );
  });

  it.each([
    ['consumes', ['group:default/fraud-ml'], 'a dataset or model'],
    ['produces', ['pipeline:default/other'], 'a dataset or model'],
    ['system', 'group:default/fraud-ml', 'a system'],
  ])(
    'refuses a reference of the wrong kind in a Pipeline (spec.%s %j)',
    async (field, value, kinds) => {
      const target = Array.isArray(value) ? value[0] : value;
      await expect(
        run(
          validate(),
          { files: ['catalog-info.yaml'], checkCatalog: false },
          yaml(pipeline({ [field]: value })),
        ),
      ).rejects.toThrow(
        `pipeline:default/churn-training: spec.${field} refers to ${target}; it must refer to ${kinds}`,
      );
    },
  );

  it('requires what a Pipeline consumes to exist, not what it produces', async () => {
    const run2 = (spec: object) =>
      run(
        validate(),
        { files: ['catalog-info.yaml'], checkCatalog: true },
        yaml(pipeline(spec)),
      );
    expect(
      await run2({ produces: ['model:default/not-yet', 'dataset:not-yet'] }),
    ).toEqual({ entityRefs: ['pipeline:default/churn-training'] });
    await expect(
      run2({ consumes: ['dataset:default/payments', 'model:default/nobody'] }),
    ).rejects.toThrow(
      'pipeline:default/churn-training: spec.consumes refers to model:default/nobody, which is not in the catalog',
    );
  });

  // Five words each, which the Pipeline kind's own pattern lets through.
  it.each(['0 3 * *\n1', "0 3 * * 1');evil('", '0 3 * * $HOME', '0\t3 * * 1'])(
    'refuses a schedule that is not a cron expression (%j)',
    async schedule => {
      await expect(
        run(
          validate(),
          { files: ['catalog-info.yaml'], checkCatalog: false },
          yaml(pipeline({ schedule })),
        ),
      ).rejects.toThrow(
        'pipeline:default/churn-training: spec.schedule is not a five-field cron expression or a @daily-style macro',
      );
    },
  );

  it('accepts cron macros and Jenkins-style fields', async () => {
    for (const schedule of ['@daily', 'H 3 * * 1-5', 'H(0-29)/15 * * * *']) {
      expect(
        await run(
          validate(),
          { files: ['catalog-info.yaml'], checkCatalog: false },
          yaml(pipeline({ schedule })),
        ),
      ).toEqual({ entityRefs: ['pipeline:default/churn-training'] });
    }
  });

  it('refuses malformed kinds and entity references in its own input', async () => {
    await expect(
      run(
        validate(),
        {
          files: ['catalog-info.yaml'],
          entityRefs: [withKey('component:default/x')],
        },
        yaml(component()),
      ),
    ).rejects.toThrow(
      'entityRefs: "component:default/x\\nkind: User" is not a valid entity reference',
    );
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'], entityRefs: ['fraud-scoring'] },
        yaml(component()),
      ),
    ).rejects.toThrow(
      'entityRefs: "fraud-scoring" is not a valid entity reference',
    );
    await expect(
      run(
        validate(),
        { files: ['catalog-info.yaml'], kinds: ['Component: x'] },
        yaml(component()),
      ),
    ).rejects.toThrow('kinds: "Component: x" is not a valid kind');
  });
});

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Every property of a template's form, by name (array items as name[]). */
function properties(name: string): Record<string, any> {
  const template = parse(
    fs.readFileSync(
      path.join(REPO_ROOT, 'templates', name, 'template.yaml'),
      'utf8',
    ),
  );
  const result: Record<string, any> = {};
  for (const step of template.spec.parameters) {
    for (const [key, schema] of Object.entries<any>(step.properties)) {
      result[key] = schema;
      if (schema.items) result[`${key}[]`] = schema.items;
    }
  }
  return result;
}

describe("the forms use the actions' patterns", () => {
  const owner = entityRefPattern(['group', 'user']);
  const system = entityRefPattern(['system']);
  it.each([
    ['ml-serving-service', 'owner', owner],
    ['ml-serving-service', 'system', system],
    ['ml-serving-service', 'model', entityRefPattern(['model'])],
    ['training-pipeline', 'owner', owner],
    ['training-pipeline', 'system', system],
    ['training-pipeline', 'schedule', CRON_PATTERN],
    ['training-pipeline', 'trainingDatasets[]', entityRefPattern(['dataset'])],
    ['training-pipeline', 'evaluationDataset', entityRefPattern(['dataset'])],
    ['training-pipeline', 'modelName', TRAINING_MODEL_NAME_PATTERN],
    ['dataset-registration', 'owner', owner],
    ['dataset-registration', 'system', system],
  ])('%s: %s', (template, field, pattern) => {
    expect(properties(template)[field].pattern).toBe(pattern);
  });
});

describe("the training pipeline's model name is never a Python keyword", () => {
  // The Kubeflow pipeline.py names the model's output artifact, a Python
  // parameter, after the model: its letters and digits, the rest as _.
  const python =
    process.env.CONVERGENCE_PYTHON ?? path.join(REPO_ROOT, '.venv/bin/python');
  /** Asks the interpreter which artifact names are Python names that are not keywords. */
  function pythonNames(names: string[]): Record<string, boolean> {
    const script = [
      'import json, keyword, re, sys',
      'names = json.load(sys.stdin)',
      'print(json.dumps({n: (lambda a: a.isidentifier() and not keyword.iskeyword(a))(re.sub("[^A-Za-z0-9]", "_", n)) for n in names}))',
    ].join('\n');
    return JSON.parse(
      execFileSync(python, ['-c', script], {
        input: JSON.stringify(names),
        encoding: 'utf8',
      }),
    );
  }

  it("lists the interpreter's keywords", () => {
    const kwlist = execFileSync(
      python,
      ['-c', 'import json, keyword; print(json.dumps(keyword.kwlist))'],
      { encoding: 'utf8' },
    );
    expect([...PYTHON_KEYWORDS].sort()).toEqual(JSON.parse(kwlist).sort());
  });

  it('accepts a name made of the allowed characters exactly when its artifact is a Python name that is not a keyword, in inputs.ts and in the form', () => {
    const form = properties('training-pipeline').modelName.pattern;
    const names = [
      ...PYTHON_KEYWORDS,
      ...PYTHON_KEYWORDS.map(k => k.toLocaleLowerCase('en-US')),
      ...PYTHON_KEYWORDS.map(k => `${k}-model`),
      ...PYTHON_KEYWORDS.map(k => `my-${k}`),
      ...PYTHON_KEYWORDS.map(k => `${k}s`),
      'classy',
      'imports',
      'lambda2',
      'match',
      'case',
      'type',
      'fraud-detector',
      'churn-model',
    ].filter(n => /^[a-z][a-z0-9-]{2,40}$/.test(n));
    const expected = pythonNames(names);
    // Names on both sides, so that neither comparison can pass vacuously.
    expect(Object.values(expected)).toContain(false);
    expect(Object.values(expected)).toContain(true);
    for (const pattern of [TRAINING_MODEL_NAME_PATTERN, form]) {
      expect(
        Object.fromEntries(names.map(n => [n, matches(pattern, n)])),
      ).toEqual(expected);
    }
  });

  it.each(['class', 'import', 'lambda', 'None', 'await', 'nonlocal'])(
    'refuses %j',
    name => {
      expect(matches(TRAINING_MODEL_NAME_PATTERN, name)).toBe(false);
    },
  );
});

describe('the lists of fields match the kinds', () => {
  /** The spec properties a kind's JSON schema declares. */
  function declared(schema: any): string[] {
    return Object.keys(schema.allOf[1].properties.spec.properties).sort();
  }
  it('knows every spec field of the built-in and ML kinds, and no other', () => {
    const builtin = path.join(
      path.dirname(require.resolve('@backstage/catalog-model')),
      'schema/kinds',
    );
    const ml = path.resolve(__dirname, '../../../mlops-common/src/schema');
    const schemas: Record<string, any> = {};
    for (const kind of ['Component', 'API', 'Resource', 'System', 'Domain']) {
      schemas[kind] = jest.requireActual(
        path.join(builtin, `${kind}.v1alpha1.schema.json.cjs.js`),
      );
    }
    for (const kind of ['Model', 'Dataset', 'Pipeline']) {
      schemas[kind] = JSON.parse(
        fs.readFileSync(path.join(ml, `${kind}.v1alpha1.schema.json`), 'utf8'),
      );
    }
    expect(Object.keys(SPEC_FIELDS).sort()).toEqual(
      Object.keys(schemas)
        .map(k => k.toLowerCase())
        .sort(),
    );
    for (const [kind, schema] of Object.entries(schemas)) {
      expect([kind, [...SPEC_FIELDS[kind.toLowerCase()]].sort()]).toEqual([
        kind,
        declared(schema),
      ]);
    }
  });
});

describe('mlflow:model:register refuses bad tags before calling MLflow', () => {
  const action = () =>
    createMlflowRegisterAction({
      config: new ConfigReader({
        scaffolder: { mlflow: { baseUrl: 'http://mlflow.test' } },
      }),
      client: { sleep: async () => {} },
    });

  it.each([
    [withKey('group:default/x'), 'is not a valid entity reference'],
    ['model:default/fraud-detector', 'must refer to a group or user'],
    ['', 'is not a valid entity reference'],
  ])('refuses the owner tag %j', async (owner, message) => {
    await expect(
      run(action(), { name: 'churn-model', tags: { owner } }),
    ).rejects.toThrow(new RegExp(`^tags\\.owner .*${message}`));
  });

  it.each(['a"b', 'x\ny', '/abs', '../up', 'a'.repeat(251)])(
    'refuses the tag key %j, which MLflow does not accept',
    async key => {
      await expect(
        run(action(), { name: 'churn-model', tags: { [key]: 'v' } }),
      ).rejects.toThrow(
        `tags: ${JSON.stringify(key)} is not a valid MLflow tag key`,
      );
    },
  );

  it.each(['churn model', 'churn/model', "churn'model", 'x\ny', ''])(
    'refuses the model name %j',
    async name => {
      await expect(run(action(), { name })).rejects.toThrow(
        /^name must start with a letter or digit/,
      );
    },
  );
});
