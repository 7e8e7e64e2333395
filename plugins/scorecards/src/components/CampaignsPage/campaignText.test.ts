import { percentDone, targetText, timeLeftText } from './campaignText';

const now = new Date('2026-11-30T12:00:00.000Z');
const deadline = '2026-12-12T23:59:59.999Z';

describe('timeLeftText', () => {
  const campaign = (
    state: 'open' | 'upcoming' | 'closed',
    startsAt: string,
    ends = deadline,
  ) => ({ state, startsAt, deadline: ends });
  const at = (iso: string) => new Date(iso);

  it.each([
    [campaign('open', '2026-11-01T00:00:00.000Z'), now, '12 days left'],
    // The deadline's day, at noon and just before midnight.
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z'),
      now,
      'ends today',
    ],
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z'),
      at('2026-11-30T23:59:59.000Z'),
      'ends today',
    ],
    // The day before, early and late.
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-12-01T23:59:59.999Z'),
      now,
      '1 day left',
    ],
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-12-01T23:59:59.999Z'),
      at('2026-11-30T00:00:00.000Z'),
      '1 day left',
    ],
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-12-02T23:59:59.999Z'),
      now,
      '2 days left',
    ],
    // The day after.
    [
      campaign('open', '2026-11-01T00:00:00.000Z', '2026-11-29T23:59:59.999Z'),
      now,
      'ended 2026-11-29',
    ],
  ])(
    'counts calendar days (UTC) to the deadline: %j at %s',
    (c, when, text) => {
      expect(timeLeftText(c, when)).toBe(text);
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
      expect(timeLeftText(campaign('upcoming', startsAt), now)).toBe(text);
    },
  );

  it.each([
    [
      campaign(
        'closed',
        '2026-01-01T00:00:00.000Z',
        '2026-03-31T23:59:59.999Z',
      ),
      'ended 2026-03-31',
    ],
    // Past its deadline but not yet marked closed by the server.
    [
      campaign('open', '2026-01-01T00:00:00.000Z', '2026-11-29T23:59:59.999Z'),
      'ended 2026-11-29',
    ],
  ])('says when a campaign ended: %j', (c, text) => {
    expect(timeLeftText(c, now)).toBe(text);
  });
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
