import { Campaign } from '@convergence/backstage-plugin-scorecards-common';
import {
  campaignConfigFixture,
  campaignFixture,
} from '@convergence/backstage-plugin-scorecards-common/testUtils';

/**
 * A campaign as the config declares it (an entry of `scorecards.campaigns`):
 * production-silver of ml-production-readiness, between 2026-01-01 and
 * 2099-12-31; `overrides` replace its keys.
 */
export const campaignEntry = campaignConfigFixture;

/**
 * A campaign as the plugin holds it (config campaigns read, database ones
 * stored): production-silver of the scorecard `ml`, between 2026-12-01 and
 * the end of 2027-03-31 (UTC); `overrides` replace its keys.
 */
export const storedCampaign = (overrides: Partial<Campaign> = {}): Campaign =>
  campaignFixture({
    scorecardId: 'ml',
    startsAt: '2026-12-01T00:00:00.000Z',
    deadline: '2027-03-31T23:59:59.999Z',
    ...overrides,
  });
