import {
  ScorecardsApi,
  ScorecardSummary,
  ScorecardTrendPoint,
} from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiMock } from '@convergence/backstage-plugin-scorecards-react/testUtils';

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

/**
 * The scorecards API of these tests: merchant-risk-scorer graded as
 * {@link result} wherever results are asked, and the summaries of
 * {@link summaryOf}; otherwise scorecards-react's mock.
 */
export function mockApi(overrides: Partial<ScorecardsApi> = {}): ScorecardsApi {
  return scorecardsApiMock({
    getEntityResults: async () => ({ results: [result], exemptions: [] }),
    refreshEntity: async () => ({ results: [result] }),
    getSummary: async ({ owner } = {}) => summaryOf(owner!),
    getSummaries: async ({ owners }) => ({
      items: owners.map(owner => ({ owner, ...summaryOf(owner) })),
    }),
    getResults: async () => ({ results: [result] }),
    getResultsByRefs: async () => ({ results: [result] }),
    ...overrides,
  });
}
