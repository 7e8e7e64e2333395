import { z } from 'zod';
import {
  optionalQueryParam,
  queryWholeNumber,
} from '@convergence/backstage-plugin-mlops-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { canExist } from './ScorecardQueries';

/**
 * The validation the REST routes and the actions share: each reads its input
 * with these schemas, so both accept the same values and name the same
 * fields when they refuse one.
 */

/** An entity reference, as a full lower-case ref; `[kind:][namespace/]name` with the defaults given. */
export const entityRef = (defaultKind?: string) =>
  z.string().transform((value, ctx) => {
    try {
      const ref = parseEntityRef(value, { defaultKind });
      if (canExist(ref.kind, ref.namespace, ref.name))
        return stringifyEntityRef(ref).toLowerCase();
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message: `not a valid entity reference, e.g. ${
        defaultKind ?? 'model'
      }:default/name`,
    });
    return z.NEVER;
  });

const noNul = (s: string) => !s.includes('\u0000');

/** An exemption as a caller asks for it. */
export const exemptionBody = z.strictObject({
  checkId: z.string().min(1),
  reason: z
    .string()
    .trim()
    .min(3, 'must say why, in at least 3 characters')
    .max(10_000, 'must be at most 10000 characters')
    .refine(noNul, 'must not contain NUL characters'),
  expiresAt: z.iso.datetime({
    offset: true,
    error:
      'must be a date and time with its time zone, e.g. 2026-12-31T00:00:00Z',
  }),
});

/** The request-exemption action's input: an exemption and its entity. */
export const exemptionActionInput = exemptionBody.extend({
  entityRef: z.string(),
});

export const DAYS = 'must be a whole number of days from 1 to 730';

/** Days of trend or history when none are given. */
const DEFAULT_DAYS = 90;

/** A whole number of days from 1 to 730. */
const dayCount = z
  .number({ error: DAYS })
  .int({ error: DAYS })
  .min(1, { error: DAYS })
  .max(730, { error: DAYS });

/** Days of trend or history in a JSON body or an action's input; by default 90. */
export const bodyDays = dayCount.default(DEFAULT_DAYS);

/**
 * Days of trend or history in a query string: decimal digits, given once
 * (`?days=30`); absent or empty, the default.
 */
export const queryDays = optionalQueryParam(
  queryWholeNumber(DAYS).pipe(dayCount),
).transform(v => v ?? DEFAULT_DAYS);

/** Re-exported for the routes and actions that read their input with these schemas. */
export {
  optionalQueryParam,
  parseInput,
} from '@convergence/backstage-plugin-mlops-node';

/*
 * The inputs of the actions (see ../actions), read as the routes read theirs.
 */

/** An action's `entityRef`. */
export const entityRefInput = z.object({ entityRef: entityRef() });

/** An action's `owner`: a group unless the ref names another kind. */
export const ownerInput = z.object({ owner: entityRef('group') });

/** An action's owner and days of trend, as `GET /summary` reads them. */
export const teamSummaryInput = ownerInput.extend({
  days: bodyDays,
});
