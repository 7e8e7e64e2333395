import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityScorecardResult } from '@convergence/backstage-plugin-scorecards-common';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';
import { readExampleEstate } from '../__testUtils__/entities';
import { mlflowAucCheck, unknownCheckConfig } from '../__testUtils__/config';
import { builtinChecks } from '../checks/builtin';
import { readDeclarativeChecks } from '../checks/declarative';
import { CompiledScorecard, readDefinitions } from './definitions';
import { evaluateScorecard, markFactsUnavailable } from './evaluate';

const entities: Entity[] = readExampleEstate();
const byRef = new Map(
  entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
);
const checks = new Map(builtinChecks.map(c => [c.id, c]));
const definitions = readDefinitions(
  new ConfigReader({}),
  new Set(checks.keys()),
);
const now = new Date('2026-11-27T06:00:00Z');

/** The declarative checks of `scorecards.checks: configured`, read from config. */
const declarativeChecks = (...configured: object[]) =>
  readDeclarativeChecks(
    new ConfigReader({ scorecards: { checks: configured } }),
  );

function grade(
  name: string,
  kind: string,
  exempt: string[] = [],
  checkMap: ReadonlyMap<string, ScorecardCheck> = checks,
) {
  const entity = byRef.get(`${kind}:default/${name}`)!;
  expect(entity).toBeDefined();
  const scorecard = definitions.find(d => d.matches(entity))!;
  const result = evaluateScorecard(
    scorecard,
    checkMap,
    { entity, related: byRef, facts: {}, now },
    new Set(exempt),
  );
  const failing = result.checks
    .filter(c => c.status === 'fail')
    .map(c => c.checkId);
  return { result, failing };
}

it('ships at least 15 built-in checks, each with a title, a why and a how-to-fix', () => {
  expect(builtinChecks.length).toBeGreaterThanOrEqual(15);
  for (const c of builtinChecks) {
    expect(c.title && c.why && c.howToFix).toBeTruthy();
  }
  expect(new Set(builtinChecks.map(c => c.id)).size).toBe(builtinChecks.length);
});

describe('the example estate', () => {
  it('grades the complete fraud detector Gold', () => {
    const { result, failing } = grade('fraud-detector', 'model');
    expect(failing).toEqual([]);
    expect(result.level).toBe('Gold');
    expect(result.score).toBe(1);
  });

  it.each([
    [
      'merchant-risk-scorer',
      'model',
      [
        'model-card-complete',
        'model-produced-by-pipeline',
        'model-monitoring-link',
      ],
    ],
    [
      'basket-ranker',
      'model',
      [
        'model-card-complete',
        'model-evaluation-data-declared',
        'model-monitoring-link',
      ],
    ],
    [
      'churn-predictor',
      'model',
      [
        'model-card-complete',
        'model-evaluation-data-declared',
        'model-license-declared',
        'model-production-alias',
        'model-monitoring-link',
        'lifecycle-consistent',
      ],
    ],
    [
      'clickstream-events',
      'dataset',
      ['dataset-classified', 'dataset-pii-protected', 'dataset-pii-retention'],
    ],
    [
      'support-tickets',
      'dataset',
      ['dataset-pii-retention', 'dataset-schema-documented'],
    ],
    ['recsys-training', 'pipeline', ['pipeline-last-run-succeeded']],
    ['churn-training', 'pipeline', ['pipeline-ran-recently']],
    ['retention-campaigns', 'component', ['service-ci', 'service-on-call']],
  ])('finds the deliberate gaps of %s', (name, kind, expected) => {
    const { failing } = grade(name, kind);
    expect(failing.sort()).toEqual([...expected].sort());
  });

  it('names the field in the message', () => {
    const { result } = grade('clickstream-events', 'dataset');
    expect(
      result.checks.find(c => c.checkId === 'dataset-classified')?.message,
    ).toBe('spec.classification is empty');
    expect(
      grade('churn-training', 'pipeline').result.checks.find(
        c => c.checkId === 'pipeline-ran-recently',
      )?.message,
    ).toBe('last ran 196 days ago');
  });

  it('stops at the first level with a failing check', () => {
    expect(grade('clickstream-events', 'dataset').result.level).toBeNull();
    expect(grade('basket-ranker', 'model').result.level).toBe('Bronze');
  });
});

it('counts an exempt check as passing, and the level follows', () => {
  const { result } = grade('basket-ranker', 'model', [
    'model-card-complete',
    'model-evaluation-data-declared',
    'model-monitoring-link',
  ]);
  expect(
    result.checks.find(c => c.checkId === 'model-evaluation-data-declared')
      ?.status,
  ).toBe('exempt');
  expect(result.level).toBe('Gold');
});

it('fails a check that throws, without stopping the others', () => {
  const broken = new Map(checks);
  broken.set('has-description', {
    ...checks.get('has-description')!,
    evaluate: () => {
      throw new Error('boom');
    },
  });
  const { result } = grade('fraud-detector', 'model', [], broken);
  expect(result.checks.find(c => c.checkId === 'has-description')).toEqual({
    checkId: 'has-description',
    status: 'fail',
    message: 'check failed to run: boom',
  });
  expect(result.checks.filter(c => c.status === 'pass').length).toBeGreaterThan(
    5,
  );
});

describe('declarative checks from config', () => {
  const [auc, mlflow] = declarativeChecks(
    {
      id: 'auc-at-least-0-94',
      title: 'AUC at least 0.94',
      appliesTo: { kind: 'Model', 'spec.metrics.auc': { $exists: true } },
      thresholds: [{ path: 'spec.metrics.auc', min: 0.94 }],
    },
    {
      id: 'has-mlflow-link',
      title: 'Linked to MLflow',
      appliesTo: { kind: 'Model' },
      require: {
        'metadata.annotations.mlflow.org/registered-model': { $exists: true },
      },
    },
  );
  const ctx = (name: string) => ({
    entity: byRef.get(`model:default/${name}`)!,
    related: byRef,
    facts: {},
    now,
  });

  it('applies numeric thresholds', () => {
    expect(auc.evaluate(ctx('fraud-detector'))).toEqual({ status: 'pass' });
    expect(auc.evaluate(ctx('merchant-risk-scorer'))).toEqual({ status: 'na' });
    expect(
      auc.evaluate({
        ...ctx('fraud-detector'),
        entity: {
          ...byRef.get('model:default/fraud-detector')!,
          spec: {
            ...byRef.get('model:default/fraud-detector')!.spec,
            metrics: { auc: 0.9 },
          },
        },
      }),
    ).toEqual({
      status: 'fail',
      message: 'spec.metrics.auc is 0.9, below 0.94',
    });
  });

  it('applies required predicates', () => {
    expect(mlflow.evaluate(ctx('fraud-detector')).status).toBe('pass');
    expect(mlflow.evaluate(ctx('basket-ranker')).status).toBe('fail');
  });

  it('refuses a check with nothing to test, naming it', () => {
    expect(() => declarativeChecks({ id: 'x', title: 'X' })).toThrow(
      "scorecards.checks[0] needs 'require' or 'thresholds'",
    );
  });

  it('refuses a definition naming an unknown check, naming the key', () => {
    const bad = new ConfigReader(unknownCheckConfig);
    expect(() => readDefinitions(bad, new Set(checks.keys()))).toThrow(
      "scorecards.definitions[0].levels[0].checks names unknown check 'nope'",
    );
  });
});

describe('when a fact provider failed', () => {
  const [auc, hasHeadline, owned] = declarativeChecks(
    mlflowAucCheck,
    {
      id: 'mlflow-headline',
      title: 'A headline version in MLflow',
      appliesTo: { kind: 'Model' },
      require: { 'facts.mlflow.hasHeadline': true },
    },
    {
      id: 'catalog-owned',
      title: 'Owned in the catalog',
      thresholds: [{ path: 'facts.catalog.relations.ownedBy', min: 1 }],
    },
  );
  const versioned: ScorecardCheck = {
    id: 'mlflow-versioned',
    title: 'Has MLflow versions',
    why: '',
    howToFix: '',
    evaluate: ({ facts }) =>
      (facts.mlflow.versions as number) > 0
        ? { status: 'pass' }
        : { status: 'fail', message: 'no versions' },
  };
  const checkMap = new Map(
    [...builtinChecks, auc, hasHeadline, owned, versioned].map(c => [c.id, c]),
  );
  const scorecard: CompiledScorecard = {
    id: 'mlflow-readiness',
    title: 'MLflow readiness',
    filter: {},
    matches: () => true,
    levels: [
      { name: 'Bronze', checks: ['has-description', 'mlflow-versioned'] },
      { name: 'Silver', checks: ['catalog-owned', 'mlflow-auc'] },
      { name: 'Gold', checks: ['mlflow-headline', 'owner-is-group'] },
    ],
  };
  const fraudDetector = byRef.get('model:default/fraud-detector')!;
  const gradeWith = (
    entity: Entity,
    mlflow: Record<string, unknown> | 'failed',
    previous?: EntityScorecardResult,
    exempt: string[] = [],
  ): EntityScorecardResult => {
    const facts: Record<string, Record<string, unknown>> = {
      catalog: { relations: { ownedBy: 1 } },
    };
    if (mlflow === 'failed') markFactsUnavailable(facts, 'mlflow');
    else facts.mlflow = mlflow;
    return evaluateScorecard(
      scorecard,
      checkMap,
      { entity, related: byRef, facts, now },
      new Set(exempt),
      previous,
    );
  };
  const statuses = (r: ReturnType<typeof gradeWith>) =>
    Object.fromEntries(r.checks.map(c => [c.checkId, c.status]));

  it('grades the checks that read its facts unknown, naming the provider', () => {
    const result = gradeWith(fraudDetector, 'failed');
    expect(statuses(result)).toEqual({
      'has-description': 'pass',
      'mlflow-versioned': 'unknown',
      'catalog-owned': 'pass',
      'mlflow-auc': 'unknown',
      'mlflow-headline': 'unknown',
      'owner-is-group': 'pass',
    });
    // Code checks and declarative paths (thresholds and require) alike.
    for (const id of ['mlflow-versioned', 'mlflow-auc', 'mlflow-headline']) {
      expect(result.checks.find(c => c.checkId === id)?.message).toBe(
        "fact provider 'mlflow' failed during this evaluation",
      );
    }
  });

  it('leaves unknown checks out of the score, and out of the level of an entity never graded', () => {
    // With MLflow answering, a low AUC holds the model at Bronze.
    const low = gradeWith(fraudDetector, {
      versions: 3,
      hasHeadline: true,
      metrics: { auc: 0.5 },
    });
    expect(low.level).toBe('Bronze');
    expect(low.score).toBe(5 / 6);
    // Without MLflow, nothing known fails: every level holds, and the score
    // counts the 3 known checks only.
    const failed = gradeWith(fraudDetector, 'failed');
    expect(failed.level).toBe('Gold');
    expect(failed.score).toBe(1);
  });

  it('grades the level with the last known status of an unknown check', () => {
    const lowAuc = { versions: 3, hasHeadline: true, metrics: { auc: 0.5 } };
    const low = gradeWith(fraudDetector, lowAuc);
    expect(low.level).toBe('Bronze');
    // MLflow goes down: the AUC check last failed, so Silver does not hold;
    // mlflow-versioned last passed, so Bronze does. The score still leaves
    // the unknown checks out.
    const outage = gradeWith(fraudDetector, 'failed', low);
    expect(outage.level).toBe('Bronze');
    expect(outage.score).toBe(1);
    // An exemption granted since makes the last failure count as passing.
    expect(gradeWith(fraudDetector, 'failed', low, ['mlflow-auc']).level).toBe(
      'Gold',
    );
    // One that has expired since no longer does.
    const exempted = gradeWith(fraudDetector, lowAuc, undefined, [
      'mlflow-auc',
    ]);
    expect(exempted.level).toBe('Gold');
    expect(gradeWith(fraudDetector, 'failed', exempted).level).toBe('Bronze');
    // What passed holds.
    const good = gradeWith(fraudDetector, { ...lowAuc, metrics: { auc: 1 } });
    expect(gradeWith(fraudDetector, 'failed', good).level).toBe('Gold');
  });

  it('never raises the level above the previous one because of an unknown check without a last known status', () => {
    const low = gradeWith(fraudDetector, {
      versions: 3,
      hasHeadline: true,
      metrics: { auc: 0.5 },
    });
    const outage = gradeWith(fraudDetector, 'failed', low);
    // The second evaluation of the outage finds only unknown MLflow checks
    // in the previous result.
    const again = gradeWith(fraudDetector, 'failed', outage);
    expect(again.level).toBe('Bronze');
    expect(gradeWith(fraudDetector, 'failed', again).level).toBe('Bronze');

    // Known checks still raise it: the description was added during the
    // outage, and mlflow-versioned last passed, so Bronze is reached.
    const previous: EntityScorecardResult = {
      ...low,
      level: null,
      checks: [
        { checkId: 'has-description', status: 'fail' },
        { checkId: 'mlflow-versioned', status: 'pass' },
        { checkId: 'catalog-owned', status: 'pass' },
        { checkId: 'mlflow-auc', status: 'unknown' },
        { checkId: 'mlflow-headline', status: 'unknown' },
        { checkId: 'owner-is-group', status: 'pass' },
      ],
    };
    expect(gradeWith(fraudDetector, 'failed', previous).level).toBe('Bronze');
    // And known failures still lower it below the previous level.
    const undescribed = {
      ...fraudDetector,
      metadata: { ...fraudDetector.metadata, description: '' },
    };
    expect(gradeWith(undescribed, 'failed', outage).level).toBeNull();
  });

  it('still stops at a known failing check', () => {
    const undescribed = {
      ...fraudDetector,
      metadata: { ...fraudDetector.metadata, description: '' },
    };
    const result = gradeWith(undescribed, 'failed');
    expect(result.level).toBeNull();
    // has-description fails; catalog-owned and owner-is-group pass.
    expect(result.score).toBe(2 / 3);
  });
});
