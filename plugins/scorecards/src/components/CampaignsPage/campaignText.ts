import {
  CampaignSummary,
  CampaignTarget,
} from '@convergence/backstage-plugin-scorecards-common';

const DAY = 24 * 60 * 60 * 1000;

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * "12 days left", "starts in 3 days" or "ended 2027-03-31": how far a campaign
 * is from its deadline (or start) at `now`.
 */
export function timeLeftText(
  campaign: Pick<CampaignSummary, 'state' | 'startsAt' | 'deadline'>,
  now: Date = new Date(),
): string {
  if (campaign.state === 'upcoming') {
    const ms = Date.parse(campaign.startsAt) - now.getTime();
    return `starts in ${days(Math.max(1, Math.ceil(ms / DAY)))}`;
  }
  const ms = Date.parse(campaign.deadline) - now.getTime();
  if (campaign.state === 'closed' || ms <= 0) {
    return `ended ${campaign.deadline.slice(0, 10)}`;
  }
  return `${days(Math.ceil(ms / DAY))} left`;
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
