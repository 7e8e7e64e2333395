import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
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

describe('local-git in production', () => {
  const root = path.resolve(__dirname, '../../../..');
  const read = (file: string) =>
    parse(fs.readFileSync(path.join(root, file), 'utf8'));
  // As the production image runs the backend (packages/backend/Dockerfile):
  // app-config.yaml, then app-config.production.yaml on top.
  const production = () =>
    ConfigReader.fromConfigs([
      { data: read('app-config.yaml'), context: 'app-config.yaml' },
      {
        data: read('app-config.production.yaml'),
        context: 'app-config.production.yaml',
      },
    ]);

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
    expect(read('app-config.production.yaml')).toHaveProperty(
      ['scaffolder', 'localGit'],
      null,
    );
    expect(
      await providersWith(
        ConfigReader.fromConfigs([
          { data: read('app-config.yaml'), context: 'app-config.yaml' },
        ]),
      ),
    ).toEqual([expect.any(LocalGitEntityProvider)]);
    expect(await providersWith(production())).toEqual([]);
    // Nor does publish:local-git find a folder to publish to.
    expect(localGitBaseDir(production())).toBeUndefined();
  });
});
