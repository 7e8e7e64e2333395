import { Config } from '@backstage/config';
import {
  PlatformSourceConfig,
  readPlatformSources,
} from '@convergence/backstage-plugin-mlops-node';
import { MappingOptions } from './mapping';

/**
 * One configured source under `catalog.providers.kubeflow.<id>`.
 *
 * @public
 */
export type KubeflowSourceConfig = MappingOptions &
  PlatformSourceConfig & {
    namespace?: string;
  };

/**
 * Reads every source under `catalog.providers.kubeflow`; a bad value fails
 * with its key named. Without `schedule`, a source is crawled on the shared
 * default (every 30 minutes) with a 10 minute timeout.
 *
 * @public
 */
export function readKubeflowSources(config: Config): KubeflowSourceConfig[] {
  return readPlatformSources(
    config,
    'kubeflow',
    { timeout: { minutes: 10 } },
    (c, source) => ({
      ...source,
      namespace: c.getOptionalString('namespace'),
      lifecycle: c.getOptionalString('lifecycle') ?? 'production',
      type: c.getOptionalString('type') ?? 'training',
    }),
  );
}
