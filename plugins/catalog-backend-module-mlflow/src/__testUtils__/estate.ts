import { SeedModel } from '@convergence/backstage-plugin-mlops-node/testUtils';

const fraudData = [
  {
    name: 'card-transactions-labeled',
    digest: 'a1b2c3d4',
    source: 'https://data.acme.test/card-transactions-labeled.parquet',
    context: 'training',
  },
  {
    name: 'Fraud holdout 2026Q3',
    digest: 'e5f6a7b8',
    source: 'https://data.acme.test/fraud-holdout-2026q3.parquet',
    context: 'evaluation',
  },
];

/** The everyday registry the provider tests seed: three models, one with a champion. */
export const SEED: SeedModel[] = [
  {
    name: 'fraud-detector',
    description: 'Scores card transactions for fraud.',
    tags: { owner: 'fraud-ml', task: 'fraud-detection', framework: 'xgboost' },
    versions: [
      {
        metrics: { auc: 0.91 },
        params: { max_depth: '4' },
        datasets: fraudData,
      },
      {
        metrics: { auc: 0.947, recall: 0.73 },
        params: { max_depth: '6', learning_rate: '0.1' },
        datasets: fraudData,
        aliases: ['champion'],
      },
    ],
  },
  {
    name: 'churn-model',
    versions: [{ metrics: { f1: 0.61 } }],
  },
  {
    name: 'Recsys Ranker',
    tags: { owner: 'group:default/recsys-ml', type: 'ranking' },
    versions: [{}, {}, { aliases: ['production'] }],
  },
];

/** Registered-model names MLflow accepts that a search filter has trouble with. */
export const AWKWARD_NAMES = [
  "O'Brien's model", // a single quote
  'say "hi"', // double quotes
  `both 'single' and "double"`, // both: no quoted filter string holds it
  'back\\slash', // a backslash
  'trailing\\', // a backslash before the closing quote
  "escaped\\'quote", // backslash then quote
  'fraud.v2 Model', // dots, a space, upper case
  'Modèle français', // accents
  '模型', // no Latin letter at all
  '推荐模型', // … and another, which must not clash with it
  'pct%_wild', // LIKE wildcards
];

/** Two versions of each awkward name; the champion trained on one dataset. */
export const AWKWARD_SEED: SeedModel[] = AWKWARD_NAMES.map((name, i) => ({
  name,
  tags: { owner: 'awkward-ml' },
  versions: [
    { metrics: { auc: 0.8 + i / 100 }, params: { seed: String(i) } },
    {
      metrics: { auc: 0.9 + i / 100 },
      params: { seed: String(i) },
      aliases: ['champion'],
      datasets: [
        {
          name: `train ${name}`,
          digest: `t${i}`,
          source: `https://data.acme.test/train-${i}.parquet`,
          context: 'training',
        },
      ],
    },
  ],
}));

/**
 * Dataset inputs MLflow logged without a context tag, or with one the
 * mapping does not know.
 */
export const CONTEXTLESS_SEED: SeedModel[] = [
  {
    name: 'contextless-model',
    versions: [
      {
        metrics: { f1: 0.7 },
        datasets: [
          {
            name: 'raw-events',
            digest: 'c0ffee',
            source: 'https://data.acme.test/raw-events.parquet',
          },
          {
            name: 'shadow-traffic',
            digest: 'beef',
            source: 'https://data.acme.test/shadow.parquet',
            context: 'inference',
          },
          {
            name: 'holdout-events',
            digest: 'f00d',
            source: 'https://data.acme.test/holdout.parquet',
            context: 'Validation',
          },
        ],
      },
    ],
  },
];

/**
 * Registered the MLflow 3 way: each version registers a logged model
 * (source `models:/<model id>`) whose params and metrics are its own, not the
 * run's.
 */
export const LOGGED_MODEL_SEED: SeedModel[] = [
  {
    name: 'logged-model-classifier',
    versions: [
      {
        metrics: { loss: 0.4 },
        params: { max_depth: '4' },
        loggedModel: {
          params: { n_estimators: '100', objective: 'binary' },
          metrics: { auc: 0.81 },
        },
      },
      {
        metrics: { loss: 0.3 },
        params: { max_depth: '5' },
        loggedModel: {
          params: { n_estimators: '200', objective: 'binary' },
          metrics: { auc: 0.86 },
        },
        aliases: ['champion'],
      },
    ],
  },
];
