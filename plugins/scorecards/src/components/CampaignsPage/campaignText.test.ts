import { percentDone, targetText, timeLeftText } from './campaignText';

const now = new Date('2026-11-30T12:00:00.000Z');
const deadline = '2026-12-12T23:59:59.999Z';

describe('timeLeftText', () => {
  it('counts calendar days (UTC) to the deadline', () => {
    expect(
      timeLeftText(
        { state: 'open', startsAt: '2026-11-01T00:00:00.000Z', deadline },
        now,
      ),
    ).toBe('12 days left');
    const open = (d: string) => ({
      state: 'open' as const,
      startsAt: '2026-11-01T00:00:00.000Z',
      deadline: d,
    });
    // The deadline's day, at noon and just before midnight.
    expect(timeLeftText(open('2026-11-30T23:59:59.999Z'), now)).toBe(
      'ends today',
    );
    expect(
      timeLeftText(
        open('2026-11-30T23:59:59.999Z'),
        new Date('2026-11-30T23:59:59.000Z'),
      ),
    ).toBe('ends today');
    // The day before, early and late.
    expect(timeLeftText(open('2026-12-01T23:59:59.999Z'), now)).toBe(
      '1 day left',
    );
    expect(
      timeLeftText(
        open('2026-12-01T23:59:59.999Z'),
        new Date('2026-11-30T00:00:00.000Z'),
      ),
    ).toBe('1 day left');
    expect(timeLeftText(open('2026-12-02T23:59:59.999Z'), now)).toBe(
      '2 days left',
    );
    // The day after.
    expect(timeLeftText(open('2026-11-29T23:59:59.999Z'), now)).toBe(
      'ended 2026-11-29',
    );
  });

  it('counts the days to the start of an upcoming campaign', () => {
    expect(
      timeLeftText(
        { state: 'upcoming', startsAt: '2026-12-01T00:00:00.000Z', deadline },
        now,
      ),
    ).toBe('starts in 1 day');
    expect(
      timeLeftText(
        { state: 'upcoming', startsAt: '2026-12-03T00:00:00.000Z', deadline },
        now,
      ),
    ).toBe('starts in 3 days');
    // Calendar days: 23:59 tomorrow is still "1 day", today is "today".
    expect(
      timeLeftText(
        { state: 'upcoming', startsAt: '2026-12-01T23:59:00.000Z', deadline },
        now,
      ),
    ).toBe('starts in 1 day');
    expect(
      timeLeftText(
        { state: 'upcoming', startsAt: '2026-11-30T18:00:00.000Z', deadline },
        now,
      ),
    ).toBe('starts today');
  });

  it('says when a closed campaign ended', () => {
    expect(
      timeLeftText(
        {
          state: 'closed',
          startsAt: '2026-01-01T00:00:00.000Z',
          deadline: '2026-03-31T23:59:59.999Z',
        },
        now,
      ),
    ).toBe('ended 2026-03-31');
    // Past its deadline but not yet marked closed by the server.
    expect(
      timeLeftText(
        {
          state: 'open',
          startsAt: '2026-01-01T00:00:00.000Z',
          deadline: '2026-11-29T23:59:59.999Z',
        },
        now,
      ),
    ).toBe('ended 2026-11-29');
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
