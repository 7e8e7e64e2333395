import { Exemption } from '@convergence/backstage-plugin-scorecards-common';

/** The `scorecard_exemptions` row of an exemption (read back by `toExemption`). */
export const exemptionRow = (e: Exemption) => ({
  id: e.id,
  entity_ref: e.entityRef,
  check_id: e.checkId,
  reason: e.reason,
  author: e.author,
  expires_at: new Date(e.expiresAt),
  created_at: new Date(e.createdAt),
  request_id: e.requestId ?? null,
  approved_by: e.approvedBy ?? null,
});
