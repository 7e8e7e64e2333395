import { useCallback, useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  CheckChange,
  Exemption,
  ExemptionAuditEntry,
  ExemptionRequest,
} from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from '@convergence/backstage-plugin-scorecards-react';

/** One of the card's side reads: its value, or why it failed. */
export type Loaded<T> = { value?: T; error?: Error };

/**
 * What the card shows beside the results: the entity's exemption requests,
 * its exemptions (expired ones too) with their audit trail, and when each
 * check last changed state.
 */
export interface ExemptionData {
  loading: boolean;
  requests: Loaded<ExemptionRequest[]>;
  exemptions: Loaded<{ exemptions: Exemption[]; audit: ExemptionAuditEntry[] }>;
  changes: Loaded<CheckChange[]>;
}

const settled = <T>(r: PromiseSettledResult<T>): Loaded<T> =>
  r.status === 'fulfilled'
    ? { value: r.value }
    : {
        error:
          r.reason instanceof Error ? r.reason : new Error(String(r.reason)),
      };

/** A request as the newer of two copies: a decided copy wins over a pending one. */
function newer(a: ExemptionRequest, b: ExemptionRequest) {
  if (a.status === 'pending' && b.status !== 'pending') return b;
  if (b.status === 'pending' && a.status !== 'pending') return a;
  return (a.decidedAt ?? '') > (b.decidedAt ?? '') ? a : b;
}

/**
 * Loads the side reads independently (one failing does not hide the
 * others, nor the results), and keeps what this card's own actions answered
 * (a request submitted, approved or rejected) until a reload shows it.
 */
export function useExemptionData(entityRef: string) {
  const api = useApi(scorecardsApiRef);
  const state = useAsyncRetry(async () => {
    const [requests, exemptions, changes] = await Promise.allSettled([
      api.getExemptionRequests(entityRef).then(r => r.requests),
      api.getExemptions(entityRef),
      api.getCheckChanges(entityRef).then(r => r.changes),
    ]);
    return {
      requests: settled(requests),
      exemptions: settled(exemptions),
      changes: settled(changes),
    };
  }, [api, entityRef]);

  // What this card's actions answered, kept with the entity they are of
  // (the card may be shown another entity).
  const [local, setLocal] = useState<{
    entityRef: string;
    requests: ExemptionRequest[];
    exemptions: Exemption[];
    revoked: ReadonlySet<string>;
  }>({ entityRef, requests: [], exemptions: [], revoked: new Set() });
  const current =
    local.entityRef === entityRef
      ? local
      : { entityRef, requests: [], exemptions: [], revoked: new Set<string>() };
  const localRequests = current.requests;
  const localExemptions = current.exemptions;
  const revoked = current.revoked;

  const data = useMemo((): ExemptionData => {
    const loaded = state.value;
    const byId = new Map<string, ExemptionRequest>();
    for (const r of loaded?.requests.value ?? []) byId.set(r.id, r);
    for (const r of localRequests) {
      const known = byId.get(r.id);
      byId.set(r.id, known ? newer(known, r) : r);
    }
    const requests = [...byId.values()].sort((a, b) =>
      b.requestedAt.localeCompare(a.requestedAt),
    );
    const loadedExemptions = loaded?.exemptions.value;
    const exemptionIds = new Set(
      (loadedExemptions?.exemptions ?? []).map(e => e.id),
    );
    return {
      loading: state.loading && !loaded,
      requests: {
        value:
          loaded?.requests.value || localRequests.length > 0
            ? requests
            : undefined,
        error: loaded?.requests.error,
      },
      exemptions: loadedExemptions
        ? {
            value: {
              audit: loadedExemptions.audit,
              exemptions: [
                ...localExemptions.filter(e => !exemptionIds.has(e.id)),
                ...loadedExemptions.exemptions,
              ].filter(e => !revoked.has(e.id)),
            },
          }
        : {
            value: localExemptions.length
              ? {
                  exemptions: localExemptions.filter(e => !revoked.has(e.id)),
                  audit: [],
                }
              : undefined,
            error: loaded?.exemptions.error,
          },
      changes: loaded?.changes ?? {},
    };
  }, [state.value, state.loading, localRequests, localExemptions, revoked]);

  const { retry } = state;
  const update = useCallback(
    (change: (prev: typeof local) => Partial<typeof local>) =>
      setLocal(prev => {
        const base =
          prev.entityRef === entityRef
            ? prev
            : {
                entityRef,
                requests: [],
                exemptions: [],
                revoked: new Set<string>(),
              };
        return { ...base, ...change(base) };
      }),
    [entityRef],
  );
  /** Keeps an answer of this card's own actions and reloads the rest. */
  const remember = useCallback(
    (answer: { request?: ExemptionRequest; exemption?: Exemption }) => {
      const { request, exemption } = answer;
      update(prev => ({
        requests: request
          ? [...prev.requests.filter(r => r.id !== request.id), request]
          : prev.requests,
        exemptions: exemption
          ? [...prev.exemptions.filter(e => e.id !== exemption.id), exemption]
          : prev.exemptions,
      }));
      retry();
    },
    [retry, update],
  );
  /** Hides a revoked exemption (before the reload shows it gone). */
  const forgetExemption = useCallback(
    (id: string) => {
      update(prev => ({ revoked: new Set([...prev.revoked, id]) }));
      retry();
    },
    [retry, update],
  );
  return { data, remember, forgetExemption, reload: retry };
}
