import { percentDone, targetText, timeLeftText } from './campaignText';

const now = new Date('2026-11-30T12:00:00.000Z');
const deadline = '2026-12-12T23:59:59.999Z';

describe('timeLeftText', () => {
  it('counts the days to the deadline, a part day as a day', () => {
    expect(
      timeLeftText(
        { state: 'open', startsAt: '2026-11-01T00:00:00.000Z', deadline },
        now,
      ),
    ).toBe('13 days left');
    expect(
      timeLeftText(
        {
          state: 'open',
          startsAt: '2026-11-01T00:00:00.000Z',
          deadline: '2026-11-30T23:59:59.999Z',
        },
        now,
      ),
    ).toBe('1 day left');
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
