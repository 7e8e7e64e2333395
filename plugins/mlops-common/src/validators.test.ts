import fc from 'fast-check';
import { Entity } from '@backstage/catalog-model';
import {
  datasetEntityV1alpha1Validator,
  modelEntityV1alpha1Validator,
  pipelineEntityV1alpha1Validator,
} from './index';

const validators = {
  Model: modelEntityV1alpha1Validator,
  Dataset: datasetEntityV1alpha1Validator,
  Pipeline: pipelineEntityV1alpha1Validator,
};

const entity = (
  kind: string,
  spec: object,
  name = 'fraud-detector',
): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name },
  spec: spec as any,
});

const base = {
  type: 'classification',
  lifecycle: 'production',
  owner: 'group:default/fraud-ml',
};

describe('examples', () => {
  it('accepts a complete model', () => {
    const model = entity('Model', {
      ...base,
      framework: 'xgboost',
      license: 'Apache-2.0',
      task: 'fraud-detection',
      trainedOn: ['dataset:default/card-transactions'],
      evaluatedOn: ['card-transactions-holdout'],
      producedBy: 'pipeline:default/fraud-training',
      versions: [
        {
          version: '7',
          aliases: ['champion'],
          status: 'READY',
          metrics: { auc: 0.94 },
          createdAt: '2026-10-01T10:00:00Z',
        },
      ],
      metrics: { auc: 0.94 },
      card: { intendedUse: 'Score card payments', limitations: 'Cards only' },
    });
    expect(modelEntityV1alpha1Validator(model)).toBe(model);
  });

  it.each(Object.entries(validators))(
    'accepts a deprecated %s',
    (kind, validate) => {
      const deprecated = entity(kind, { ...base, lifecycle: 'deprecated' });
      expect(validate(deprecated)).toBe(deprecated);
    },
  );

  it('accepts a model card that declares personal data', () => {
    const model = entity('Model', {
      ...base,
      card: {
        personalData:
          "Trained on tokenised card numbers (`card_token`); the model's outputs never contain them.",
      },
    });
    expect(modelEntityV1alpha1Validator(model)).toBe(model);
  });

  it('ignores other kinds and apiVersions', () => {
    expect(modelEntityV1alpha1Validator(entity('Dataset', base))).toBe(false);
    expect(
      modelEntityV1alpha1Validator({
        ...entity('Model', base),
        apiVersion: 'backstage.io/v1alpha1',
      }),
    ).toBe(false);
  });

  it.each([
    ['Model', { ...base, trainedOn: 42 }, '/spec/trainedOn'],
    [
      'Model',
      { type: 'classification', lifecycle: 'production' },
      "required property 'owner'",
    ],
    [
      'Model',
      { ...base, versions: [{ aliases: ['champion'] }] },
      "/spec/versions/0 must have required property 'version'",
    ],
    ['Model', { ...base, metrics: { auc: 'high' } }, '/spec/metrics/auc'],
    [
      'Model',
      { ...base, card: { personalData: ['card_token'] } },
      '/spec/card/personalData must be string',
    ],
    ['Dataset', { ...base, classification: 'secret' }, '/spec/classification'],
    ['Dataset', { ...base, retention: '90 days' }, '/spec/retention'],
    [
      'Dataset',
      { ...base, schema: { fields: [{ name: 'email' }] } },
      "/spec/schema/fields/0 must have required property 'type'",
    ],
    ['Pipeline', { ...base, schedule: 'every day' }, '/spec/schedule'],
    [
      'Pipeline',
      { ...base, lastRun: { startedAt: 'x' } },
      "/spec/lastRun must have required property 'status'",
    ],
  ])('rejects a %s with %j naming %s', (kind, spec, message) => {
    const validate = validators[kind as keyof typeof validators];
    expect(() => validate(entity(kind, spec))).toThrow(message);
  });
});

// ---------------------------------------------------------------- properties

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const ref = fc
  .tuple(word, word)
  .map(([ns, n]) => `default:${ns}/${n}`.replace(/^default:/, 'dataset:'));
const metrics = fc.dictionary(
  word,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  { maxKeys: 4 },
);
const duration = fc.constantFrom('P90D', 'P2Y', 'P1Y6M', 'PT12H', 'P3W');
const cron = fc.constantFrom(
  '0 3 * * 1',
  '*/15 * * * *',
  '@daily',
  '@weekly',
  '30 2 1 * *',
);

const common = fc.record(
  { type: word, lifecycle: word, owner: word, system: word },
  { requiredKeys: ['type', 'lifecycle', 'owner'] },
);

const modelSpec = fc
  .tuple(
    common,
    fc.record(
      {
        framework: word,
        license: fc.constantFrom('MIT', 'Apache-2.0', 'proprietary'),
        task: word,
        trainedOn: fc.array(ref, { maxLength: 3 }),
        evaluatedOn: fc.array(ref, { maxLength: 3 }),
        producedBy: word,
        baseModel: word,
        metrics,
        versions: fc.array(
          fc.record(
            {
              version: word,
              aliases: fc.array(word, { maxLength: 2 }),
              status: word,
              runId: word,
              metrics,
            },
            { requiredKeys: ['version'] },
          ),
          { maxLength: 3 },
        ),
        card: fc.record(
          { intendedUse: fc.string(), limitations: fc.string() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([a, b]) => ({ ...a, ...b }));

const datasetSpec = fc
  .tuple(
    common,
    fc.record(
      {
        source: fc.record({ type: word, uri: word }),
        format: word,
        schema: fc.record({
          fields: fc.array(
            fc.record(
              { name: word, type: word, pii: fc.boolean() },
              { requiredKeys: ['name', 'type'] },
            ),
            { maxLength: 5 },
          ),
        }),
        classification: fc.constantFrom(
          'public',
          'internal',
          'confidential',
          'restricted',
        ),
        containsPii: fc.boolean(),
        retention: duration,
        derivedFrom: fc.array(ref, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([a, b]) => ({ ...a, ...b }));

const pipelineSpec = fc
  .tuple(
    common,
    fc.record(
      {
        orchestrator: fc.constantFrom('kubeflow', 'tfx', 'airflow', 'mlflow'),
        schedule: cron,
        consumes: fc.array(ref, { maxLength: 3 }),
        produces: fc.array(ref, { maxLength: 3 }),
        lastRun: fc.record(
          { status: word, startedAt: word, url: word },
          { requiredKeys: ['status'] },
        ),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([a, b]) => ({ ...a, ...b }));

const specs = {
  Model: modelSpec,
  Dataset: datasetSpec,
  Pipeline: pipelineSpec,
};

/** A value of the wrong JSON type for a field that holds `value`. */
function wrongTypeFor(value: unknown) {
  if (typeof value === 'string') {
    return fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
    );
  }
  if (Array.isArray(value)) {
    return fc.oneof(fc.integer(), fc.string(), fc.constant({}));
  }
  if (typeof value === 'boolean') {
    return fc.oneof(fc.integer(), fc.string());
  }
  return fc.oneof(fc.integer(), fc.string(), fc.constant(null));
}

describe.each(Object.keys(specs) as Array<keyof typeof specs>)(
  '%s (properties)',
  kind => {
    const validate = validators[kind];

    it('accepts every well-formed spec', () => {
      fc.assert(
        fc.property(specs[kind], spec => {
          const e = entity(kind, spec);
          expect(validate(e)).toBe(e);
        }),
      );
    });

    it('rejects a spec with one field of the wrong type, naming that field', () => {
      const corrupted = specs[kind].chain(spec => {
        const keys = Object.keys(spec);
        return fc.constantFrom(...keys).chain(key =>
          wrongTypeFor((spec as any)[key]).map(bad => ({
            spec: { ...spec, [key]: bad },
            key,
          })),
        );
      });
      fc.assert(
        fc.property(corrupted, ({ spec, key }) => {
          expect(() => validate(entity(kind, spec))).toThrow(`/spec/${key}`);
        }),
      );
    });

    it('rejects a spec missing a required field, naming that field', () => {
      const missing = fc
        .tuple(specs[kind], fc.constantFrom('type', 'lifecycle', 'owner'))
        .map(([spec, key]) => {
          const { [key]: _removed, ...rest } = spec as any;
          return { spec: rest, key };
        });
      fc.assert(
        fc.property(missing, ({ spec, key }) => {
          expect(() => validate(entity(kind, spec))).toThrow(
            `required property '${key}'`,
          );
        }),
      );
    });
  },
);
