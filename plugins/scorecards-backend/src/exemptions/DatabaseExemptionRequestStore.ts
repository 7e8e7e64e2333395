import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  Exemption,
  ExemptionRequest,
  ExemptionRequestStatus,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  ExemptionDecision,
  ExemptionRequestFilter,
  ExemptionRequestStore,
  NewExemptionRequest,
} from './ExemptionRequestStore';
import { exemptionRow, toExemption } from '../database/exemptionRow';
import { storeFactory, iso } from '../database/knex';

const REQUESTS = 'scorecard_exemption_requests';

/** The actor of the audit rows the expiry sweep writes. */
export const EXPIRY_ACTOR = 'plugin:scorecards';

/** How many expired exemptions one sweep handles at most; the next sweep takes the rest. */
const DUE_BATCH = 5000;

/** What holds a request's place as the one pending request of its entity and check. */
const pendingKey = (entityRef: string, checkId: string) =>
  `${entityRef}|${checkId}`;

type RequestRow = {
  id: string;
  entity_ref: string;
  check_id: string;
  owner_ref: string | null;
  reason: string;
  requested_by: string;
  requested_at: Date | string | number;
  expires_at: Date | string | number;
  status: ExemptionRequestStatus;
  decided_by: string | null;
  decided_at: Date | string | number | null;
  comment: string | null;
  exemption_id: string | null;
};

/**
 * A request as stored, with its effective status at `now` when given: a
 * pending or approved request whose expiry has passed reads as expired.
 */
const toRequest = (r: RequestRow, now?: Date): ExemptionRequest => {
  const expiresAt = iso(r.expires_at);
  const lapsed =
    now !== undefined &&
    (r.status === 'pending' || r.status === 'approved') &&
    new Date(expiresAt) <= now;
  return {
    id: r.id,
    entityRef: r.entity_ref,
    checkId: r.check_id,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: iso(r.requested_at),
    expiresAt,
    status: lapsed ? 'expired' : r.status,
    ...(r.owner_ref ? { owner: r.owner_ref } : {}),
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_at ? { decidedAt: iso(r.decided_at) } : {}),
    ...(r.comment ? { comment: r.comment } : {}),
    ...(r.exemption_id ? { exemptionId: r.exemption_id } : {}),
  };
};

/** The knex implementation of {@link ExemptionRequestStore} (SQLite and PostgreSQL). */
export class DatabaseExemptionRequestStore implements ExemptionRequestStore {
  static readonly create = storeFactory(DatabaseExemptionRequestStore);

  constructor(private readonly db: Knex) {}

  private static audit(
    tx: Knex.Transaction,
    action: string,
    actor: string,
    at: Date,
    subject: { entityRef: string; checkId: string },
    details: unknown,
  ) {
    return tx('scorecard_audit').insert({
      at,
      actor,
      action,
      entity_ref: subject.entityRef,
      check_id: subject.checkId,
      details: JSON.stringify(details),
    });
  }

  /**
   * Marks pending requests whose expiry has passed by `now` as expired (each
   * only if still pending), with their audit rows, in `tx`.
   */
  private static async expirePendingIn(
    tx: Knex.Transaction,
    now: Date,
    only?: { pendingKey: string },
  ) {
    const q = tx<RequestRow>(REQUESTS)
      .where('status', 'pending')
      .andWhere('expires_at', '<=', now);
    if (only) q.andWhere('pending_key', only.pendingKey);
    const rows: RequestRow[] = await q.select();
    const expired: ExemptionRequest[] = [];
    for (const row of rows) {
      const changed = await tx(REQUESTS)
        .where({ id: row.id, status: 'pending' })
        .update({ status: 'expired', pending_key: null });
      if (!changed) continue;
      const request = toRequest({ ...row, status: 'expired' });
      await DatabaseExemptionRequestStore.audit(
        tx,
        'exemption.expire',
        EXPIRY_ACTOR,
        now,
        request,
        { request },
      );
      expired.push(request);
    }
    return expired;
  }

  async createRequest(r: NewExemptionRequest, now: Date) {
    return this.db.transaction(async tx => {
      const key = pendingKey(r.entityRef, r.checkId);
      // One that lapsed unnoticed (before the sweep) does not block a new one.
      const expired = await DatabaseExemptionRequestStore.expirePendingIn(
        tx,
        now,
        { pendingKey: key },
      );
      const id = randomUUID();
      const row = {
        id,
        entity_ref: r.entityRef,
        check_id: r.checkId,
        owner_ref: r.ownerRef ?? null,
        reason: r.reason,
        requested_by: r.requestedBy,
        requested_at: now,
        expires_at: r.expiresAt,
        status: 'pending' as const,
        decided_by: null,
        decided_at: null,
        comment: null,
        exemption_id: null,
      };
      // The unique pending_key refuses a second pending request, also one
      // inserted at the same moment by another replica (PostgreSQL waits for
      // the other transaction, then does nothing).
      const inserted = await tx(REQUESTS)
        .insert({ ...row, pending_key: key })
        .onConflict('pending_key')
        .ignore()
        .returning('id');
      if (!inserted.length) return { expired };
      const request = toRequest(row);
      await DatabaseExemptionRequestStore.audit(
        tx,
        'exemption.request',
        r.requestedBy,
        now,
        request,
        { request },
      );
      return { request, expired };
    });
  }

  async getRequest(id: string, now: Date) {
    const row = await this.db<RequestRow>(REQUESTS).where('id', id).first();
    return row ? toRequest(row, now) : undefined;
  }

  async listRequests(filter: ExemptionRequestFilter, now: Date, limit: number) {
    if (filter.entityRefs?.length === 0 || filter.ownerRefs?.length === 0)
      return [];
    const q = this.db<RequestRow>(REQUESTS)
      .select()
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (filter.entityRef) q.where('entity_ref', filter.entityRef);
    if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    if (filter.ownerRefs) q.whereIn('owner_ref', filter.ownerRefs);
    switch (filter.status) {
      case 'pending':
      case 'approved':
        q.where('status', filter.status).andWhere('expires_at', '>', now);
        break;
      case 'rejected':
        q.where('status', 'rejected');
        break;
      case 'expired':
        q.where(w =>
          w
            .where('status', 'expired')
            .orWhere(lapsed =>
              lapsed
                .whereIn('status', ['pending', 'approved'])
                .andWhere('expires_at', '<=', now),
            ),
        );
        break;
      default:
        break;
    }
    return (await q).map(r => toRequest(r, now));
  }

  /**
   * Decides the request if it is still pending and unexpired at `d.now`
   * (of two replicas deciding at once, the second finds it decided and
   * changes nothing): the request as decided, undefined otherwise.
   */
  private static async decide(
    tx: Knex.Transaction,
    id: string,
    status: 'approved' | 'rejected',
    d: ExemptionDecision,
    extra: { exemption_id?: string } = {},
  ) {
    const changed = await tx(REQUESTS)
      .where({ id, status: 'pending' })
      .andWhere('expires_at', '>', d.now)
      .update({
        status,
        pending_key: null,
        decided_by: d.actor,
        decided_at: d.now,
        comment: d.comment ?? null,
        ...extra,
      });
    if (!changed) return undefined;
    return toRequest((await tx<RequestRow>(REQUESTS).where('id', id).first())!);
  }

  async approve(id: string, d: ExemptionDecision) {
    return this.db.transaction(async tx => {
      const exemptionId = randomUUID();
      const request = await DatabaseExemptionRequestStore.decide(
        tx,
        id,
        'approved',
        d,
        { exemption_id: exemptionId },
      );
      if (!request) return undefined;
      const exemption: Exemption = {
        id: exemptionId,
        entityRef: request.entityRef,
        checkId: request.checkId,
        reason: request.reason,
        author: request.requestedBy,
        expiresAt: request.expiresAt,
        createdAt: d.now.toISOString(),
        requestId: request.id,
        approvedBy: d.actor,
      };
      await tx('scorecard_exemptions').insert(exemptionRow(exemption));
      await DatabaseExemptionRequestStore.audit(
        tx,
        'exemption.approve',
        d.actor,
        d.now,
        request,
        { request, exemption },
      );
      return { request, exemption };
    });
  }

  async reject(id: string, d: ExemptionDecision) {
    return this.db.transaction(async tx => {
      const request = await DatabaseExemptionRequestStore.decide(
        tx,
        id,
        'rejected',
        d,
      );
      if (!request) return undefined;
      await DatabaseExemptionRequestStore.audit(
        tx,
        'exemption.reject',
        d.actor,
        d.now,
        request,
        { request },
      );
      return request;
    });
  }

  async expirePending(now: Date) {
    return this.db.transaction(tx =>
      DatabaseExemptionRequestStore.expirePendingIn(tx, now),
    );
  }

  async dueExemptions(now: Date): Promise<Exemption[]> {
    const rows: unknown[] = await this.db('scorecard_exemptions')
      .where('expires_at', '<=', now)
      .whereNull('expiry_handled_at')
      .orderBy('expires_at')
      .limit(DUE_BATCH);
    return rows.map(toExemption);
  }

  async markExemptionsExpired(ids: string[], now: Date) {
    const handled: Exemption[] = [];
    for (const id of ids) {
      const exemption = await this.db.transaction(async tx => {
        const changed = await tx('scorecard_exemptions')
          .where('id', id)
          .whereNull('expiry_handled_at')
          .update({ expiry_handled_at: now });
        if (!changed) return undefined;
        const expired = toExemption(
          await tx('scorecard_exemptions').where('id', id).first(),
        );
        if (expired.requestId)
          await tx(REQUESTS)
            .where({ id: expired.requestId, status: 'approved' })
            .update({ status: 'expired' });
        await DatabaseExemptionRequestStore.audit(
          tx,
          'exemption.expire',
          EXPIRY_ACTOR,
          now,
          expired,
          { exemption: expired },
        );
        return expired;
      });
      if (exemption) handled.push(exemption);
    }
    return handled;
  }
}
