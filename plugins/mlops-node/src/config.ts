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
