import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CheckInfo,
  EntityScorecardResult,
  Exemption,
  OwnerScorecardSummary,
  ScorecardDefinition,
  ScorecardSummary,
  ScorecardTrendPoint,
} from './types';

/**
 * The scorecards REST API. A failed request rejects with a `ResponseError`
 * from `@backstage/errors`: its `cause` is the server's error (e.g. `name`
 * `NotAllowedError`, and the server's message), its `statusCode` the HTTP status.
 *
 * @public
 */
export interface ScorecardsApi {
  getDefinitions(): Promise<{
    scorecards: ScorecardDefinition[];
    checks: CheckInfo[];
  }>;
  getEntityResults(
    entityRef: string,
  ): Promise<{ results: EntityScorecardResult[]; exemptions: Exemption[] }>;
  refreshEntity(
    entityRef: string,
  ): Promise<{ results: EntityScorecardResult[] }>;
  getSummary(options?: {
    owner?: string;
    system?: string;
    days?: number;
  }): Promise<{
    owners?: string[];
    summaries: ScorecardSummary[];
    trend: ScorecardTrendPoint[];
  }>;
  /**
   * The summaries of up to 100 owners in one request: one item per owner
   * asked for, in order, each what `getSummary({ owner, days })` returns.
   */
  getSummaries(options: {
    owners: string[];
    days?: number;
  }): Promise<{ items: OwnerScorecardSummary[] }>;
  getResults(options: {
    owner?: string;
    system?: string;
  }): Promise<{ results: EntityScorecardResult[] }>;
  /** Latest results of up to 500 entities (those the caller may read). */
  getResultsByRefs(
    entityRefs: string[],
  ): Promise<{ results: EntityScorecardResult[] }>;
  createExemption(
    entityRef: string,
    exemption: { checkId: string; reason: string; expiresAt: string },
  ): Promise<Exemption>;
}

/**
 * What the client needs of Backstage's discovery and fetch APIs (frontend or backend).
 *
 * @public
 */
export interface ScorecardsClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
}

/**
 * HTTP client for the scorecards backend.
 *
 * @public
 */
export class ScorecardsClient implements ScorecardsApi {
  constructor(private readonly options: ScorecardsClientOptions) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('scorecards');
    const res = await this.options.fetchApi.fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
        ...init?.headers,
      },
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res.json();
  }

  private static entityPath(entityRef: string) {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}`;
  }

  private static query(params: Record<string, string | number | undefined>) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  getDefinitions() {
    return this.call<{
      scorecards: ScorecardDefinition[];
      checks: CheckInfo[];
    }>('/definitions');
  }

  async getEntityResults(entityRef: string) {
    return this.call<{
      results: EntityScorecardResult[];
      exemptions: Exemption[];
    }>(ScorecardsClient.entityPath(entityRef));
  }

  async refreshEntity(entityRef: string) {
    return this.call<{ results: EntityScorecardResult[] }>(
      `${ScorecardsClient.entityPath(entityRef)}/refresh`,
      { method: 'POST' },
    );
  }

  getSummary(options: { owner?: string; system?: string; days?: number } = {}) {
    return this.call<{
      owners?: string[];
      summaries: ScorecardSummary[];
      trend: ScorecardTrendPoint[];
    }>(`/summary${ScorecardsClient.query(options)}`);
  }

  getSummaries(options: { owners: string[]; days?: number }) {
    return this.call<{ items: OwnerScorecardSummary[] }>(
      '/summaries/by-owners',
      {
        method: 'POST',
        body: JSON.stringify({ owners: options.owners, days: options.days }),
      },
    );
  }

  getResults(options: { owner?: string; system?: string }) {
    return this.call<{ results: EntityScorecardResult[] }>(
      `/results${ScorecardsClient.query(options)}`,
    );
  }

  getResultsByRefs(entityRefs: string[]) {
    return this.call<{ results: EntityScorecardResult[] }>('/results/by-refs', {
      method: 'POST',
      body: JSON.stringify({ entityRefs }),
    });
  }

  async createExemption(
    entityRef: string,
    exemption: { checkId: string; reason: string; expiresAt: string },
  ) {
    return this.call<Exemption>(
      `${ScorecardsClient.entityPath(entityRef)}/exemptions`,
      {
        method: 'POST',
        body: JSON.stringify(exemption),
      },
    );
  }
}
