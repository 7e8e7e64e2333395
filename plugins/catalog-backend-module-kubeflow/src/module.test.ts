import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  EntityProvider,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogModuleKubeflow } from './module';
import { KubeflowEntityProvider } from './providers/KubeflowEntityProvider';

describe('catalogModuleKubeflow', () => {
  it('adds one scheduled provider per source under catalog.providers.kubeflow', async () => {
    const added: EntityProvider[] = [];
    const scheduler = mockServices.scheduler.mock();
    const source = {
      baseUrl: 'http://kfp.test/pipeline',
      uiUrl: 'https://kubeflow.example.com/pipeline',
      defaultOwner: 'group:default/ml-platform',
    };
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...providers: any[]) =>
              void added.push(...providers.flat()),
          },
        ],
      ],
      features: [
        catalogModuleKubeflow,
        catalogServiceMock.factory(),
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              providers: {
                kubeflow: { prod: source, staging: source },
              },
            },
          },
        }),
      ],
    });

    expect(added.map(p => p.getProviderName())).toEqual([
      'kubeflow-provider:prod',
      'kubeflow-provider:staging',
    ]);
    expect(added.every(p => p instanceof KubeflowEntityProvider)).toBe(true);
    // Each is connected to the scheduler it was given.
    await Promise.all(added.map(p => p.connect({} as any)));
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(2);
  });
});
