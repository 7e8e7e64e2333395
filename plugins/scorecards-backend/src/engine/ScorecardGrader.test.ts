import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { readExampleEstate } from '../__testUtils__/entities';
import { lineageFactsOf } from '../__testUtils__/lineage';
import {
  mlflowReadinessConfig,
  unknownCheckConfig,
} from '../__testUtils__/config';
import { builtinChecks } from '../checks/builtin';
import { readDefinitions } from './definitions';
import { evaluateScorecard } from './evaluate';
import { ScorecardGrader } from '..';

const estate: Entity[] = readExampleEstate();
const now = new Date('2026-11-27T06:00:00Z');

describe('ScorecardGrader', () => {
  it('grades as the plugin does: every matching scorecard, with levels, scores and messages', () => {
    const grader = ScorecardGrader.fromConfig(new ConfigReader({}));
    const results = grader.grade(estate, { now });

    // The same engine, called the way the plugin's evaluator calls it.
    const checks = new Map(builtinChecks.map(c => [c.id, c]));
    const scorecards = readDefinitions(
      new ConfigReader({}),
      new Set(checks.keys()),
    );
    const related = new Map(
      estate.map(e => [stringifyEntityRef(e).toLowerCase(), e]),
    );
    const expected = estate.flatMap(entity =>
      scorecards
        .filter(s => s.matches(entity))
        .map(s =>
          evaluateScorecard(
            s,
            checks,
            { entity, related, facts: {}, now },
            new Set(),
          ),
        ),
    );
    expect(results).toEqual(expected);
    expect(results.length).toBeGreaterThan(10);
    expect(new Set(results.map(r => r.scorecardId))).toEqual(
      new Set(['ml-production-readiness', 'ml-service-readiness']),
    );
    expect(
      results.find(r => r.entityRef === 'model:default/fraud-detector'),
    ).toMatchObject({ level: 'Gold', score: 1 });
    expect(results.every(r => r.evaluatedAt === now.toISOString())).toBe(true);
  });

  it("grades the example estate's lineage story: what is downstream of the deprecated dataset fails, naming it", async () => {
    const grader = ScorecardGrader.fromConfig(new ConfigReader({}));
    const results = grader.grade(estate, {
      now,
      facts: await lineageFactsOf(estate),
    });
    const check = (entityRef: string, checkId: string) =>
      results
        .find(r => r.entityRef === entityRef)
        ?.checks.find(c => c.checkId === checkId);
    const deprecated = 'dataset:default/card-transactions-2019';

    // The two models trained on it, the pipeline consuming it and the
    // service depending on one of the models fail, each naming the dataset.
    for (const ref of [
      'model:default/dispute-predictor',
      'model:default/basket-spend-forecaster',
      'pipeline:default/card-risk-training',
      'component:default/transaction-enrichment',
    ])
      expect(check(ref, 'upstream-not-deprecated')).toEqual({
        checkId: 'upstream-not-deprecated',
        status: 'fail',
        message: expect.stringMatching(
          /^dataset:default\/card-transactions-2019 is deprecated \(/,
        ),
        causes: [deprecated],
      });
    expect(
      check(
        'component:default/transaction-enrichment',
        'upstream-not-deprecated',
      )?.message,
    ).toBe(
      'dataset:default/card-transactions-2019 is deprecated (dependsOn model:default/dispute-predictor → trainedOn dataset:default/card-transactions-2019)',
    );
    // …which keeps them below Silver, where the check sits.
    for (const ref of [
      'model:default/dispute-predictor',
      'component:default/transaction-enrichment',
    ])
      expect(
        results.filter(r => r.entityRef === ref).map(r => r.level),
      ).toEqual(['Bronze']);

    // The dataset holds personal data: the model whose card says so passes,
    // the other fails, naming the dataset.
    expect(
      check('model:default/dispute-predictor', 'personal-data-declared'),
    ).toEqual({ checkId: 'personal-data-declared', status: 'pass' });
    expect(
      check('model:default/basket-spend-forecaster', 'personal-data-declared'),
    ).toMatchObject({
      status: 'fail',
      // Nearest first: the dataset it was derived from holds personal data too.
      causes: [deprecated, 'dataset:default/card-transactions'],
    });

    // The dataset itself has nothing deprecated upstream.
    expect(check(deprecated, 'upstream-not-deprecated')).toEqual({
      checkId: 'upstream-not-deprecated',
      status: 'pass',
    });
    // Nothing else in the estate is downstream of a deprecated entity…
    expect(
      results
        .filter(r =>
          r.checks.some(
            c => c.checkId === 'upstream-not-deprecated' && c.status === 'fail',
          ),
        )
        .map(r => r.entityRef)
        .sort(),
    ).toEqual([
      'component:default/transaction-enrichment',
      'model:default/basket-spend-forecaster',
      'model:default/dispute-predictor',
      'pipeline:default/card-risk-training',
    ]);
    // …and the complete example model stays Gold with the lineage checks.
    expect(
      results.find(r => r.entityRef === 'model:default/fraud-detector'),
    ).toMatchObject({ level: 'Gold', score: 1 });
    // The production model trained by an experimental pipeline names it.
    expect(
      check(
        'model:default/churn-predictor',
        'production-upstream-not-experimental',
      ),
    ).toMatchObject({
      status: 'fail',
      causes: ['pipeline:default/churn-training'],
    });
  });

  it('looks related entities up in `related`, not only among the graded ones', () => {
    const grader = ScorecardGrader.fromConfig(new ConfigReader({}));
    const model = estate.find(
      e => stringifyEntityRef(e) === 'model:default/fraud-detector',
    )!;
    const [alone] = grader.grade([model], { now });
    expect(alone.checks.find(c => c.checkId === 'owner-is-group')).toEqual({
      checkId: 'owner-is-group',
      status: 'fail',
      message: expect.stringMatching(/is not in the catalog$/),
    });
    const [withCatalog] = grader.grade([model], {
      now,
      related: ScorecardGrader.index(estate),
    });
    expect(withCatalog.level).toBe('Gold');
  });

  it('reads scorecards and declarative checks from config, takes checks in code and facts by entity ref', () => {
    const grader = ScorecardGrader.fromConfig(
      new ConfigReader(mlflowReadinessConfig),
      {
        checks: [
          {
            id: 'named-in-code',
            title: 'Named in code',
            why: 'w',
            howToFix: 'h',
            evaluate: ({ entity }) =>
              entity.metadata.name === 'fraud-detector'
                ? { status: 'pass' }
                : { status: 'fail', message: 'not the fraud detector' },
          },
        ],
      },
    );
    expect(grader.scorecards.map(s => s.id)).toEqual(['mlflow-readiness']);
    expect(grader.scorecards[0]).not.toHaveProperty('matches');
    expect(grader.checks.map(c => c.id)).toEqual(
      expect.arrayContaining([
        'named-in-code',
        'mlflow-auc',
        'has-description',
      ]),
    );
    expect(grader.checks).toHaveLength(builtinChecks.length + 2);

    const models = estate.filter(e => e.kind === 'Model');
    const [first] = models;
    const results = grader.grade(models, {
      now,
      facts: new Map([
        [
          stringifyEntityRef(first).toLowerCase(),
          { mlflow: { metrics: { auc: 0.95 } } },
        ],
      ]),
    });
    expect(results).toHaveLength(models.length);
    expect(results[0].checks).toContainEqual({
      checkId: 'mlflow-auc',
      status: 'pass',
    });
    expect(results[1].checks).toContainEqual({
      checkId: 'mlflow-auc',
      status: 'fail',
      message: 'facts.mlflow.metrics.auc is not set',
    });
  });

  it('fails on a bad definition or a duplicate check, naming it', () => {
    expect(() =>
      ScorecardGrader.fromConfig(new ConfigReader(unknownCheckConfig)),
    ).toThrow(
      "scorecards.definitions[0].levels[0].checks names unknown check 'nope'",
    );
    expect(() =>
      ScorecardGrader.fromConfig(new ConfigReader({}), {
        checks: [builtinChecks[0]],
      }),
    ).toThrow("scorecards: two checks have the id 'owner-is-group'");
  });
});
