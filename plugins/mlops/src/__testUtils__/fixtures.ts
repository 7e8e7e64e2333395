import { Entity } from '@backstage/catalog-model';

const ml = (
  kind: string,
  name: string,
  spec: object,
  extra: Partial<Entity> = {},
): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...(extra.metadata ?? {}) },
  spec: { lifecycle: 'production', ...spec } as any,
  relations: extra.relations,
});

export const fraudDetector = ml(
  'Model',
  'fraud-detector',
  {
    type: 'classification',
    owner: 'group:default/fraud-ml',
    system: 'fraud-detection',
    framework: 'xgboost',
    license: 'proprietary',
    task: 'payment-fraud',
    metrics: { auc: 0.947, recall: 0.73 },
    versions: [
      {
        version: '7',
        aliases: ['champion'],
        status: 'READY',
        metrics: { auc: 0.947 },
        createdAt: '2026-11-23T04:10:02Z',
        runId: 'run-7',
      },
      {
        version: '6',
        aliases: ['previous'],
        status: 'READY',
        metrics: { auc: 0.941 },
        createdAt: '2026-11-16T04:08:44Z',
      },
    ],
    card: {
      intendedUse:
        'Scores **card** payments.<script>window.pwned = true</script>',
      limitations: '- Cards only\n- EU and UK',
      evaluationData: 'Out-of-time hold-out, 2026 Q3.',
    },
  },
  {
    metadata: { name: 'fraud-detector', title: 'Fraud detector' },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/fraud-ml' },
      {
        type: 'trainedOn',
        targetRef: 'dataset:default/card-transactions-labeled',
      },
      { type: 'evaluatedOn', targetRef: 'dataset:default/fraud-holdout' },
      { type: 'producedBy', targetRef: 'pipeline:default/fraud-training' },
      {
        type: 'dependencyOf',
        targetRef: 'component:default/fraud-scoring-service',
      },
    ],
  },
);

export const bareModel = ml('Model', 'bare', {
  type: 'classification',
  owner: 'fraud-ml',
});

export const cardTransactions = ml('Dataset', 'card-transactions', {
  type: 'table',
  owner: 'group:default/data-engineering',
  source: { type: 's3', uri: 's3://acme-lake/curated/card_transactions/' },
  format: 'parquet',
  classification: 'confidential',
  containsPii: true,
  retention: 'P2Y',
  schema: {
    fields: [
      { name: 'transaction_id', type: 'string' },
      {
        name: 'card_token',
        type: 'string',
        pii: true,
        description: 'Tokenised PAN',
      },
      { name: 'amount', type: 'decimal(12,2)' },
    ],
  },
});

export const clickstream = ml('Dataset', 'clickstream-events', {
  type: 'stream',
  owner: 'data-engineering',
  containsPii: true,
});

export const fraudTraining = ml(
  'Pipeline',
  'fraud-training',
  {
    type: 'training',
    owner: 'group:default/fraud-ml',
    orchestrator: 'kubeflow',
    schedule: '0 3 * * 1',
    lastRun: {
      status: 'failed',
      startedAt: '2026-11-23T03:00:00Z',
      finishedAt: '2026-11-23T04:12:55Z',
      url: 'https://kubeflow.example/runs/5d2f',
    },
  },
  {
    relations: [
      {
        type: 'consumes',
        targetRef: 'dataset:default/card-transactions-labeled',
      },
      { type: 'produces', targetRef: 'model:default/fraud-detector' },
    ],
  },
);

export const manualPipeline = ml('Pipeline', 'manual', {
  type: 'training',
  owner: 'x',
});

export const estate: Entity[] = [
  fraudDetector,
  cardTransactions,
  clickstream,
  fraudTraining,
  ml(
    'Model',
    'home-recommender',
    {
      type: 'retrieval',
      owner: 'group:default/recsys-ml',
      framework: 'pytorch',
    },
    {
      relations: [{ type: 'ownedBy', targetRef: 'group:default/recsys-ml' }],
    },
  ),
  ml(
    'Model',
    'basket-ranker',
    {
      type: 'ranking',
      owner: 'group:default/recsys-ml',
      framework: 'lightgbm',
    },
    {
      relations: [{ type: 'ownedBy', targetRef: 'group:default/recsys-ml' }],
    },
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'fraud-scoring-service', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/fraud-ml',
    },
  },
];
