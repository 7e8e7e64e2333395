import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import {
  CheckInfo,
  EntityScorecardResult,
  Exemption,
  OwnerScorecardSummary,
  ScorecardDefinition,
  ScorecardsApi,
} from '@convergence/backstage-plugin-scorecards-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardsApiRef } from './api';

/**
 * What `/definitions` answers: every scorecard (with its levels, lowest first)
 * and every check's title, why and how to fix.
 *
 * @public
 */
export interface ScorecardDefinitions {
  scorecards: ScorecardDefinition[];
  checks: CheckInfo[];
}

/**
 * The most owners `getSummaries` takes in one request.
 */
const MAX_OWNERS_PER_REQUEST = 100;

/** A key that changes when the list's contents do, for hook dependencies. */
const listKey = (list: string[]) => JSON.stringify(list);

/**
 * The scorecard definitions.
 *
 * @public
 */
export function useScorecardDefinitions() {
  const api = useApi(scorecardsApiRef);
  return useAsync(() => api.getDefinitions(), [api]);
}

/**
 * An entity's latest results and exemptions, with the definitions; `retry`
 * reloads them (e.g. after `refreshEntity`).
 *
 * @public
 */
export function useEntityScorecard(entityRef: string) {
  const api = useApi(scorecardsApiRef);
  return useAsyncRetry(async (): Promise<{
    results: EntityScorecardResult[];
    exemptions: Exemption[];
    definitions: ScorecardDefinitions;
  }> => {
    const [{ results, exemptions }, definitions] = await Promise.all([
      api.getEntityResults(entityRef),
      api.getDefinitions(),
    ]);
    return { results, exemptions, definitions };
  }, [api, entityRef]);
}

/**
 * The summary of one owner (sub-teams included) or system, with its trend
 * over `days` days, and the definitions.
 *
 * @public
 */
export function useScorecardSummary(options: {
  owner?: string;
  system?: string;
  days?: number;
}) {
  const api = useApi(scorecardsApiRef);
  const { owner, system, days } = options;
  return useAsync(async (): Promise<{
    summary: Awaited<ReturnType<ScorecardsApi['getSummary']>>;
    definitions: ScorecardDefinitions;
  }> => {
    const [summary, definitions] = await Promise.all([
      api.getSummary({ owner, system, days }),
      api.getDefinitions(),
    ]);
    return { summary, definitions };
  }, [api, owner, system, days]);
}

/**
 * The summaries of many owners (each with the groups below it), one item per
 * owner in the order given, and the definitions; one request for up to 100
 * owners (one per 100 beyond).
 *
 * @public
 */
export function useScorecardSummaries(
  owners: string[],
  options: { days?: number } = {},
) {
  const api = useApi(scorecardsApiRef);
  const { days } = options;
  const key = listKey(owners);
  return useAsync(async (): Promise<{
    items: OwnerScorecardSummary[];
    definitions: ScorecardDefinitions;
  }> => {
    const batches: string[][] = [];
    for (let i = 0; i < owners.length; i += MAX_OWNERS_PER_REQUEST) {
      batches.push(owners.slice(i, i + MAX_OWNERS_PER_REQUEST));
    }
    const [answers, definitions] = await Promise.all([
      Promise.all(
        batches.map(batch => api.getSummaries({ owners: batch, days })),
      ),
      api.getDefinitions(),
    ]);
    return { items: answers.flatMap(a => a.items), definitions };
    // owners is compared by contents (key), not identity
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, days]);
}

/**
 * The latest results of an owner's (sub-teams included) or a system's
 * entities, weakest first, and the definitions.
 *
 * @public
 */
export function useScorecardResults(options: {
  owner?: string;
  system?: string;
}) {
  const api = useApi(scorecardsApiRef);
  const { owner, system } = options;
  return useAsync(async (): Promise<{
    results: EntityScorecardResult[];
    definitions: ScorecardDefinitions;
  }> => {
    const [{ results }, definitions] = await Promise.all([
      api.getResults({ owner, system }),
      api.getDefinitions(),
    ]);
    return { results, definitions };
  }, [api, owner, system]);
}

/**
 * The latest results of up to 500 entities (those the caller may read), and
 * the definitions. For plugins that show scorecards where they are installed:
 * the value is undefined when the app has no scorecards API or no refs are
 * given.
 *
 * @public
 */
export function useScorecardResultsByRefs(entityRefs: string[]) {
  const api = useApiHolder().get(scorecardsApiRef);
  const key = listKey(entityRefs);
  return useAsync(async (): Promise<
    | { results: EntityScorecardResult[]; definitions: ScorecardDefinitions }
    | undefined
  > => {
    if (!api || entityRefs.length === 0) return undefined;
    const [{ results }, definitions] = await Promise.all([
      api.getResultsByRefs(entityRefs),
      api.getDefinitions(),
    ]);
    return { results, definitions };
    // entityRefs is compared by contents (key), not identity
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
}
