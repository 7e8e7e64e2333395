import {
  Entity,
  EntityRelation,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CheckVerdict,
  EntityFacts,
} from '@convergence/backstage-plugin-scorecards-node';
import { withCatalogRelations } from '../__testUtils__/catalogRelations';
import { builtinChecks } from './builtin';
import { kindGuardOf } from './helpers';

const now = new Date('2026-11-27T06:00:00Z');
const refOf = (e: Entity) => stringifyEntityRef(e).toLowerCase();

function entity(
  kind: string,
  name: string,
  spec: Entity['spec'] = {},
  relations: EntityRelation[] = [],
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion:
      kind === 'Component' || kind === 'Group'
        ? 'backstage.io/v1alpha1'
        : 'convergence.dev/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec,
    relations,
  };
}

const group = entity('Group', 'fraud-ml', { type: 'team', children: [] });
const person = entity('User', 'mei');
const prodPipeline = entity('Pipeline', 'fraud-training', {
  lifecycle: 'production',
});
const expPipeline = entity('Pipeline', 'scratch-training', {
  lifecycle: 'experimental',
});
const trainingData = entity('Dataset', 'card-transactions');
const holdout = entity('Dataset', 'card-transactions-holdout');
const prodModel = entity('Model', 'fraud-detector', {
  lifecycle: 'production',
});
const expModel = entity('Model', 'fraud-detector-challenger', {
  lifecycle: 'experimental',
});
const catalog = [
  group,
  person,
  prodPipeline,
  expPipeline,
  trainingData,
  holdout,
  prodModel,
  expModel,
];

function grade(
  checkId: string,
  subject: Entity,
  related = catalog,
  facts: EntityFacts = {},
) {
  const check = builtinChecks.find(c => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.evaluate({
    entity: subject,
    related: new Map(related.map(e => [refOf(e), e])),
    facts,
    now,
  });
}

const rel = (type: string, targetRef: string) => ({ type, targetRef });

/**
 * Every built-in check that reads lineage, ownership or a served model. The
 * entity's spec never holds the field: only its relations do, as the catalog
 * stores them when the other entity declares the link (or a processor emits
 * it). Without the relation the check fails (or does not apply) and names
 * what is missing.
 */
describe.each<{
  checkId: string;
  subject: (relations: EntityRelation[]) => Entity;
  relations: EntityRelation[];
  declared: CheckVerdict;
  neither: CheckVerdict;
}>([
  {
    checkId: 'owner-is-group',
    subject: r => entity('Model', 'm', { lifecycle: 'production' }, r),
    relations: [rel('ownedBy', 'group:default/fraud-ml')],
    declared: { status: 'pass' },
    neither: { status: 'fail', message: 'spec.owner is empty' },
  },
  {
    checkId: 'model-training-data-declared',
    subject: r => entity('Model', 'm', {}, r),
    relations: [rel('trainedOn', 'dataset:default/card-transactions')],
    declared: { status: 'pass' },
    neither: { status: 'fail', message: 'spec.trainedOn is empty' },
  },
  {
    checkId: 'model-evaluation-data-declared',
    subject: r => entity('Model', 'm', {}, r),
    relations: [
      rel('evaluatedOn', 'dataset:default/card-transactions-holdout'),
    ],
    declared: { status: 'pass' },
    neither: { status: 'fail', message: 'spec.evaluatedOn is empty' },
  },
  {
    checkId: 'model-produced-by-pipeline',
    subject: r => entity('Model', 'm', {}, r),
    relations: [rel('producedBy', 'pipeline:default/fraud-training')],
    declared: { status: 'pass' },
    neither: {
      status: 'fail',
      message:
        'spec.producedBy is empty and no Pipeline lists it in spec.produces',
    },
  },
  {
    checkId: 'lifecycle-consistent',
    subject: r => entity('Model', 'm', { lifecycle: 'production' }, r),
    relations: [rel('producedBy', 'pipeline:default/scratch-training')],
    declared: {
      status: 'fail',
      message: 'pipeline:default/scratch-training is experimental',
    },
    neither: { status: 'na', message: 'no producing pipeline declared' },
  },
  {
    checkId: 'lifecycle-consistent',
    subject: r => entity('Dataset', 'd', { lifecycle: 'production' }, r),
    relations: [rel('producedBy', 'pipeline:default/fraud-training')],
    declared: { status: 'pass' },
    neither: { status: 'na', message: 'no producing pipeline declared' },
  },
  {
    checkId: 'service-on-call',
    subject: r => entity('Component', 'scoring', { type: 'service' }, r),
    relations: [rel('dependsOn', 'model:default/fraud-detector')],
    declared: { status: 'fail', message: 'no on-call annotation' },
    neither: { status: 'na' },
  },
  {
    checkId: 'service-ci',
    subject: r => entity('Component', 'scoring', { type: 'service' }, r),
    relations: [rel('dependsOn', 'model:default/fraud-detector')],
    declared: { status: 'fail', message: 'no CI annotation' },
    neither: { status: 'na' },
  },
  {
    checkId: 'service-models-registered',
    subject: r => entity('Component', 'scoring', { type: 'service' }, r),
    relations: [
      rel('dependsOn', 'model:default/fraud-detector'),
      rel('dependsOn', 'model:default/fraud-detector-challenger'),
    ],
    declared: {
      status: 'fail',
      message: 'not in production: fraud-detector-challenger',
    },
    neither: { status: 'na' },
  },
])('$checkId reads its relations', c => {
  it('judges a link held only in relations', () => {
    expect(grade(c.checkId, c.subject(c.relations))).toEqual(c.declared);
  });

  it('names what is missing without one', () => {
    expect(grade(c.checkId, c.subject([]))).toEqual(c.neither);
  });
});

describe('lineage declared by a pipeline only (spec.produces)', () => {
  const graded = (pipeline: Entity, kind = 'Model') => {
    const subject = entity(kind, 'fraud-detector', {
      lifecycle: 'production',
    });
    const estate = withCatalogRelations([
      { ...pipeline, spec: { ...pipeline.spec, produces: [refOf(subject)] } },
      subject,
    ]);
    return (checkId: string) => grade(checkId, estate[1], estate);
  };

  it('counts the model as trained by the pipeline', () => {
    const check = graded(prodPipeline);
    expect(check('model-produced-by-pipeline')).toEqual({ status: 'pass' });
    expect(check('lifecycle-consistent')).toEqual({ status: 'pass' });
  });

  it('holds a production model to the lifecycle of that pipeline', () => {
    expect(graded(expPipeline)('lifecycle-consistent')).toEqual({
      status: 'fail',
      message: 'pipeline:default/scratch-training is experimental',
    });
  });

  it('holds a production dataset to the lifecycle of that pipeline', () => {
    expect(graded(expPipeline, 'Dataset')('lifecycle-consistent')).toEqual({
      status: 'fail',
      message: 'pipeline:default/scratch-training is experimental',
    });
  });
});

describe('references the catalog does not have', () => {
  it('names the missing pipeline, dataset and model by full ref', () => {
    expect(
      grade(
        'model-produced-by-pipeline',
        entity('Model', 'm', {}, [
          rel('producedBy', 'pipeline:default/fraud-training'),
          rel('producedBy', 'pipeline:default/gone'),
        ]),
      ),
    ).toEqual({
      status: 'fail',
      message: 'pipeline:default/gone is not in the catalog',
    });
    expect(
      grade(
        'model-training-data-declared',
        entity('Model', 'm', {}, [
          rel('trainedOn', 'dataset:default/card-transactions'),
          rel('trainedOn', "dataset:default/o'brien.v2"),
        ]),
      ),
    ).toEqual({
      status: 'fail',
      message: "not in the catalog: dataset:default/o'brien.v2",
    });
    expect(
      grade(
        'service-models-registered',
        entity('Component', 'scoring', {}, [
          rel('dependsOn', 'model:default/nowhere'),
        ]),
      ),
    ).toEqual({
      status: 'fail',
      message: 'not in the catalog: model:default/nowhere',
    });
  });

  it('reads a person as owner as not a team', () => {
    expect(
      grade(
        'owner-is-group',
        entity('Model', 'm', {}, [rel('ownedBy', 'user:default/mei')]),
      ),
    ).toEqual({
      status: 'fail',
      message: 'owner user:default/mei is a User, not a Group',
    });
  });

  it('compares relation targets without regard to case', () => {
    expect(
      grade(
        'model-produced-by-pipeline',
        entity('Model', 'm', {}, [
          rel('producedBy', 'Pipeline:default/Fraud-Training'),
        ]),
      ),
    ).toEqual({ status: 'pass' });
  });
});

describe('kind guards', () => {
  // The engine skips a guarded check for the kinds its guard rejects and
  // records n/a: that is only right if the check itself says n/a, without a
  // message, for every such entity, whatever else it holds.
  const full = (kind: string, apiVersion?: string): Entity => ({
    ...entity(
      kind,
      `x-${kind}`,
      {
        lifecycle: 'production',
        containsPii: true,
        lastRun: { status: 'failed', finishedAt: '2020-01-01T00:00:00Z' },
        dependsOn: ['model:default/fraud-detector'],
      },
      [
        rel('ownedBy', 'group:default/fraud-ml'),
        rel('producedBy', 'pipeline:default/scratch-training'),
        rel('dependsOn', 'model:default/fraud-detector-challenger'),
      ],
    ),
    ...(apiVersion && { apiVersion }),
  });
  const kinds = [
    full('Model'),
    full('model'),
    full('Model', 'backstage.io/v1alpha1'),
    full('Dataset'),
    full('Pipeline'),
    full('Component'),
    full('component'),
    full('Group'),
    full('System'),
    full('API'),
  ];
  // Lineage facts that fail every lineage check.
  const upstream = {
    entityRef: 'dataset:default/card-transactions',
    kind: 'Dataset',
    depth: 1,
    path: [
      { relation: 'trainedOn', entityRef: 'dataset:default/card-transactions' },
    ],
  };
  const facts = {
    lineage: {
      deprecatedUpstream: [upstream],
      experimentalInTrainingPath: [upstream],
      personalDataInTrainingPath: [upstream],
      downstream: 1,
    },
  };

  it('guards every kind-specific check', () => {
    expect(builtinChecks.filter(c => !kindGuardOf(c)).map(c => c.id)).toEqual([
      'owner-is-group',
      'has-description',
    ]);
  });

  it.each(builtinChecks.filter(c => kindGuardOf(c)).map(c => [c.id, c]))(
    '%s is n/a without a message for every kind its guard rejects',
    (_, check) => {
      const guard = kindGuardOf(check)!;
      const rejected = kinds.filter(e => !guard(e));
      expect(rejected.length).toBeGreaterThan(0);
      for (const e of rejected) {
        expect(grade(check.id, e, catalog, facts)).toEqual({ status: 'na' });
        expect(grade(check.id, e, catalog, facts).message).toBeUndefined();
      }
      // …and does more than that for the kinds it accepts.
      expect(
        kinds
          .filter(guard)
          .some(e => grade(check.id, e, catalog, facts).status !== 'na'),
      ).toBe(true);
    },
  );
});
