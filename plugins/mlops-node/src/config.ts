import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DEFAULT_CRAWL_SCHEDULE } from './CrawlingEntityProvider';

/** `value` with anything that looks like `user:pass@` masked, for messages. */
function redactUserInfo(value: string): string {
  return value.replace(/^([^/?#]*\/\/)?[^/?#]*@/, '$1***@');
}

/**
 * An http(s) URL from config, or undefined when absent. Anything else fails
 * with the full key named, and so does a URL carrying a user name or
 * password (`https://user:pass@host`): the URL reaches entity links, error
 * messages and logs, so a credential belongs in the sibling `token` key.
 * No message repeats the credential.
 *
 * @param prefix - the path of `config` in the root config, if any, to name
 *   the full key in errors
 * @public
 */
export function readHttpUrl(
  config: Config,
  key: string,
  prefix?: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  const name = prefix ? `${prefix}.${key}` : key;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(
      `Invalid ${name}: '${redactUserInfo(value)}' is not an http(s) URL`,
    );
  }
  if (url.username || url.password) {
    const tokenKey = name.replace(/[^.]+$/, 'token');
    throw new Error(
      `Invalid ${name}: the URL carries a user name or password before the host ${url.host}, ` +
        `which would reach entity links and logs; remove it from the URL and put the credential in ${tokenKey}`,
    );
  }
  return value;
}

/**
 * A required http(s) base URL from config, checked as {@link readHttpUrl}
 * checks it; a missing value fails with the key named.
 *
 * @public
 */
export function readBaseUrl(
  config: Config,
  key: string,
  prefix?: string,
): string {
  config.getString(key);
  return readHttpUrl(config, key, prefix)!;
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

/**
 * What every platform source under `catalog.providers.<platform>.<id>` has.
 *
 * @public
 */
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
 * @param defaultSchedule - the schedule of a source without `schedule`:
 *   these fields over {@link DEFAULT_CRAWL_SCHEDULE}
 * @public
 */
export function readPlatformSources<T>(
  config: Config,
  platform: string,
  defaultSchedule: Partial<SchedulerServiceTaskScheduleDefinition>,
  read: (c: Config, source: PlatformSourceConfig, key: string) => T,
): T[] {
  const root = config.getOptionalConfig(`catalog.providers.${platform}`);
  if (!root) return [];
  return root.keys().map(id => {
    const c = root.getConfig(id);
    const key = `catalog.providers.${platform}.${id}`;
    const baseUrl = readBaseUrl(c, 'baseUrl', key);
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
        : { ...DEFAULT_CRAWL_SCHEDULE, ...defaultSchedule },
    };
    return read(c, source, key);
  });
}
