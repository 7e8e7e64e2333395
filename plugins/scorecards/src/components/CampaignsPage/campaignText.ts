import {
  calendarDaysUntil,
  CampaignSummary,
  CampaignTarget,
} from '@convergence/backstage-plugin-scorecards-common';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * "12 days left", "ends today", "starts in 3 days" or "ended 2027-03-31": how
 * far a campaign is from its deadline (or start) at `now`, in calendar days
 * (UTC), so on the deadline's day it "ends today".
 */
export function timeLeftText(
  campaign: Pick<CampaignSummary, 'state' | 'startsAt' | 'deadline'>,
  now: Date = new Date(),
): string {
  if (campaign.state === 'upcoming') {
    const n = calendarDaysUntil(campaign.startsAt, now);
    return n <= 0 ? 'starts today' : `starts in ${days(n)}`;
  }
  const n = calendarDaysUntil(campaign.deadline, now);
  if (campaign.state === 'closed' || n < 0) {
    return `ended ${campaign.deadline.slice(0, 10)}`;
  }
  return n === 0 ? 'ends today' : `${days(n)} left`;
}

/** "Reach Silver" or "Pass 2 checks". */
export function targetText(target: CampaignTarget): string {
  if ('level' in target) return `Reach ${target.level}`;
  const n = target.checks.length;
  return `Pass ${n} ${n === 1 ? 'check' : 'checks'}`;
}

/** Whole percent done; 0 when nothing is covered. */
export function percentDone(done: number, total: number): number {
  return total > 0 ? Math.round((done / total) * 100) : 0;
}
