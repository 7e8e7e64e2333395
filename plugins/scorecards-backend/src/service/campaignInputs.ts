import { z } from 'zod';
import { createZodV4FilterPredicateSchema } from '@backstage/filter-predicates';
import { entityRef, optionalQueryParam } from './inputs';

/**
 * The validation of campaigns, as the REST routes receive them and as
 * app-config.yaml holds them: the shape here, what depends on the scorecards
 * in ../campaigns/readCampaigns.ts.
 */

const noNul = (s: string) => !s.includes('\u0000');

/** The most JSON a campaign's filter may hold. */
export const MAX_FILTER_BYTES = 10 * 1024;

const predicate = createZodV4FilterPredicateSchema();

/** A catalog filter predicate (an object), at most 10 KB of JSON. */
export const campaignFilter = z
  .record(z.string(), z.unknown(), {
    error: 'must be a catalog filter predicate object, e.g. {"kind":"Model"}',
  })
  .superRefine((value, ctx) => {
    if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_FILTER_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be at most 10 KB of JSON',
      });
      return;
    }
    if (!predicate.safeParse(value).success)
      ctx.addIssue({
        code: 'custom',
        message:
          'not a valid filter predicate, e.g. {"kind":"Model","spec.lifecycle":"production"}',
      });
  });

/** An ISO-8601 date (`2027-03-31`) or date-time with an offset. */
export const campaignDate = z.union(
  [z.iso.datetime({ offset: true }), z.iso.date()],
  {
    error:
      'must be an ISO-8601 date (e.g. 2027-03-31) or date-time with an offset (e.g. 2027-03-31T17:00:00Z)',
  },
);

/** A group's full lower-case ref (`name` alone means group:default/name). */
export const groupRef = entityRef('group').refine(
  ref => ref.startsWith('group:'),
  'must be a group, e.g. group:default/ml-platform',
);

/** Exactly one of a level or 1 to 50 checks. */
export const campaignTarget = z
  .object(
    {
      level: z.string().min(1, 'must name a level').max(200).optional(),
      checks: z
        .array(z.string().min(1).max(200))
        .min(1, 'must name at least one check')
        .max(50, 'must name at most 50 checks')
        .optional(),
    },
    { error: 'must be {"level": …} or {"checks": […]}' },
  )
  .strict()
  .superRefine((target, ctx) => {
    if ((target.level === undefined) === (target.checks === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'must have exactly one of level or checks',
      });
  })
  .transform(t =>
    t.level !== undefined
      ? { level: t.level }
      : { checks: [...new Set(t.checks!)] },
  );

const CAMPAIGN_FIELDS =
  'title, description, scorecardId, target, filter, startsAt, deadline, owner';

/**
 * A campaign as a user creates or edits it (`POST` and `PUT /campaigns`):
 * a field it does not know (say, the config's `scorecard`) is refused, not
 * dropped.
 */
export const campaignBody = z.strictObject(
  {
    title: z
      .string({ error: 'must be a string' })
      .trim()
      .min(3, 'must be 3 to 200 characters')
      .max(200, 'must be 3 to 200 characters')
      .refine(noNul, 'must not contain NUL characters'),
    description: z
      .string()
      .max(10_000, 'must be at most 10000 characters')
      .refine(noNul, 'must not contain NUL characters')
      .optional(),
    scorecardId: z
      .string({ error: 'must name a scorecard' })
      .min(1, 'must name a scorecard')
      .max(200, 'must be at most 200 characters'),
    target: campaignTarget,
    filter: campaignFilter,
    startsAt: campaignDate.optional(),
    deadline: campaignDate,
    owner: groupRef,
  },
  {
    error: issue =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(
            ', ',
          )}; a campaign has ${CAMPAIGN_FIELDS}`
        : undefined,
  },
);

/** The query of `GET /campaigns`. */
export const campaignListQuery = z.object({
  owner: optionalQueryParam(groupRef),
  state: z
    .enum(['open', 'upcoming', 'closed', 'all'], {
      error: 'must be open, upcoming, closed or all',
    })
    .default('all'),
});

/** The query of `GET /campaigns/:id`. */
export const campaignQuery = campaignListQuery.pick({ owner: true });
