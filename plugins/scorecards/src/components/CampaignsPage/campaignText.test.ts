import { percentDone, targetText, timeLeftText } from './campaignText';

const now = new Date('2026-11-30T12:00:00.000Z');
const deadline = '2026-12-12T23:59:59.999Z';

describe('timeLeftText', () => {
  // [state, deadline (the end of that UTC day), the time on 2026-11-30, text]
  it.each([
    ['open', '2026-12-12', '12:00:00', '12 days left'],
    ['open', '2026-12-02', '12:00:00', '2 days left'],
    // The day before, early and late.
    ['open', '2026-12-01', '00:00:00', '1 day left'],
    ['open', '2026-12-01', '12:00:00', '1 day left'],
    // The deadline's day, at noon and just before midnight.
    ['open', '2026-11-30', '12:00:00', 'ends today'],
    ['open', '2026-11-30', '23:59:59', 'ends today'],
    // The day after; past its deadline but not yet marked closed by the server.
    ['open', '2026-11-29', '12:00:00', 'ended 2026-11-29'],
    ['closed', '2026-03-31', '12:00:00', 'ended 2026-03-31'],
  ] as const)(
    'counts calendar days (UTC): %s, deadline %s, at %s: %s',
    (state, day, time, text) => {
      const campaign = {
        state,
        startsAt: '2026-01-01T00:00:00.000Z',
        deadline: `${day}T23:59:59.999Z`,
      };
      expect(timeLeftText(campaign, new Date(`2026-11-30T${time}.000Z`))).toBe(
        text,
      );
    },
  );

  it.each([
    ['2026-12-01T00:00:00.000Z', 'starts in 1 day'],
    ['2026-12-03T00:00:00.000Z', 'starts in 3 days'],
    // Calendar days: 23:59 tomorrow is still "1 day", today is "today".
    ['2026-12-01T23:59:00.000Z', 'starts in 1 day'],
    ['2026-11-30T18:00:00.000Z', 'starts today'],
  ])(
    'counts the days to the start of an upcoming campaign starting %s',
    (startsAt, text) => {
      expect(timeLeftText({ state: 'upcoming', startsAt, deadline }, now)).toBe(
        text,
      );
    },
  );
});

describe('targetText and percentDone', () => {
  it('describes the target and rounds the percentage', () => {
    expect(targetText({ level: 'Silver' })).toBe('Reach Silver');
    expect(targetText({ checks: ['a'] })).toBe('Pass 1 check');
    expect(targetText({ checks: ['a', 'b'] })).toBe('Pass 2 checks');
    expect(percentDone(2, 3)).toBe(67);
    expect(percentDone(0, 0)).toBe(0);
  });
});
