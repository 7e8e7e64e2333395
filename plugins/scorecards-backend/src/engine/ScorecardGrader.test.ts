import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { readExampleEstate } from '../__testUtils__/entities';
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
