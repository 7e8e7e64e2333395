import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { ServiceFactoryTester } from '@backstage/backend-test-utils';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
// `yarn start` runs the backend in packages/backend: relative paths in the
// config resolve from there.
export const BACKEND_DIR = path.resolve(__dirname, '../..');

/** The repository's app-config.yaml, read the way the backend reads it. */
export async function loadAppConfig() {
  const tester = ServiceFactoryTester.from(
    rootConfigServiceFactory({
      argv: ['--config', path.join(REPO_ROOT, 'app-config.yaml')],
      watch: false,
    }),
  );
  return tester.getSubject();
}

/** A config file of the repository, parsed as it is (no substitutions). */
export const readConfigFile = (file: string) => ({
  data: parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')),
  context: file,
});

/**
 * The configuration as the production image runs the backend
 * (packages/backend/Dockerfile): app-config.yaml, then
 * app-config.production.yaml on top.
 */
export const productionConfig = () =>
  ConfigReader.fromConfigs([
    readConfigFile('app-config.yaml'),
    readConfigFile('app-config.production.yaml'),
  ]);
