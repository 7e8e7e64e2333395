import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * An http(s) URL from config, or undefined when absent; anything else fails
 * with the full key named.
 *
 * @public
 */
export function readHttpUrl(
  config: Config,
  key: string,
  prefix: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  try {
    const { protocol } = new URL(value);
    if (protocol === 'http:' || protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new Error(`Invalid ${prefix}.${key}: '${value}' is not an http(s) URL`);
}

/**
 * A whole number from config within [min, max], or the default; anything
 * else fails with the full key named.
 *
 * @public
 */
export function readWholeNumber(
  config: Config,
  key: string,
  prefix: string,
  range: { min: number; max: number; default: number },
): number {
  const value = config.getOptionalNumber(key) ?? range.default;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(
      `Invalid ${prefix}.${key}: ${value}; use a whole number from ${range.min} to ${range.max}`,
    );
  }
  return value;
}

/** What every platform source under `catalog.providers.<platform>.<id>` has. */
export type PlatformSourceConfig = {
  providerId: string;
  baseUrl: string;
  /** Where links point; defaults to baseUrl. */
  uiUrl: string;
  token?: string;
  defaultOwner: string;
  system?: string;
  pageSize: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
};

/**
 * Reads every source under `catalog.providers.<platform>`: the fields all
 * platforms share, then `read` adds the platform's own. A bad value fails
 * with its full key named.
 *
 * @public
 */
export function readPlatformSources<T>(
  config: Config,
  platform: string,
  defaultSchedule: SchedulerServiceTaskScheduleDefinition,
  read: (c: Config, source: PlatformSourceConfig, key: string) => T,
): T[] {
  const root = config.getOptionalConfig(`catalog.providers.${platform}`);
  if (!root) return [];
  return root.keys().map(id => {
    const c = root.getConfig(id);
    const key = `catalog.providers.${platform}.${id}`;
    const baseUrl = c.getString('baseUrl');
    readHttpUrl(c, 'baseUrl', key);
    const source: PlatformSourceConfig = {
      providerId: id,
      baseUrl,
      uiUrl: readHttpUrl(c, 'uiUrl', key) ?? baseUrl,
      token: c.getOptionalString('token'),
      defaultOwner: c.getString('defaultOwner'),
      system: c.getOptionalString('system'),
      pageSize: readWholeNumber(c, 'pageSize', key, {
        min: 1,
        max: 1000,
        default: 100,
      }),
      schedule: c.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            c.getConfig('schedule'),
          )
        : defaultSchedule,
    };
    return read(c, source, key);
  });
}
