import { Exemption } from '@convergence/backstage-plugin-scorecards-common';
import { iso } from './knex';

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

/** An exemption as stored in `scorecard_exemptions`. */
export const toExemption = (r: any): Exemption => ({
  id: r.id,
  entityRef: r.entity_ref,
  checkId: r.check_id,
  reason: r.reason,
  author: r.author,
  expiresAt: iso(r.expires_at),
  createdAt: iso(r.created_at),
  ...(r.request_id ? { requestId: r.request_id } : {}),
  ...(r.approved_by ? { approvedBy: r.approved_by } : {}),
});
