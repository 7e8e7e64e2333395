import { Entity } from '@backstage/catalog-model';
import { MlflowFactProvider } from './facts';

const model = (name: string, spec: object, fromMlflow = true): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: {
    name,
    namespace: 'default',
    ...(fromMlflow && {
      annotations: { 'mlflow.org/registered-model': name },
    }),
  },
  spec: { type: 'x', lifecycle: 'production', owner: 'group:a', ...spec },
});

describe('MlflowFactProvider', () => {
  it('reports headline metrics, the headline version and version age', async () => {
    const provider = new MlflowFactProvider(
      () => new Date('2026-11-27T00:00:00Z'),
    );
    const facts = await provider.getFacts([
      model('fraud', {
        metrics: { auc: 0.95 },
        versions: [
          {
            version: '3',
            createdAt: '2026-11-20T00:00:00Z',
            metrics: { auc: 0.93 },
          },
          { version: '2', metrics: { auc: 0.95 } },
        ],
      }),
      model('new', { versions: [] }),
      model('hand-written', { metrics: { auc: 0.5 } }, false),
    ]);
    expect(Object.fromEntries(facts)).toEqual({
      'model:default/fraud': {
        metrics: { auc: 0.95 },
        hasHeadline: true,
        headlineVersion: '2',
        versions: 2,
        newestVersionAgeDays: 7,
      },
      'model:default/new': { metrics: {}, hasHeadline: false, versions: 0 },
    });
  });
});
