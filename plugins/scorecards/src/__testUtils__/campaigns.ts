import {
  CampaignDetails,
  CampaignSummary,
} from '@convergence/backstage-plugin-scorecards-common';
import { campaignSummaryFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';
import { PermissionApi } from '@backstage/plugin-permission-react';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Noon (UTC) of the calendar day `days` days (rounded) from today (UTC), so
 * "N days left", counted in calendar days, does not depend on the hour.
 */
export const inDays = (days: number) => {
  const now = new Date();
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return new Date(today + Math.round(days) * DAY + DAY / 2).toISOString();
};

/**
 * An open campaign, 13 calendar days before its deadline: "13 days left"
 * (production-silver of the common fixtures, its title in awkward characters).
 */
export const openCampaign = (
  overrides: Partial<CampaignSummary> = {},
): CampaignSummary =>
  campaignSummaryFixture({
    id: 'silver-models',
    title: 'Production models reach "Silver" — ünïcode ✓',
    description: 'Every **production** model reaches Silver.',
    startsAt: inDays(-10.5),
    deadline: inDays(12.5),
    ...overrides,
  });

export const upcomingCampaign = openCampaign({
  id: 'describe-everything',
  title: 'Describe everything',
  target: { checks: ['has-description', 'model-card-complete'] },
  startsAt: inDays(2.5),
  deadline: inDays(30.5),
  owner: 'group:default/fraud-ml',
  source: 'database',
  state: 'upcoming',
  progress: { done: 0, total: 4, ungraded: 0 },
});

export const closedCampaign = openCampaign({
  id: 'bronze-2026',
  title: 'Bronze for all',
  target: { level: 'Bronze' },
  startsAt: '2026-01-01T00:00:00.000Z',
  deadline: '2026-03-31T23:59:59.999Z',
  state: 'closed',
  progress: { done: 5, total: 5, ungraded: 0 },
});

/** What the backend answers for the open campaign's page. */
export const campaignDetails = (
  overrides: Partial<CampaignSummary> = {},
): CampaignDetails => ({
  campaign: openCampaign(overrides),
  teams: [
    { owner: 'group:default/fraud-ml', done: 2, total: 2 },
    { owner: 'group:default/ml-platform', done: 3, total: 5 },
    { owner: 'group:default/product-ml', done: 1, total: 3 },
  ],
  entities: [
    {
      entityRef: 'model:default/merchant-risk-scorer',
      owner: 'group:default/product-ml',
      level: 'Bronze',
      done: false,
      failingChecks: ['model-card-complete'],
    },
    {
      entityRef: 'model:default/churn.v2',
      owner: 'group:default/product-ml',
      level: null,
      done: false,
      failingChecks: ['has-description', 'model-card-complete'],
    },
    {
      entityRef: 'model:default/fraud-detector',
      owner: 'group:default/fraud-ml',
      level: 'Silver',
      done: true,
      failingChecks: [],
    },
  ],
  burnUp: [
    { day: '2026-11-20', done: 1, total: 5 },
    { day: '2026-11-30', done: 3, total: 5 },
  ],
});

/** A permission API that answers every request with `allowed`. */
export const permissionApi = (allowed: boolean) => {
  const authorize = jest.fn(async () => ({
    result: allowed ? 'ALLOW' : 'DENY',
  }));
  return { authorize } as unknown as PermissionApi & {
    authorize: typeof authorize;
  };
};

/**
 * `@backstage/plugin-permission-react` with a `usePermission` that asks the
 * permission API on every mount. The real hook keeps answers in SWR's global
 * cache, so one test's answer would leak into the next test of the file. Use
 * as `jest.mock('@backstage/plugin-permission-react', () =>
 * require('../../__testUtils__/campaigns').uncachedPermissionReact())`.
 */
export function uncachedPermissionReact() {
  const actual = jest.requireActual('@backstage/plugin-permission-react');
  const { useApi } = jest.requireActual('@backstage/core-plugin-api');
  const useAsync = jest.requireActual('react-use/esm/useAsync').default;
  return {
    ...actual,
    usePermission: (input: object) => {
      const api = useApi(actual.permissionApiRef);
      const { value, error } = useAsync(() => api.authorize(input), [api]);
      if (error) return { loading: false, allowed: false, error };
      return { loading: !value, allowed: value?.result === 'ALLOW' };
    },
  };
}
