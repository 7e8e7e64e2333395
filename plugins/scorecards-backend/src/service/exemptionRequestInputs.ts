import { z } from 'zod';
import { entityRef, exemptionBody } from './inputs';

/** An exemption request as a requester makes it: what `POST …/exemptions` takes. */
export const exemptionRequestBody = exemptionBody;

/** An approval or a rejection: an optional comment. */
export const exemptionDecisionBody = z.preprocess(
  // No body at all reads as no comment.
  v => v ?? {},
  z.object({
    comment: z
      .string({ error: 'must be a string' })
      .max(10_000)
      .refine(s => !s.includes('\u0000'), 'must not contain NUL characters')
      .optional(),
  }),
);

/** An optional query parameter; present but empty counts as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (v === '' ? undefined : v), schema.optional());

/** The inbox's query: an effective status and an owner (a group by default). */
export const exemptionInboxQuery = z.object({
  status: optional(
    z.enum(['pending', 'approved', 'rejected', 'expired'], {
      error: 'must be pending, approved, rejected or expired',
    }),
  ),
  owner: optional(entityRef('group')),
});
