import { ConfigReader } from '@backstage/config';
import { campaignFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';
import { campaignEntry } from '../__testUtils__/campaigns';
import { DEFAULT_DEFINITIONS } from '../engine/definitions';
import { readCampaigns, targetChecks } from './readCampaigns';

const read = (...campaigns: object[]) =>
  readCampaigns(
    new ConfigReader({ scorecards: { campaigns } }),
    DEFAULT_DEFINITIONS,
  );

describe('readCampaigns', () => {
  it('reads none when there are none', () => {
    expect(readCampaigns(new ConfigReader({}), DEFAULT_DEFINITIONS)).toEqual(
      [],
    );
  });

  it('reads campaigns: dates as instants (a deadline date is the end of its day, UTC)', () => {
    expect(
      read(
        campaignEntry({ description: 'Before the Q1 audit.' }),
        campaignEntry({
          id: 'pii-retention',
          title: 'Datasets: retention',
          target: {
            checks: ['dataset-pii-retention', 'dataset-pii-protected'],
          },
          filter: { kind: 'Dataset' },
          startsAt: '2026-12-01T09:00:00+01:00',
          deadline: '2027-01-15T18:00:00Z',
          owner: 'data-governance',
        }),
      ),
    ).toEqual([
      campaignFixture({
        description: 'Before the Q1 audit.',
        startsAt: '2026-01-01T00:00:00.000Z',
        deadline: '2099-12-31T23:59:59.999Z',
      }),
      {
        id: 'pii-retention',
        title: 'Datasets: retention',
        scorecardId: 'ml-production-readiness',
        target: { checks: ['dataset-pii-retention', 'dataset-pii-protected'] },
        filter: { kind: 'Dataset' },
        startsAt: '2026-12-01T08:00:00.000Z',
        deadline: '2027-01-15T18:00:00.000Z',
        owner: 'group:default/data-governance',
        source: 'config',
      },
    ]);
  });

  it.each([
    [
      'an unknown level',
      { target: { level: 'Platinum' } },
      "scorecards.campaigns[1].target.level: 'Platinum' is not a level of scorecard 'ml-production-readiness' (Bronze, Silver, Gold)",
    ],
    [
      'a check the scorecard does not have',
      { target: { checks: ['has-description', 'service-on-call'] } },
      "scorecards.campaigns[1].target.checks: not checks of scorecard 'ml-production-readiness': 'service-on-call'",
    ],
    [
      'both a level and checks',
      { target: { level: 'Silver', checks: ['has-description'] } },
      'scorecards.campaigns[1].target: must have exactly one of level or checks',
    ],
    [
      'neither a level nor checks',
      { target: {} },
      'scorecards.campaigns[1].target: must have exactly one of level or checks',
    ],
    [
      'an unknown scorecard',
      { scorecard: 'nope' },
      "scorecards.campaigns[1].scorecard: unknown scorecard 'nope' (known: ml-production-readiness, ml-service-readiness)",
    ],
    [
      'a duplicate id',
      { id: 'production-silver' },
      "scorecards.campaigns[1].id: another campaign has the id 'production-silver'",
    ],
    [
      'a bad id',
      { id: 'Production.Silver' },
      "scorecards.campaigns[1].id: 'Production.Silver' must be lower-case letters, digits and dashes (at most 63, starting with a letter or digit)",
    ],
    [
      'a bad date',
      { deadline: '2027-02-30' },
      'scorecards.campaigns[1].deadline: must be an ISO-8601 date (e.g. 2027-03-31) or date-time with an offset (e.g. 2027-03-31T17:00:00Z)',
    ],
    [
      'no startsAt (a default would move with restarts)',
      { startsAt: undefined },
      'scorecards.campaigns[1].startsAt: is required',
    ],
    [
      'a date-time without an offset',
      { startsAt: '2027-01-01T10:00:00' },
      'scorecards.campaigns[1].startsAt: must be an ISO-8601 date (e.g. 2027-03-31) or date-time with an offset (e.g. 2027-03-31T17:00:00Z)',
    ],
    [
      'a deadline before the start',
      { startsAt: '2027-04-01', deadline: '2027-03-31' },
      'scorecards.campaigns[1].deadline: must be after startsAt',
    ],
    [
      'an owner that is not a group',
      { owner: 'user:default/mei' },
      'scorecards.campaigns[1].owner: must be a group, e.g. group:default/ml-platform',
    ],
    [
      'a bad filter',
      { filter: { kind: { $in: 'Model' } } },
      'scorecards.campaigns[1].filter:',
    ],
  ])('fails at start-up on %s, naming the key', (_what, overrides, message) => {
    expect(() =>
      read(campaignEntry(), campaignEntry({ id: 'second', ...overrides })),
    ).toThrow(message);
  });

  it('lists the checks of a level target, with those of the levels below', () => {
    const [ml] = DEFAULT_DEFINITIONS;
    expect(targetChecks({ level: 'Bronze' }, ml)).toEqual(ml.levels[0].checks);
    expect(targetChecks({ level: 'Silver' }, ml)).toEqual([
      ...ml.levels[0].checks,
      ...ml.levels[1].checks,
    ]);
    expect(targetChecks({ checks: ['has-description'] }, ml)).toEqual([
      'has-description',
    ]);
  });
});
