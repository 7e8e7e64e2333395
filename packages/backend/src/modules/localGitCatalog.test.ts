import { startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  LocalGitEntityProvider,
  localGitBaseDir,
} from '@convergence/backstage-plugin-scaffolder-backend-module-mlops';
import { catalogModuleLocalGit } from './localGitCatalog';
import {
  productionConfig as production,
  readConfigFile,
} from '../__testUtils__/appConfig';

describe('local-git in production', () => {
  async function providersWith(config: ConfigReader) {
    const processing = {
      addEntityProvider: jest.fn(),
      addProcessor: jest.fn(),
      addPlaceholderResolver: jest.fn(),
      setOnProcessingErrorHandler: jest.fn(),
    };
    await startTestBackend({
      extensionPoints: [[catalogProcessingExtensionPoint, processing as any]],
      features: [
        catalogModuleLocalGit,
        createServiceFactory({
          service: coreServices.rootConfig,
          deps: {},
          factory: () => config,
        }),
      ],
    });
    return processing.addEntityProvider.mock.calls.flat();
  }

  it('is configured for local use only', async () => {
    expect(readConfigFile('app-config.production.yaml').data).toHaveProperty(
      ['scaffolder', 'localGit'],
      null,
    );
    expect(
      await providersWith(
        ConfigReader.fromConfigs([readConfigFile('app-config.yaml')]),
      ),
    ).toEqual([expect.any(LocalGitEntityProvider)]);
    expect(await providersWith(production())).toEqual([]);
    // Nor does publish:local-git find a folder to publish to.
    expect(localGitBaseDir(production())).toBeUndefined();
  });
});
