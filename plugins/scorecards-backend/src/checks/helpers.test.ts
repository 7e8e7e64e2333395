import { parseTime } from './helpers';

describe('parseTime', () => {
  it('reads every timestamp exactly as Date.parse does', () => {
    const values: unknown[] = [
      '2026-11-20T06:00:00.000Z',
      '2026-11-20T06:00:00Z',
      '1999-12-31T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z', // a leap day: left to Date.parse
      '2026-02-30T06:00:00.000Z', // no such day
      '2026-02-31T06:00:00Z',
      '0050-01-01T00:00:00Z', // Date.UTC would read year 50 as 1950
      '0999-01-01T00:00:00.000Z',
      '2026-13-01T00:00:00Z',
      '2026-00-01T00:00:00Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T23:59:60Z',
      '2026-11-20T23:60:00Z',
      '2026-11-2xT06:00:00Z',
      '2026-11-20t06:00:00Z',
      '2026-11-20T06:00:00.5Z',
      '2026-11-20T06:00:00.-10Z',
      '2026-01-01T00:00:00.0a0Z',
      '2026-11-20T06:00:00+02:00',
      '2026-11-20 06:00:00Z',
      '+002026-11-20T06:00:00.000Z',
      '2026-11-20',
      'last tuesday',
      '',
      '２０２６-11-20T06:00:00Z', // full-width digits
      1_700_000_000_000,
      undefined,
      null,
      {},
    ];
    // Every millisecond field and time of day, across centuries.
    for (
      let t = -30_000_000_000_000;
      t < 30_000_000_000_000;
      t += 997_531_234_567
    )
      values.push(
        new Date(t).toISOString(),
        `${new Date(t).toISOString().slice(0, 19)}Z`,
      );
    for (const value of values)
      expect([value, parseTime(value)]).toEqual([
        value,
        Date.parse(value as string),
      ]);
  });
});
