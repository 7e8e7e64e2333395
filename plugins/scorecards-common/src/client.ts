import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CampaignDetails,
  CampaignInput,
  CampaignSummary,
  CheckChange,
  CheckInfo,
  CheckTrend,
  CheckTrendQuery,
  EntityScorecardResult,
  Exemption,
  ExemptionAuditEntry,
  ExemptionRequest,
  ExemptionRequestStatus,
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
  /** An entity's exemptions (expired ones too) and their audit trail. */
  getExemptions(
    entityRef: string,
  ): Promise<{ exemptions: Exemption[]; audit: ExemptionAuditEntry[] }>;
  revokeExemption(id: string): Promise<Exemption | undefined>;

  /** Asks for an exemption; pending until someone who may manage the entity's exemptions decides. */
  requestExemption(
    entityRef: string,
    request: { checkId: string; reason: string; expiresAt: string },
  ): Promise<ExemptionRequest>;
  /** An entity's exemption requests, newest first. */
  getExemptionRequests(
    entityRef: string,
  ): Promise<{ requests: ExemptionRequest[] }>;
  /** Requests of the entities the caller may read, e.g. the pending ones of a team's tree. */
  listExemptionRequests(options?: {
    status?: ExemptionRequestStatus;
    owner?: string;
  }): Promise<{ requests: ExemptionRequest[] }>;
  approveExemptionRequest(
    id: string,
    options?: { comment?: string },
  ): Promise<{
    request: ExemptionRequest;
    exemption: Exemption;
    results: EntityScorecardResult[];
  }>;
  rejectExemptionRequest(
    id: string,
    options?: { comment?: string },
  ): Promise<{ request: ExemptionRequest }>;

  /** Campaigns with their progress; with `owner`, that owner tree's progress and only campaigns covering it. */
  listCampaigns(options?: {
    owner?: string;
    state?: 'open' | 'upcoming' | 'closed' | 'all';
  }): Promise<{ items: CampaignSummary[] }>;
  getCampaign(
    id: string,
    options?: { owner?: string },
  ): Promise<CampaignDetails>;
  createCampaign(campaign: CampaignInput): Promise<CampaignSummary>;
  updateCampaign(id: string, campaign: CampaignInput): Promise<CampaignSummary>;
  archiveCampaign(id: string): Promise<void>;

  /** One check's pass rate per day, for an owner's tree, a system or everything the caller may read. */
  getCheckTrend(checkId: string, options: CheckTrendQuery): Promise<CheckTrend>;
  /** When each of an entity's checks last changed state. */
  getCheckChanges(
    entityRef: string,
  ): Promise<{ entityRef: string; changes: CheckChange[] }>;
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
    // 204, or a DELETE answering nothing.
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
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

  getExemptions(entityRef: string) {
    return this.call<{
      exemptions: Exemption[];
      audit: ExemptionAuditEntry[];
    }>(`${ScorecardsClient.entityPath(entityRef)}/exemptions`);
  }

  revokeExemption(id: string) {
    return this.call<Exemption | undefined>(
      `/exemptions/${encodeURIComponent(id)}`,
      { method: 'DELETE' },
    );
  }

  requestExemption(
    entityRef: string,
    request: { checkId: string; reason: string; expiresAt: string },
  ) {
    return this.call<ExemptionRequest>(
      `${ScorecardsClient.entityPath(entityRef)}/exemption-requests`,
      { method: 'POST', body: JSON.stringify(request) },
    );
  }

  getExemptionRequests(entityRef: string) {
    return this.call<{ requests: ExemptionRequest[] }>(
      `${ScorecardsClient.entityPath(entityRef)}/exemption-requests`,
    );
  }

  listExemptionRequests(
    options: { status?: ExemptionRequestStatus; owner?: string } = {},
  ) {
    return this.call<{ requests: ExemptionRequest[] }>(
      `/exemption-requests${ScorecardsClient.query(options)}`,
    );
  }

  approveExemptionRequest(id: string, options: { comment?: string } = {}) {
    return this.call<{
      request: ExemptionRequest;
      exemption: Exemption;
      results: EntityScorecardResult[];
    }>(`/exemption-requests/${encodeURIComponent(id)}/approve`, {
      method: 'POST',
      body: JSON.stringify(options),
    });
  }

  rejectExemptionRequest(id: string, options: { comment?: string } = {}) {
    return this.call<{ request: ExemptionRequest }>(
      `/exemption-requests/${encodeURIComponent(id)}/reject`,
      { method: 'POST', body: JSON.stringify(options) },
    );
  }

  listCampaigns(
    options: {
      owner?: string;
      state?: 'open' | 'upcoming' | 'closed' | 'all';
    } = {},
  ) {
    return this.call<{ items: CampaignSummary[] }>(
      `/campaigns${ScorecardsClient.query(options)}`,
    );
  }

  getCampaign(id: string, options: { owner?: string } = {}) {
    return this.call<CampaignDetails>(
      `/campaigns/${encodeURIComponent(id)}${ScorecardsClient.query(options)}`,
    );
  }

  createCampaign(campaign: CampaignInput) {
    return this.call<CampaignSummary>('/campaigns', {
      method: 'POST',
      body: JSON.stringify(campaign),
    });
  }

  updateCampaign(id: string, campaign: CampaignInput) {
    return this.call<CampaignSummary>(`/campaigns/${encodeURIComponent(id)}`, {
      method: 'PUT',
      body: JSON.stringify(campaign),
    });
  }

  async archiveCampaign(id: string) {
    await this.call<unknown>(`/campaigns/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  getCheckTrend(checkId: string, options: CheckTrendQuery) {
    return this.call<CheckTrend>(
      `/checks/${encodeURIComponent(checkId)}/trend${ScorecardsClient.query(
        options,
      )}`,
    );
  }

  getCheckChanges(entityRef: string) {
    return this.call<{ entityRef: string; changes: CheckChange[] }>(
      `${ScorecardsClient.entityPath(entityRef)}/check-changes`,
    );
  }
}
