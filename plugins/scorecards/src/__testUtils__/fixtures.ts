import {
  ScorecardsApi,
  ScorecardSummary,
  ScorecardTrendPoint,
} from '@convergence/backstage-plugin-scorecards-common';

export const definitions = {
  scorecards: [
    {
      id: 'ml-production-readiness',
      title: 'ML production readiness',
      filter: {},
      levels: [
        { name: 'Bronze', checks: ['has-description'] },
        { name: 'Silver', checks: ['model-card-complete'] },
      ],
    },
    {
      // Levels named otherwise, in an id with characters URLs and JSON escape.
      id: 'service "readiness" \\ 2',
      title: 'ML service readiness',
      filter: {},
      levels: [
        { name: 'L1', checks: ['has-description'] },
        { name: 'L2', checks: [] },
      ],
    },
  ],
  checks: [
    {
      id: 'has-description',
      title: 'Described',
      why: 'People read it in tables.',
      howToFix: 'Add metadata.description.',
    },
    {
      id: 'model-card-complete',
      title: 'Model card complete',
      why: 'Consumers need to know the limits.',
      howToFix: 'Fill spec.card.',
    },
  ],
};

export const result = {
  entityRef: 'model:default/merchant-risk-scorer',
  scorecardId: 'ml-production-readiness',
  level: 'Bronze',
  score: 0.75,
  evaluatedAt: '2026-11-27T06:00:00.000Z',
  checks: [
    { checkId: 'has-description', status: 'pass' as const },
    {
      checkId: 'model-card-complete',
      status: 'fail' as const,
      message: 'missing spec.card.intendedUse',
    },
  ],
};

/** What the backend answers for an owner's summary. */
export const summaryOf = (
  owner: string,
): {
  owners: string[];
  summaries: ScorecardSummary[];
  trend: ScorecardTrendPoint[];
} => ({
  owners: [owner],
  summaries: [
    {
      scorecardId: 'ml-production-readiness',
      entities: owner === 'group:default/fraud-ml' ? 3 : 5,
      levels:
        owner === 'group:default/fraud-ml'
          ? { Bronze: 2, none: 1 }
          : { Bronze: 2, Silver: 1, none: 2 },
      score: owner === 'group:default/fraud-ml' ? 0.8 : 0.6,
      // Failing on 2 entities with 5 downstream of them.
      topFailingChecks: [
        { checkId: 'model-card-complete', failing: 2, affects: 7 },
        { checkId: 'has-description', failing: 3, affects: 3 },
      ],
    },
    // Only product-ml owns services.
    ...(owner === 'group:default/product-ml'
      ? [
          {
            scorecardId: 'service "readiness" \\ 2',
            entities: 2,
            levels: { L1: 1, L2: 1 },
            score: 0.9,
            topFailingChecks: [],
          },
        ]
      : []),
  ],
  trend: [
    {
      day: '2026-11-20',
      scorecardId: 'ml-production-readiness',
      score: 0.5,
    },
    {
      day: '2026-11-27',
      scorecardId: 'ml-production-readiness',
      score: 0.8,
    },
  ],
});

/** An API method that fails with `error`, whatever it is asked. */
export const failsWith = (error: Error) => async (): Promise<never> => {
  throw error;
};

export function mockApi(overrides: Partial<ScorecardsApi> = {}): ScorecardsApi {
  return {
    getDefinitions: async () => definitions,
    getEntityResults: async () => ({ results: [result], exemptions: [] }),
    refreshEntity: async () => ({ results: [result] }),
    getSummary: async ({ owner } = {}) => summaryOf(owner!),
    getSummaries: async ({ owners }) => ({
      items: owners.map(owner => ({ owner, ...summaryOf(owner) })),
    }),
    getResults: async () => ({ results: [result] }),
    getResultsByRefs: async () => ({ results: [result] }),
    createExemption: async () => {
      throw new Error('not used');
    },
    getExemptions: async () => ({ exemptions: [], audit: [] }),
    revokeExemption: async () => {
      throw new Error('not used');
    },
    requestExemption: async () => {
      throw new Error('not used');
    },
    getExemptionRequests: async () => ({ requests: [] }),
    listExemptionRequests: async () => ({ requests: [] }),
    approveExemptionRequest: async () => {
      throw new Error('not used');
    },
    rejectExemptionRequest: async () => {
      throw new Error('not used');
    },
    listCampaigns: async () => ({ items: [] }),
    getCampaign: async () => {
      throw new Error('not used');
    },
    createCampaign: async () => {
      throw new Error('not used');
    },
    updateCampaign: async () => {
      throw new Error('not used');
    },
    archiveCampaign: async () => {
      throw new Error('not used');
    },
    getCheckTrend: async (checkId, { scorecardId }) => ({
      scorecardId,
      checkId,
      points: [],
    }),
    getCheckChanges: async entityRef => ({ entityRef, changes: [] }),
    ...overrides,
  };
}
