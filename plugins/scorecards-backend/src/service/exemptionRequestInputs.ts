import { z } from 'zod';
import { entityRef, exemptionBody, optionalQueryParam } from './inputs';

/** An exemption request as a requester makes it: what `POST …/exemptions` takes. */
export const exemptionRequestBody = exemptionBody;

/** An approval or a rejection: an optional comment. */
export const exemptionDecisionBody = z.preprocess(
  // No body at all reads as no comment (null is a body, and not an object).
  v => (v === undefined ? {} : v),
  z.strictObject({
    comment: z
      .string({ error: 'must be a string' })
      .max(10_000, 'must be at most 10000 characters')
      .refine(s => !s.includes('\u0000'), 'must not contain NUL characters')
      .optional(),
  }),
);

/** The inbox's query: an effective status and an owner (a group by default). */
export const exemptionInboxQuery = z.object({
  status: optionalQueryParam(
    z.enum(['pending', 'approved', 'rejected', 'expired'], {
      error: 'must be pending, approved, rejected or expired',
    }),
  ),
  owner: optionalQueryParam(entityRef('group')),
});
