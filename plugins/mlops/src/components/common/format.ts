import { DateTime, Duration } from 'luxon';
import cronstrue from 'cronstrue';

/** "0.947" for a metric, without trailing noise. */
export function formatMetric(value: number): string {
  return Number.isInteger(value)
    ? String(value)
    : value.toPrecision(3).replace(/\.?0+$/, '');
}

/** "auc 0.947 · recall 0.73" */
export function formatMetrics(metrics?: Record<string, number>): string {
  return Object.entries(metrics ?? {})
    .map(([k, v]) => `${k} ${formatMetric(v)}`)
    .join(' · ');
}

/** "3 days ago (23 Nov 2026, 04:10)" or the raw text when it is no ISO date. */
export function formatTimestamp(iso?: string): string | undefined {
  if (!iso) return undefined;
  const t = DateTime.fromISO(iso);
  if (!t.isValid) return iso;
  return `${t.toRelative()} (${t.toLocaleString(DateTime.DATETIME_MED)})`;
}

/** "2 years" for P2Y; the raw text when it does not parse. */
export function formatRetention(iso?: string): string | undefined {
  if (!iso) return undefined;
  const d = Duration.fromISO(iso);
  return d.isValid ? `${d.toHuman()} (${iso})` : iso;
}

/** "At 03:00 AM, only on Monday (0 3 * * 1)" */
export function formatSchedule(cron?: string): string | undefined {
  if (!cron) return undefined;
  const macros: Record<string, string> = {
    '@yearly': '0 0 1 1 *',
    '@annually': '0 0 1 1 *',
    '@monthly': '0 0 1 * *',
    '@weekly': '0 0 * * 0',
    '@daily': '0 0 * * *',
    '@hourly': '0 * * * *',
  };
  try {
    return `${cronstrue.toString(macros[cron] ?? cron, {
      verbose: false,
    })} (${cron})`;
  } catch {
    return cron;
  }
}

/** "1h 12m" between two ISO timestamps. */
export function formatDuration(
  startIso?: string,
  endIso?: string,
): string | undefined {
  if (!startIso || !endIso) return undefined;
  const d = DateTime.fromISO(endIso).diff(DateTime.fromISO(startIso));
  if (!d.isValid) return undefined;
  return d.rescale().toHuman({ unitDisplay: 'short' });
}
