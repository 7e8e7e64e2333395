import { calendarDaysUntil } from '@convergence/backstage-plugin-scorecards-common';
import { campaignSummaryFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';
import { composeDigest } from './compose';

/** An open campaign, 1 of 3 done, due at `deadline`. */
const campaign = (deadline: string) =>
  campaignSummaryFixture({
    title: 'Model cards',
    deadline,
    progress: { done: 1, total: 3, ungraded: 0 },
  });

const deadlineLine = (now: string, deadline: string) =>
  composeDigest({
    team: 'group:default/team-a',
    now: new Date(now),
    levelChanges: [],
    scorecards: [],
    campaigns: [campaign(deadline)],
    deadlineDays: 14,
    fixes: [],
  })
    .description.split('\n')
    .find(l => l.startsWith('- Model cards'));

describe('composeDigest deadlines', () => {
  // A config deadline `2026-12-10` is stored as the end of that UTC day.
  const DEADLINE = '2026-12-10T23:59:59.999Z';

  it('says today on the deadline day, whatever the time', () => {
    for (const now of ['2026-12-10T00:00:00.000Z', '2026-12-10T10:00:00.000Z'])
      expect(deadlineLine(now, DEADLINE)).toBe(
        '- Model cards: 1 of 3 done, deadline 2026-12-10 (today)',
      );
  });

  it('says in 1 day the day before, in 2 days two days before', () => {
    for (const now of ['2026-12-09T00:00:00.000Z', '2026-12-09T23:59:00.000Z'])
      expect(deadlineLine(now, DEADLINE)).toBe(
        '- Model cards: 1 of 3 done, deadline 2026-12-10 (in 1 day)',
      );
    expect(deadlineLine('2026-12-08T12:00:00.000Z', DEADLINE)).toBe(
      '- Model cards: 1 of 3 done, deadline 2026-12-10 (in 2 days)',
    );
  });

  it('counts UTC calendar days', () => {
    expect(calendarDaysUntil(DEADLINE, new Date('2026-12-10T23:00:00Z'))).toBe(
      0,
    );
    expect(calendarDaysUntil(DEADLINE, new Date('2026-12-09T01:00:00Z'))).toBe(
      1,
    );
    expect(
      calendarDaysUntil('2026-12-10T00:30:00Z', new Date('2026-12-09T23:30Z')),
    ).toBe(1);
  });
});
