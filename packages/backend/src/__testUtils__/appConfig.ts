import path from 'node:path';
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
