import { SeedModel } from './mlflowServer';

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

/** The registry the provider tests seed: three models, one with a champion. */
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
