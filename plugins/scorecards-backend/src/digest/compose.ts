import { parseEntityRef } from '@backstage/catalog-model';
import {
  calendarDaysUntil,
  CampaignSummary,
} from '@convergence/backstage-plugin-scorecards-common';
import { CheckToFix } from '../service/ScorecardQueries';
import { DigestContent, LevelChange } from './DigestStore';

/** The days of level changes a digest reports. */
export const DIGEST_CHANGE_DAYS = 7;

/** How many level changes a digest names; the others are counted. */
export const DIGEST_MAX_CHANGES = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a team's digest reports. */
export type DigestInput = {
  /** The group, a full ref. */
  team: string;
  now: Date;
  /** Level changes of the team's tree over the last {@link DIGEST_CHANGE_DAYS} days. */
  levelChanges: LevelChange[];
  /** The scorecards, for their titles and the order of their levels. */
  scorecards: Array<{
    id: string;
    title: string;
    levels: Array<{ name: string }>;
  }>;
  /**
   * The open campaigns covering the team's tree, with the tree's progress;
   * undefined when they could not be listed: the campaigns section is left out.
   */
  campaigns: CampaignSummary[] | undefined;
  /** Campaign deadlines within this many days are listed. */
  deadlineDays: number;
  /** The team's top failing checks, most important first. */
  fixes: CheckToFix[];
};

/** `fraud-ml` for group:default/fraud-ml, `other/fraud-ml` in another namespace. */
function teamName(ref: string) {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

const levelName = (level: string | null) => level ?? 'no level';

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * The campaigns a digest lists: open, with a deadline within `deadlineDays`
 * of `now`, and the team not done (some covered entity of its tree misses
 * the target). Soonest deadline first.
 */
export function campaignsDueSoon(
  campaigns: CampaignSummary[],
  now: Date,
  deadlineDays: number,
) {
  const until = now.getTime() + deadlineDays * DAY_MS;
  return campaigns
    .filter(c => {
      const deadline = Date.parse(c.deadline);
      return (
        c.state === 'open' &&
        deadline >= now.getTime() &&
        deadline <= until &&
        c.progress.done < c.progress.total
      );
    })
    .sort(
      (a, b) =>
        Date.parse(a.deadline) - Date.parse(b.deadline) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * A team's weekly digest as a notification's title and plain-text
 * description (no markdown: notification clients show it as text), one
 * item per line:
 *
 * - level ups and downs of the team's entities over the last 7 days (at
 *   most {@link DIGEST_MAX_CHANGES}, then how many more);
 * - open campaigns whose deadline is within `deadlineDays` and that the
 *   team has not completed, with its progress;
 * - the top failing checks to fix, with how many entities fail them and
 *   how many that affects downstream.
 *
 * A section with nothing to report says so in one line; a team with
 * nothing to report at all gets a one-line "all good" digest, so every
 * team hears from the digest every week.
 */
export function composeDigest(input: DigestInput): DigestContent {
  const { team, now, deadlineDays } = input;
  const title = `Weekly scorecards: ${teamName(team)}`;
  const scorecards = new Map(input.scorecards.map(s => [s.id, s]));
  const due = input.campaigns
    ? campaignsDueSoon(input.campaigns, now, deadlineDays)
    : [];
  const { levelChanges, fixes } = input;

  if (input.campaigns && !levelChanges.length && !due.length && !fixes.length) {
    return {
      title,
      description: `All good: no level changes in the last ${DIGEST_CHANGE_DAYS} days, no campaign deadline within ${deadlineDays} days, and no failing checks to fix.`,
    };
  }

  const lines: string[] = [];
  if (levelChanges.length) {
    const rank = (c: LevelChange) => {
      const levels = scorecards.get(c.scorecardId)?.levels.map(l => l.name);
      if (!levels) return 0;
      const index = (l: string | null) => (l === null ? -1 : levels.indexOf(l));
      return Math.sign(index(c.to) - index(c.from));
    };
    const ranked = levelChanges.map(c => ({ ...c, rank: rank(c) }));
    const ups = ranked.filter(c => c.rank > 0).length;
    const downs = ranked.filter(c => c.rank < 0).length;
    lines.push(
      `Level changes in the last ${DIGEST_CHANGE_DAYS} days: ${ups} up, ${downs} down.`,
    );
    // Downs first: they need attention.
    const shown = [...ranked]
      .sort((a, b) => a.rank - b.rank)
      .slice(0, DIGEST_MAX_CHANGES);
    for (const c of shown) {
      const direction = { 1: 'Up', [-1]: 'Down', 0: 'Changed' }[c.rank];
      const scorecard = scorecards.get(c.scorecardId)?.title ?? c.scorecardId;
      lines.push(
        `- ${direction}: ${c.entityRef} in ${scorecard}, ${levelName(
          c.from,
        )} → ${levelName(c.to)}`,
      );
    }
    if (levelChanges.length > shown.length)
      lines.push(`- and ${levelChanges.length - shown.length} more`);
  } else {
    lines.push(`No level changes in the last ${DIGEST_CHANGE_DAYS} days.`);
  }

  if (!input.campaigns) {
    // Could not be listed: say nothing rather than "no deadline".
  } else if (due.length) {
    lines.push(`Campaign deadlines within ${deadlineDays} days:`);
    for (const c of due) {
      const days = calendarDaysUntil(c.deadline, now);
      lines.push(
        `- ${c.title}: ${c.progress.done} of ${
          c.progress.total
        } done, deadline ${c.deadline.slice(0, 10)} (${
          days <= 0 ? 'today' : `in ${plural(days, 'day')}`
        })`,
      );
    }
  } else {
    lines.push(`No campaign deadline within ${deadlineDays} days.`);
  }

  if (fixes.length) {
    lines.push('Top fixes:');
    for (const f of fixes) {
      const scorecard = scorecards.get(f.scorecardId)?.title ?? f.scorecardId;
      lines.push(
        `- ${f.title} (${scorecard}): ${plural(
          f.failing,
          'entity',
          'entities',
        )} failing, ${f.affects} affected with downstream`,
      );
    }
  } else {
    lines.push('No failing checks to fix.');
  }
  return { title, description: lines.join('\n') };
}
