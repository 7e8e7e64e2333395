import {
  CheckInfo,
  ScorecardDefinition,
  ScorecardsApi,
} from '@convergence/backstage-plugin-scorecards-common';

/**
 * Two scorecards and their checks, as the scorecards backend defines them:
 * what {@link scorecardsApiMock} answers for `getDefinitions`.
 *
 * @public
 */
export const mockScorecardDefinitions: {
  scorecards: ScorecardDefinition[];
  checks: CheckInfo[];
} = {
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

const notMocked = (method: keyof ScorecardsApi) => async (): Promise<never> => {
  throw new Error(`scorecardsApiMock: pass ${method} in its overrides`);
};

/**
 * A scorecards API for tests: the scorecards of
 * {@link mockScorecardDefinitions}, no entity graded, no exemptions, requests
 * or campaigns. `getCampaign` and the methods that change something throw;
 * `overrides` replace any method.
 *
 * @public
 */
export function scorecardsApiMock(
  overrides: Partial<ScorecardsApi> = {},
): ScorecardsApi {
  return {
    getDefinitions: async () => mockScorecardDefinitions,
    getEntityResults: async () => ({ results: [], exemptions: [] }),
    refreshEntity: async () => ({ results: [] }),
    getSummary: async ({ owner } = {}) => ({
      owners: owner ? [owner] : [],
      summaries: [],
      trend: [],
    }),
    getSummaries: async ({ owners }) => ({
      items: owners.map(owner => ({
        owner,
        owners: [owner],
        summaries: [],
        trend: [],
      })),
    }),
    getResults: async () => ({ results: [] }),
    getResultsByRefs: async () => ({ results: [] }),
    createExemption: notMocked('createExemption'),
    getExemptions: async () => ({ exemptions: [], audit: [] }),
    revokeExemption: notMocked('revokeExemption'),
    requestExemption: notMocked('requestExemption'),
    getExemptionRequests: async () => ({ requests: [] }),
    listExemptionRequests: async () => ({ requests: [] }),
    approveExemptionRequest: notMocked('approveExemptionRequest'),
    rejectExemptionRequest: notMocked('rejectExemptionRequest'),
    listCampaigns: async () => ({ items: [] }),
    getCampaign: notMocked('getCampaign'),
    createCampaign: notMocked('createCampaign'),
    updateCampaign: notMocked('updateCampaign'),
    archiveCampaign: notMocked('archiveCampaign'),
    getCheckTrend: async (checkId, { scorecardId }) => ({
      scorecardId,
      checkId,
      points: [],
    }),
    getCheckChanges: async entityRef => ({ entityRef, changes: [] }),
    ...overrides,
  };
}
