import { z } from 'zod';
import { Config } from '@backstage/config';
import { readFilterPredicateFromConfig } from '@backstage/filter-predicates';
import {
  Campaign,
  CampaignTarget,
  ScorecardDefinition,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  campaignDate,
  campaignFilter,
  campaignTarget,
  groupRef,
} from '../service/campaignInputs';

/** A campaign id: lower-case letters, digits and dashes, at most 63. */
export const CAMPAIGN_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO-8601 date or date-time as an instant (ISO, UTC): a date is the
 * start of that day (UTC) for a start, its end for a deadline.
 */
export function campaignInstant(value: string, end: 'start' | 'end'): string {
  if (DATE_ONLY.test(value))
    return `${value}T${end === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`;
  return new Date(value).toISOString();
}

/** A problem with a campaign, as the field it concerns and what is wrong. */
export type CampaignProblem = { field: string; message: string };

/**
 * What is wrong with a campaign given the scorecards, if anything: the
 * scorecard must exist, a level target must be one of its levels, a checks
 * target only its checks, and the deadline after the start.
 */
export function campaignProblem(
  campaign: Pick<Campaign, 'scorecardId' | 'target' | 'startsAt' | 'deadline'>,
  scorecards: ScorecardDefinition[],
): CampaignProblem | undefined {
  const scorecard = scorecards.find(s => s.id === campaign.scorecardId);
  if (!scorecard)
    return {
      field: 'scorecardId',
      message: `unknown scorecard '${campaign.scorecardId}' (known: ${scorecards
        .map(s => s.id)
        .join(', ')})`,
    };
  const target = campaign.target;
  if ('level' in target) {
    if (!scorecard.levels.some(l => l.name === target.level))
      return {
        field: 'target.level',
        message: `'${target.level}' is not a level of scorecard '${
          scorecard.id
        }' (${scorecard.levels.map(l => l.name).join(', ')})`,
      };
  } else {
    const known = new Set(scorecard.levels.flatMap(l => l.checks));
    const unknown = target.checks.filter(c => !known.has(c));
    if (unknown.length)
      return {
        field: 'target.checks',
        message: `not checks of scorecard '${scorecard.id}': ${unknown
          .map(c => `'${c}'`)
          .join(', ')}`,
      };
  }
  if (new Date(campaign.deadline) <= new Date(campaign.startsAt))
    return { field: 'deadline', message: 'must be after startsAt' };
  return undefined;
}

/**
 * The checks a target is about: a level's checks and those of every level
 * below it, or the checks named.
 */
export function targetChecks(
  target: CampaignTarget,
  scorecard: ScorecardDefinition,
): string[] {
  if ('checks' in target) return target.checks;
  const index = scorecard.levels.findIndex(l => l.name === target.level);
  return [
    ...new Set(scorecard.levels.slice(0, index + 1).flatMap(l => l.checks)),
  ];
}

/** The first issue of a zod parse as a message, or the value. */
function parsed<T>(key: string, result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const path = issue.path.map(String).join('.');
  throw new Error(`${key}${path ? `.${path}` : ''}: ${issue.message}`);
}

/**
 * Reads `scorecards.campaigns`: each entry checked against the scorecards,
 * a bad one failing at start-up with an Error that names its key (e.g.
 * `scorecards.campaigns[1].target.level: …`). startsAt is required: a
 * default would depend on when the backend started, so restarts would move
 * the campaign and replicas started on different days would disagree.
 */
export function readCampaigns(
  config: Config,
  scorecards: ScorecardDefinition[],
): Campaign[] {
  const entries = config.getOptionalConfigArray('scorecards.campaigns') ?? [];
  const ids = new Set<string>();
  return entries.map((c, i) => {
    const key = `scorecards.campaigns[${i}]`;
    const id = c.getString('id');
    if (!CAMPAIGN_ID.test(id))
      throw new Error(
        `${key}.id: '${id}' must be lower-case letters, digits and dashes (at most 63, starting with a letter or digit)`,
      );
    if (ids.has(id))
      throw new Error(`${key}.id: another campaign has the id '${id}'`);
    ids.add(id);
    const target = parsed(
      `${key}.target`,
      campaignTarget.safeParse(c.getOptional('target')),
    );
    let filter: Record<string, unknown>;
    try {
      readFilterPredicateFromConfig(c, { key: 'filter' });
      filter = parsed(
        `${key}.filter`,
        campaignFilter.safeParse(c.get('filter')),
      );
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(`${key}.filter`))
        throw error;
      throw new Error(`${key}.filter: ${(error as Error).message}`);
    }
    const startsAtRaw = c.getOptionalString('startsAt');
    if (!startsAtRaw)
      throw new Error(
        `${key}.startsAt: is required, an ISO-8601 date (e.g. 2026-11-01) or date-time with an offset`,
      );
    const startsAt = campaignInstant(
      parsed(`${key}.startsAt`, campaignDate.safeParse(startsAtRaw)),
      'start',
    );
    const deadline = campaignInstant(
      parsed(
        `${key}.deadline`,
        campaignDate.safeParse(c.getString('deadline')),
      ),
      'end',
    );
    const campaign: Campaign = {
      id,
      title: c.getString('title'),
      description: c.getOptionalString('description'),
      scorecardId: c.getString('scorecard'),
      target,
      filter,
      startsAt,
      deadline,
      owner: parsed(`${key}.owner`, groupRef.safeParse(c.getString('owner'))),
      source: 'config',
    };
    const problem = campaignProblem(campaign, scorecards);
    if (problem) {
      // The config calls the scorecard `scorecard`.
      const field =
        problem.field === 'scorecardId' ? 'scorecard' : problem.field;
      throw new Error(`${key}.${field}: ${problem.message}`);
    }
    if (campaign.description === undefined) delete campaign.description;
    return campaign;
  });
}
