/** A declarative check on the `mlflow` fact provider's facts: an AUC of at least 0.9. */
export const mlflowAucCheck = {
  id: 'mlflow-auc',
  title: 'AUC of at least 0.9 in MLflow',
  appliesTo: { kind: 'Model' },
  thresholds: [{ path: 'facts.mlflow.metrics.auc', min: 0.9 }],
};

/**
 * A scorecard for Models: Bronze is `has-description`, Silver the checks
 * `silver`, and Gold, when given, the checks `gold`.
 */
export const modelScorecard = (
  scorecard: { id: string; title: string },
  silver: string[],
  gold?: string[],
) => ({
  ...scorecard,
  filter: { kind: 'Model' },
  levels: [
    { name: 'Bronze', checks: ['has-description'] },
    { name: 'Silver', checks: silver },
    ...(gold ? [{ name: 'Gold', checks: gold }] : []),
  ],
});

/**
 * Config of one scorecard, `mlflow-readiness`, for Models: Bronze is
 * `has-description`, Silver is {@link mlflowAucCheck} alone.
 */
export const mlflowReadinessConfig = {
  scorecards: {
    checks: [mlflowAucCheck],
    definitions: [
      modelScorecard({ id: 'mlflow-readiness', title: 'MLflow readiness' }, [
        'mlflow-auc',
      ]),
    ],
  },
};

/** A task schedule whose first run is a day after start-up: never during a test. */
export const afterTheTest = {
  frequency: { hours: 24 },
  timeout: { minutes: 5 },
  initialDelay: { hours: 24 },
};

/**
 * Config whose scheduled full pass first runs a day after start-up: it never
 * runs during a test (nor, with no full pass done, the incremental pass), so
 * entities are graded on request only.
 */
export const scheduledPassAfterTheTestConfig = {
  scorecards: { schedule: afterTheTest },
};

/**
 * Config of one scorecard for Models, `id` (titled `title`), with one level,
 * `level`, of the checks `checks`.
 */
export const oneLevelScorecardConfig = (
  scorecard: { id: string; title: string },
  level: string,
  checks: string[],
) => ({
  scorecards: {
    definitions: [
      {
        ...scorecard,
        filter: { kind: 'Model' },
        levels: [{ name: level, checks }],
      },
    ],
  },
});

/**
 * Config of one scorecard, `x`, whose Bronze level names a check that does
 * not exist, `nope`: refused as
 * `scorecards.definitions[0].levels[0].checks names unknown check 'nope'`.
 */
export const unknownCheckConfig = oneLevelScorecardConfig(
  { id: 'x', title: 'X' },
  'Bronze',
  ['nope'],
);

/** {@link scheduledPassAfterTheTestConfig} with these `scorecards` keys as well. */
export const scheduledPassAfterTheTestWith = (scorecards: object) => ({
  scorecards: { ...scheduledPassAfterTheTestConfig.scorecards, ...scorecards },
});
