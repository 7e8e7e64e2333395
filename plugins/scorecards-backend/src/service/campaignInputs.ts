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

type FilterProblem = { path: PropertyKey[]; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringList = (value: unknown) =>
  Array.isArray(value) && value.every(v => typeof v === 'string');

const FIELD_VALUE =
  'must be a string (numbers and true/false in quotes) or one operator: {"$in": [strings]}, {"$exists": true|false}, {"$hasPrefix": string} or {"$contains": …}';

/** What is wrong with the `$contains` of a field, as the catalog reads it. */
function containsProblem(
  field: string,
  target: unknown,
  path: PropertyKey[],
): FilterProblem | undefined {
  if (typeof target === 'string') return undefined;
  if (field.toLowerCase() !== 'relations' || !isObject(target))
    return {
      path,
      message:
        field.toLowerCase() === 'relations'
          ? 'must be a string or {"type": string, "targetRef": string or {"$in": [strings]}}'
          : 'must be a string (an object only for relations)',
    };
  for (const [key, value] of Object.entries(target)) {
    const name = key.toLowerCase();
    if (name === 'type' ? typeof value !== 'string' : name !== 'targetref')
      return {
        path: [...path, key],
        message:
          name === 'type'
            ? 'must be a string'
            : 'unknown key; a relation has type and targetRef',
      };
    if (
      name === 'targetref' &&
      typeof value !== 'string' &&
      !(
        isObject(value) &&
        Object.keys(value).length === 1 &&
        isStringList(value.$in) &&
        (value.$in as string[]).length > 0
      )
    )
      return {
        path: [...path, key],
        message: 'must be a string or {"$in": [strings]}, not empty',
      };
  }
  if (!Object.keys(target).some(k => k.toLowerCase() === 'type'))
    return { path: [...path, 'type'], message: 'is required' };
  return undefined;
}

/**
 * What is wrong with a field's value, as the catalog reads it: the catalog
 * compares text, so a number or a boolean (`{"kind": 42}`) would be read as
 * the text "42" and, for a field that never holds it, cover nothing.
 */
function fieldProblem(
  field: string,
  value: unknown,
  path: PropertyKey[],
): FilterProblem | undefined {
  if (typeof value === 'string') return undefined;
  if (!isObject(value) || Object.keys(value).length !== 1)
    return { path, message: FIELD_VALUE };
  const [[operator, operand]] = Object.entries(value);
  const at = [...path, operator];
  switch (operator) {
    case '$in':
      if (!isStringList(operand))
        return { path: at, message: 'must be a list of strings' };
      return (operand as string[]).length
        ? undefined
        : { path: at, message: 'must not be empty' };
    case '$exists':
      return typeof operand === 'boolean'
        ? undefined
        : { path: at, message: 'must be true or false' };
    case '$hasPrefix':
      return typeof operand === 'string'
        ? undefined
        : { path: at, message: 'must be a string' };
    case '$contains':
      return containsProblem(field, operand, at);
    default:
      return { path, message: FIELD_VALUE };
  }
}

/**
 * The first value of a predicate the catalog would not read as meant, with
 * its path; the predicate's structure ($all, $any, $not) is left to the
 * predicate schema.
 */
function filterProblem(
  filter: unknown,
  path: PropertyKey[] = [],
): FilterProblem | undefined {
  if (!isObject(filter)) return undefined;
  for (const [key, value] of Object.entries(filter)) {
    let problem: FilterProblem | undefined;
    if ((key === '$all' || key === '$any') && Array.isArray(value))
      problem = value
        .map((p, i) => filterProblem(p, [...path, key, i]))
        .find(Boolean);
    else if (key === '$not') problem = filterProblem(value, [...path, key]);
    else if (!key.startsWith('$'))
      problem = fieldProblem(key, value, [...path, key]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A catalog filter predicate (an object), at most 10 KB of JSON, whose values
 * are as the catalog's query reads them (strings, and the operators with
 * their operands' types); a bad value is named by its path, e.g.
 * `filter.kind: must be a string…`.
 */
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
    const problem = filterProblem(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', ...problem });
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
