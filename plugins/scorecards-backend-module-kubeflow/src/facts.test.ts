import { Entity } from '@backstage/catalog-model';
import { KubeflowFactProvider } from './facts';

const pipeline = (name: string, spec: object, fromKubeflow = true): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: {
    name,
    namespace: 'default',
    ...(fromKubeflow && { annotations: { 'kubeflow.org/pipeline-id': name } }),
  },
  spec: {
    type: 'training',
    lifecycle: 'production',
    owner: 'group:a',
    ...spec,
  },
});

describe('KubeflowFactProvider', () => {
  it('reports the last run state, its age in days and whether it is scheduled', async () => {
    const provider = new KubeflowFactProvider(
      () => new Date('2026-11-27T12:00:00Z'),
    );
    const facts = await provider.getFacts([
      pipeline('weekly', {
        schedule: '0 3 * * 1',
        lastRun: {
          status: 'succeeded',
          startedAt: '2026-11-23T03:00:00Z',
          finishedAt: '2026-11-23T03:30:00Z',
        },
      }),
      pipeline('running', {
        lastRun: { status: 'running', startedAt: '2026-11-27T11:00:00Z' },
      }),
      pipeline('never', {}),
      pipeline('hand-written', { lastRun: { status: 'failed' } }, false),
    ]);
    expect(Object.fromEntries(facts)).toEqual({
      'pipeline:default/weekly': {
        lastRunState: 'succeeded',
        lastRunAgeDays: 4,
        scheduled: true,
      },
      'pipeline:default/running': {
        lastRunState: 'running',
        lastRunAgeDays: 0,
        scheduled: false,
      },
      'pipeline:default/never': { lastRunState: 'none', scheduled: false },
    });
  });
});
