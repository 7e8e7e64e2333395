/**
 * Test fixtures for the scorecards plugins and the apps that install them:
 * one campaign, production-silver, in each form the code meets it (a user's
 * input, an app-config entry, the campaign as the backend holds it, and as the
 * API lists it). Each builder takes `overrides` that replace its keys.
 *
 * @packageDocumentation
 */
// The package's own name, so that the API report of this entry point refers
// to the main entry's types rather than copying them.
import type {
  Campaign,
  CampaignInput,
  CampaignSummary,
  CampaignTarget,
} from '@convergence/backstage-plugin-scorecards-common';

const ID = 'production-silver';

/** production-silver as a user gives it; the other forms build on it. */
const productionSilver = {
  title: 'Production models reach Silver',
  scorecardId: 'ml-production-readiness',
  target: { level: 'Silver' },
  filter: { kind: 'Model', 'spec.lifecycle': 'production' },
  deadline: '2099-12-31',
  owner: 'group:default/ml-platform',
};

/**
 * A campaign as a user creates or edits it: the production Models of
 * ml-production-readiness reach Silver by 2099-12-31, for ml-platform,
 * starting now.
 *
 * @public
 */
export function campaignInputFixture(
  overrides: Partial<CampaignInput> = {},
): CampaignInput {
  return { ...productionSilver, ...overrides };
}

/**
 * An entry of `scorecards.campaigns` in app-config, as
 * {@link campaignConfigFixture} builds it.
 *
 * @public
 */
export interface CampaignConfigEntry {
  id: string;
  title: string;
  description?: string;
  /** The scorecard's id (config names it `scorecard`, the API `scorecardId`). */
  scorecard: string;
  target: CampaignTarget;
  filter: Record<string, unknown>;
  startsAt: string;
  deadline: string;
  owner: string;
}

/**
 * The same campaign as app-config declares it (an entry of
 * `scorecards.campaigns`), with the id production-silver, starting on
 * 2026-01-01. `overrides` may only name the entry's keys, but their values
 * are not checked, so that a test can give one the config refuses.
 *
 * @public
 */
export function campaignConfigFixture(
  overrides: {
    [K in keyof CampaignConfigEntry]?: unknown;
  } = {},
) {
  const { scorecardId, ...input } = productionSilver;
  return {
    id: ID,
    ...input,
    scorecard: scorecardId,
    startsAt: '2026-01-01',
    // The values are the test's to choose; the type stays the fixture's own,
    // which app-config accepts as JSON.
    ...(overrides as object),
  };
}

/**
 * A campaign as the backend holds it: {@link campaignConfigFixture} read,
 * its dates as instants (a deadline date is the end of its day, UTC).
 *
 * @public
 */
export function campaignFixture(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: ID,
    ...productionSilver,
    startsAt: '2026-01-01T00:00:00.000Z',
    deadline: '2099-12-31T23:59:59.999Z',
    source: 'config',
    ...overrides,
  };
}

/**
 * A campaign as the API lists it: {@link campaignFixture}, open, 3 of its 5
 * graded entities done and 1 not graded yet.
 *
 * @public
 */
export function campaignSummaryFixture(
  overrides: Partial<CampaignSummary> = {},
): CampaignSummary {
  return {
    ...campaignFixture(),
    state: 'open',
    progress: { done: 3, total: 5, ungraded: 1 },
    ...overrides,
  };
}
