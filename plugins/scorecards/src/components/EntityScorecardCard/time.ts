const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "3 days ago", "1 hour ago", "just now" (whole units, rounded down). */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const elapsed = now - new Date(iso).getTime();
  if (!Number.isFinite(elapsed)) return iso;
  for (const [unit, ms] of units) {
    if (Math.abs(elapsed) >= ms) {
      return relative.format(-Math.trunc(elapsed / ms), unit);
    }
  }
  return 'just now';
}

/** The UTC day of an ISO-8601 moment, `YYYY-MM-DD`. */
export function utcDay(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of the UTC day `days` after `from`'s. */
export function addUtcDays(from: Date, days: number): string {
  return utcDay(
    new Date(
      Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) +
        days * DAY,
    ),
  );
}

/** An ISO date-time's day and time in UTC, e.g. `2026-11-30 10:06 UTC`. */
export function utcDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
