import { wholeDaysSince } from './index';

describe('wholeDaysSince', () => {
  const now = new Date('2026-10-27T12:00:00Z');

  it('counts whole days of 24 hours, across a daylight-saving change', () => {
    // Berlin leaves summer time on 2026-10-25: a calendar day there is 25
    // hours, but the count does not depend on any zone.
    expect(wholeDaysSince(new Date('2026-10-20T12:00:00Z'), now)).toBe(7);
    expect(wholeDaysSince(new Date('2026-10-20T12:00:01Z'), now)).toBe(6);
    expect(wholeDaysSince(new Date('2026-10-27T11:59:59Z'), now)).toBe(0);
  });

  it('is 0 for an instant after now', () => {
    expect(wholeDaysSince(new Date('2026-10-29T00:00:00Z'), now)).toBe(0);
  });
});
