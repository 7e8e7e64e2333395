import { Config } from '@backstage/config';
import {
  DEFAULT_CRAWL_SCHEDULE,
  PlatformSourceConfig,
  readPlatformSources,
  readWholeNumber,
} from '@convergence/backstage-plugin-mlops-node';
import { MappingOptions } from './mapping';

/**
 * One configured source under `catalog.providers.mlflow.<id>`.
 *
 * @public
 */
export type MlflowSourceConfig = MappingOptions &
  PlatformSourceConfig & {
    /** An MLflow search filter for registered models, e.g. `name LIKE 'fraud-%'`. */
    nameFilter?: string;
    /** How many of each model's newest versions are read. */
    maxVersions: number;
    /** Shared with MLflow's webhooks; webhooks are refused without it. */
    webhookSecret?: string;
  };

/**
 * Reads every source under `catalog.providers.mlflow`; a bad value fails
 * with its key named. Without `schedule`, a source is crawled on the
 * shared default (every 30 minutes, at most 15 minutes long).
 *
 * @public
 */
export function readMlflowSources(config: Config): MlflowSourceConfig[] {
  return readPlatformSources(
    config,
    'mlflow',
    DEFAULT_CRAWL_SCHEDULE,
    (c, source, key) => ({
      ...source,
      ownerTag: c.getOptionalString('ownerTag') ?? 'owner',
      type: c.getOptionalString('type') ?? 'unspecified',
      headlineAliases: c.getOptionalStringArray('headlineAliases') ?? [
        'champion',
        'production',
      ],
      nameFilter: c.getOptionalString('nameFilter'),
      webhookSecret: c.getOptionalString('webhookSecret'),
      maxVersions: readWholeNumber(c, 'maxVersions', key, {
        min: 1,
        max: 1000,
        default: 20,
      }),
    }),
  );
}
