import { Campaign } from '@convergence/backstage-plugin-scorecards-common';

/**
 * A campaign as the config declares it (an entry of `scorecards.campaigns`):
 * the production Models of ml-production-readiness reach Silver between
 * 2026-01-01 and 2099-12-31, for ml-platform; `overrides` replace its keys.
 */
export const campaignEntry = (overrides: object = {}) => ({
  id: 'production-silver',
  title: 'Production models reach Silver',
  scorecard: 'ml-production-readiness',
  target: { level: 'Silver' },
  filter: { kind: 'Model', 'spec.lifecycle': 'production' },
  startsAt: '2026-01-01',
  deadline: '2099-12-31',
  owner: 'group:default/ml-platform',
  ...overrides,
});

/**
 * A campaign as the plugin holds it (config campaigns read, database ones
 * stored): the production Models of the scorecard `ml` reach Silver between
 * 2026-12-01 and the end of 2027-03-31 (UTC), for ml-platform; `overrides`
 * replace its keys.
 */
export const storedCampaign = (
  overrides: Partial<Campaign> = {},
): Campaign => ({
  id: 'production-silver',
  title: 'Production models reach Silver',
  scorecardId: 'ml',
  target: { level: 'Silver' },
  filter: { kind: 'Model', 'spec.lifecycle': 'production' },
  startsAt: '2026-12-01T00:00:00.000Z',
  deadline: '2027-03-31T23:59:59.999Z',
  owner: 'group:default/ml-platform',
  source: 'config',
  ...overrides,
});
