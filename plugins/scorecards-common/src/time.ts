const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Calendar days from `now`'s UTC date to the UTC date of `iso` (an ISO-8601
 * time): 0 on the same day, 1 the day before, negative after. How a
 * campaign's days left are counted, in the UI and in the weekly digest.
 *
 * @public
 */
export function calendarDaysUntil(iso: string, now: Date): number {
  const utcDay = (t: number) => Math.floor(t / DAY_MS);
  return utcDay(Date.parse(iso)) - utcDay(now.getTime());
}
