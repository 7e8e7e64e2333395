import type { z as zod } from 'zod/v3';
import type {
  CheckResult,
  EntityScorecardResult,
  Exemption,
  ScorecardSummary,
  ScorecardTrendPoint,
} from '@convergence/backstage-plugin-scorecards-common';

/** The zod (v3 API) the actions registry hands to schema callbacks. */
export type Zod = typeof zod;

/*
 * The outputs of the actions, as the REST routes answer them. Objects pass
 * unknown keys through, so an action answers exactly what its route does;
 * each is typed as the interface it describes (an interface has no index
 * signature for the keys passed through).
 */

/** One check's result for one entity (`CheckResult`). */
const checkResult = (z: Zod): zod.ZodType<CheckResult> =>
  z
    .object({
      checkId: z.string(),
      status: z
        .enum(['pass', 'fail', 'exempt', 'na', 'unknown'])
        .describe(
          'exempt: failing but covered by an unexpired exemption; na: does not apply; unknown: a fact provider failed',
        ),
      message: z
        .string()
        .optional()
        .describe('Specifics for this entity, e.g. which field is missing'),
      causes: z
        .array(z.string())
        .optional()
        .describe('Entity refs that make the check fail'),
    })
    .passthrough();

/** A scorecard's result for one entity (`EntityScorecardResult`). */
export const scorecardResult = (z: Zod): zod.ZodType<EntityScorecardResult> =>
  z
    .object({
      entityRef: z.string(),
      scorecardId: z.string(),
      level: z
        .string()
        .nullable()
        .describe('The highest level reached; null when not even the first'),
      score: z
        .number()
        .describe('0..1: passing or exempt checks over applicable checks'),
      checks: z.array(checkResult(z)),
      evaluatedAt: z.string(),
    })
    .passthrough();

/** An exemption from one check for one entity (`Exemption`). */
export const exemption = (z: Zod): zod.ZodType<Exemption> =>
  z
    .object({
      id: z.string(),
      entityRef: z.string(),
      checkId: z.string(),
      reason: z.string(),
      author: z.string().describe('The user who asked for it'),
      expiresAt: z.string(),
      createdAt: z.string(),
    })
    .passthrough();

/** Level counts, score and top failing checks of a set of entities (`ScorecardSummary`). */
const scorecardSummary = (z: Zod): zod.ZodType<ScorecardSummary> =>
  z
    .object({
      scorecardId: z.string(),
      entities: z.number(),
      levels: z
        .record(z.number())
        .describe('Entities per level; `none` below the first level'),
      score: z.number().describe('Mean score, 0..1'),
      topFailingChecks: z
        .array(
          z
            .object({
              checkId: z.string(),
              failing: z.number(),
              affects: z
                .number()
                .optional()
                .describe(
                  'The failing entities and the entities downstream of them',
                ),
            })
            .passthrough(),
        )
        .describe('What to fix first: most affected entities first'),
    })
    .passthrough();

/** A day's mean score of one scorecard (`ScorecardTrendPoint`). */
const trendPoint = (z: Zod): zod.ZodType<ScorecardTrendPoint> =>
  z
    .object({
      day: z.string().describe('YYYY-MM-DD (UTC)'),
      scorecardId: z.string(),
      score: z.number(),
    })
    .passthrough();

/** A summary, as `GET /summary` answers it (`SummaryAnswer`). */
export const summary = (z: Zod) =>
  z
    .object({
      owners: z
        .array(z.string())
        .optional()
        .describe('The owner and every group below it'),
      summaries: z.array(scorecardSummary(z)),
      trend: z
        .array(trendPoint(z))
        .describe('Mean score per scorecard and day'),
    })
    .passthrough();
