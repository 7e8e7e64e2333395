import { testDatabases } from '../__testUtils__/databases';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError } from '@backstage/errors';
import {
  Campaign,
  CheckStatus,
  ScorecardDefinition,
} from '@convergence/backstage-plugin-scorecards-common';
import { campaignInputFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';
import { catalogHiding, permissionsDeciding } from '../__testUtils__/backend';
import { storedCampaign } from '../__testUtils__/campaigns';
import { modelScorecard } from '../__testUtils__/config';
import { storeOn } from '../__testUtils__/store';
import { bareModel, group } from '../__testUtils__/entities';
import { evaluatorNeverChanging } from '../__testUtils__/service';
import { ScorecardQueries } from '../service/ScorecardQueries';
import { StoredResult } from '../database/ScorecardStore';
import { DefaultCampaignService } from './CampaignService';
import { DatabaseCampaignStore } from './DatabaseCampaignStore';

const databases = testDatabases();

const ADMIN = 'user:default/ada'; // may manage campaigns, reads everything
const OUTSIDER = 'user:default/sofia'; // reads conditionally: not `secret`

const scorecard: ScorecardDefinition = modelScorecard(
  { id: 'ml', title: 'ML' },
  ['model-card', 'license'],
  ['monitoring'],
);

const model = (name: string, owner: string) =>
  bareModel(name, { owner, lifecycle: 'production' });

/** A stored result of `ml`: the level, and each check's status (others pass). */
const result = (
  name: string,
  owner: string,
  level: string | null,
  statuses: Record<string, CheckStatus> = {},
): StoredResult => ({
  entityRef: `model:default/${name}`,
  scorecardId: 'ml',
  ownerRef: `group:default/${owner}`,
  level,
  score: 0.5,
  checks: ['has-description', 'model-card', 'license', 'monitoring'].map(
    checkId => ({ checkId, status: statuses[checkId] ?? 'pass' }),
  ),
  evaluatedAt: '2026-12-01T00:00:00.000Z',
});

const NOW = new Date('2026-12-10T12:00:00.000Z');

const configCampaign = storedCampaign({ owner: 'group:default/dept' });

describe.each(databases.eachSupportedId())('CampaignService on %s', id => {
  async function setUp(extraCampaigns: Campaign[] = []) {
    const knex = await databases.init(id);
    const scorecards = await storeOn(knex);
    const store = await DatabaseCampaignStore.create({
      database: mockServices.database({ knex, migrations: { skip: true } }),
    });
    const entities = [
      group('dept', ['team-a']),
      group('team-a'),
      group('team-b'),
      model('a1', 'team-a'),
      model('a2', 'team-a'),
      model('secret', 'team-a'),
      model('b1', 'team-b'),
      model('b2', 'team-b'),
      model('d1', 'dept'),
      model('u1', 'team-b'), // covered, not graded yet
      {
        ...model('experimental', 'team-b'),
        spec: { owner: 'team-b', lifecycle: 'experimental' },
      },
    ];
    // The caller's catalog: OUTSIDER does not see `secret`.
    const callers = catalogHiding(entities, {
      name: 'secret',
      from: [OUTSIDER],
    });
    const catalog = {
      ...callers,
      streamEntities: (r: any, o: any) => {
        // A filter the catalog rejects at query time.
        if (JSON.stringify(r.query).includes('spec.broken'))
          throw new InputError('Invalid filter predicate at spec.broken');
        if (JSON.stringify(r.query).includes('spec.down'))
          throw new Error('connect ECONNREFUSED');
        return callers.streamEntities(r, o);
      },
    } as CatalogService;
    const permissions = permissionsDeciding({
      allowed: [ADMIN],
      conditional: [OUTSIDER],
    });
    const auth = mockServices.auth();
    const queries = new ScorecardQueries({
      auth,
      permissions,
      permissionDecisionCacheSeconds: 0,
      catalog,
      store: scorecards,
      evaluator: evaluatorNeverChanging(),
      scorecards: [{ ...scorecard, matches: () => true }],
      checks: new Map(),
    });
    let now = NOW;
    const logger = mockServices.logger.mock();
    const service = new DefaultCampaignService({
      store,
      queries,
      catalog,
      permissions,
      auth,
      scorecards: [scorecard],
      configCampaigns: [configCampaign, ...extraCampaigns],
      now: () => now,
      logger,
    });
    await scorecards.saveResults([
      result('a1', 'team-a', 'Silver', { monitoring: 'fail' }),
      result('a2', 'team-a', 'Bronze', { 'model-card': 'fail' }),
      result('secret', 'team-a', 'Bronze', { 'model-card': 'fail' }),
      result('b1', 'team-b', 'Gold'),
      result('b2', 'team-b', 'Bronze', {
        'model-card': 'exempt',
        license: 'fail',
      }),
      result('d1', 'dept', 'Silver', { monitoring: 'unknown' }),
      result('experimental', 'team-b', null, { 'has-description': 'fail' }),
    ]);
    return {
      service,
      logger,
      scorecards,
      store,
      setNow: (d: Date) => {
        now = d;
      },
    };
  }

  const admin = mockCredentials.user(ADMIN);
  const outsider = mockCredentials.user(OUTSIDER);
  /** The details of production-silver as `credentials` see them, of `owner`'s teams when given. */
  const silver = (
    service: DefaultCampaignService,
    owner?: string,
    credentials = admin,
  ) => service.get('production-silver', owner ? { owner } : {}, credentials);
  /** A checks target of `ml` over the production Models, for dept, from 2026-12-01 to 2027-01-31. */
  const checksCampaign = campaignInputFixture({
    title: 'Model cards everywhere',
    scorecardId: 'ml',
    target: { checks: ['model-card'] },
    startsAt: '2026-12-01',
    deadline: '2027-01-31',
    owner: 'group:default/dept',
  });

  it('counts a level target: that level or higher, ungraded apart', async () => {
    const { service } = await setUp();
    const details = await silver(service);
    expect(details.campaign).toMatchObject({
      id: 'production-silver',
      state: 'open',
      // a1, b1 (Gold), d1 of a1, a2, secret, b1, b2, d1; u1 has no result.
      progress: { done: 3, total: 6, ungraded: 1 },
    });
    expect(details.entities.map(e => [e.entityRef, e.done])).toEqual([
      ['model:default/a2', false],
      ['model:default/b2', false],
      ['model:default/secret', false],
      ['model:default/a1', true],
      ['model:default/b1', true],
      ['model:default/d1', true],
    ]);
    // The failing checks of the target level and below (not Gold's).
    expect(details.entities[0]).toEqual({
      entityRef: 'model:default/a2',
      owner: 'group:default/team-a',
      level: 'Bronze',
      done: false,
      failingChecks: ['model-card'],
    });
    expect(details.entities[1].failingChecks).toEqual(['license']);
    expect(details.entities[3].failingChecks).toEqual([]);
  });

  it('counts a checks target: none of them fails, an exempt one counts as done', async () => {
    const { service } = await setUp();
    const created = await service.create(checksCampaign, admin);
    expect(created.id).toMatch(/^model-cards-everywhere-[0-9a-f]{6}$/);
    // a2 and secret fail model-card; b2 is exempt from it.
    expect(created.progress).toEqual({ done: 4, total: 6, ungraded: 1 });
    const details = await service.get(created.id, {}, admin);
    expect(details.entities.find(e => e.entityRef.endsWith('/b2'))).toEqual({
      entityRef: 'model:default/b2',
      owner: 'group:default/team-b',
      level: 'Bronze',
      done: true,
      failingChecks: [],
    });
  });

  it("rolls up an owner's sub-teams, as the summaries do, and ranks the teams", async () => {
    const { service } = await setUp();
    const details = await silver(service);
    // dept: d1 and team-a's a1, a2, secret.
    expect(details.teams).toEqual([
      { owner: 'group:default/dept', done: 2, total: 4 },
      { owner: 'group:default/team-b', done: 1, total: 2 },
      { owner: 'group:default/team-a', done: 1, total: 3 },
    ]);
    const dept = await silver(service, 'group:default/dept');
    expect(dept.owners?.sort()).toEqual([
      'group:default/dept',
      'group:default/team-a',
    ]);
    expect(dept.campaign.progress).toEqual({ done: 2, total: 4, ungraded: 0 });
    expect(dept.entities.map(e => e.entityRef).sort()).toEqual([
      'model:default/a1',
      'model:default/a2',
      'model:default/d1',
      'model:default/secret',
    ]);
    expect(
      (await service.list({ owner: 'group:default/team-b' }, admin)).map(c => [
        c.id,
        c.progress,
      ]),
    ).toEqual([['production-silver', { done: 1, total: 2, ungraded: 1 }]]);
    // An owner the campaign does not cover: not listed.
    expect(
      await service.list({ owner: 'group:default/nobody' }, admin),
    ).toEqual([]);
  });

  it('does not cover what the caller may not read', async () => {
    const { service } = await setUp();
    const details = await silver(service, undefined, outsider);
    expect(details.campaign.progress).toEqual({
      done: 3,
      total: 5,
      ungraded: 1,
    });
    expect(details.entities.map(e => e.entityRef)).not.toContain(
      'model:default/secret',
    );
    expect(details.teams).toContainEqual({
      owner: 'group:default/team-a',
      done: 1,
      total: 2,
    });
    const [listed] = await service.list({ state: 'open' }, outsider);
    expect(listed.progress).toEqual({ done: 3, total: 5, ungraded: 1 });
  });

  it('lists a campaign whose progress cannot be computed with its error, and get names its filter', async () => {
    const broken: Campaign = {
      ...configCampaign,
      id: 'broken-filter',
      filter: { kind: 'Model', 'spec.broken': { $bad: 'x' } } as any,
    };
    const down: Campaign = {
      ...configCampaign,
      id: 'catalog-down',
      filter: { kind: 'Model', 'spec.down': 'x' },
    };
    const { service, logger } = await setUp([broken, down]);
    const items = await service.list({}, admin);
    expect(items.map(c => c.id).sort()).toEqual([
      'broken-filter',
      'catalog-down',
      'production-silver',
    ]);
    expect(items.find(c => c.id === 'catalog-down')?.error).toBe(
      'could not compute progress: connect ECONNREFUSED',
    );
    await expect(service.get('catalog-down', {}, admin)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Could not compute the progress of campaign catalog-down with filter {"kind":"Model","spec.down":"x"}: connect ECONNREFUSED',
    });
    expect(items.find(c => c.id === 'broken-filter')).toMatchObject({
      progress: { done: 0, total: 0, ungraded: 0 },
      error:
        'could not compute progress: Invalid filter predicate at spec.broken',
    });
    const fine = items.find(c => c.id === 'production-silver')!;
    expect(fine.error).toBeUndefined();
    expect(fine.progress.total).toBeGreaterThan(0);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not compute the progress of campaign broken-filter: Invalid filter predicate at spec.broken',
    );
    // With an owner too: listed, its coverage unknown.
    expect(
      (await service.list({ owner: 'group:default/team-a' }, admin)).map(c => [
        c.id,
        c.error !== undefined,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['broken-filter', true],
        ['production-silver', false],
      ]),
    );
    await expect(service.get('broken-filter', {}, admin)).rejects.toMatchObject(
      {
        name: 'InputError',
        message: expect.stringContaining(
          'Could not compute the progress of campaign broken-filter with filter {"kind":"Model","spec.broken":{"$bad":"x"}}',
        ),
      },
    );
    expect((await silver(service)).campaign.id).toBe('production-silver');
  });

  it('lists campaigns by state', async () => {
    const { service, setNow } = await setUp();
    const created = await service.create(
      { ...checksCampaign, startsAt: '2026-12-20', deadline: '2027-01-31' },
      admin,
    );
    expect(
      (await service.list({ state: 'upcoming' }, admin)).map(c => c.id),
    ).toEqual([created.id]);
    expect(
      (await service.list({ state: 'open' }, admin)).map(c => c.id),
    ).toEqual(['production-silver']);
    expect((await service.list({}, admin)).map(c => c.id)).toEqual([
      created.id,
      'production-silver',
    ]);
    setNow(new Date('2027-02-01T00:00:00.000Z'));
    expect(
      (await service.list({ state: 'closed' }, admin)).map(c => c.id),
    ).toEqual([created.id]);
    expect((await service.all()).map(c => c.source)).toEqual([
      'config',
      'database',
    ]);
  });

  it('gives the stored burn-up to unconditional readers, and the live point alone to the others', async () => {
    const { service, scorecards, setNow } = await setUp();
    const day1 = new Date('2026-12-05T09:00:00.000Z');
    const day2 = new Date('2026-12-06T09:00:00.000Z');
    setNow(day1);
    await service.snapshotAll(day1);
    // Twice (another replica): the same points.
    await service.snapshotAll(day1);
    // a2 gets its model card.
    await scorecards.saveResults([
      result('a2', 'team-a', 'Silver', { monitoring: 'fail' }),
    ]);
    setNow(day2);
    await service.snapshotAll(day2);
    await scorecards.saveResults([
      result('secret', 'team-a', 'Silver', { monitoring: 'fail' }),
    ]);
    setNow(NOW);
    // Each point as 'day done/total'.
    const burnUp = async (owner?: string) =>
      (await silver(service, owner)).burnUp.map(
        ({ day, done, total, ...rest }) => {
          expect(rest).toEqual({});
          return `${day} ${done}/${total}`;
        },
      );
    expect({
      campaign: await burnUp(),
      teamA: await burnUp('group:default/team-a'),
      dept: await burnUp('group:default/dept'),
    }).toEqual({
      campaign: ['2026-12-05 3/6', '2026-12-06 4/6', '2026-12-10 5/6'],
      teamA: ['2026-12-05 1/3', '2026-12-06 2/3', '2026-12-10 3/3'],
      dept: ['2026-12-05 2/4', '2026-12-06 3/4', '2026-12-10 4/4'],
    });
    // The stored points count `secret`, which the outsider may not read.
    expect((await silver(service, undefined, outsider)).burnUp).toEqual([
      { day: '2026-12-10', done: 4, total: 5 },
    ]);
  });

  it('names the field of a bad campaign, and refuses callers without the permission', async () => {
    const { service } = await setUp();
    const bad = async (input: any) => {
      try {
        await service.create(input, admin);
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      throw new Error('accepted');
    };
    expect(
      await bad({ ...checksCampaign, target: { level: 'Platinum' } }),
    ).toBe(
      "InputError: target.level: 'Platinum' is not a level of scorecard 'ml' (Bronze, Silver, Gold)",
    );
    expect(await bad({ ...checksCampaign, target: { checks: ['nope'] } })).toBe(
      "InputError: target.checks: not checks of scorecard 'ml': 'nope'",
    );
    expect(await bad({ ...checksCampaign, scorecardId: 'other' })).toMatch(
      /^InputError: scorecardId: unknown scorecard 'other'/,
    );
    expect(await bad({ ...checksCampaign, deadline: '2026-11-30' })).toBe(
      'InputError: deadline: must be in the future',
    );
    expect(
      await bad({
        ...checksCampaign,
        startsAt: '2099-06-01',
        deadline: '2099-01-01',
      }),
    ).toBe('InputError: deadline: must be after startsAt');
    expect(await bad({ ...checksCampaign, deadline: '2026-12-09' })).toBe(
      'InputError: deadline: must be in the future',
    );
    await expect(
      service.create(checksCampaign, outsider),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      service.create(checksCampaign, mockCredentials.service()),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      service.archive('production-silver', admin),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(service.get('nope-123456', {}, admin)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(service.get('../x', {}, admin)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('updates and archives a database campaign, keeping its start', async () => {
    const { service, store } = await setUp();
    const created = await service.create(checksCampaign, admin);
    const updated = await service.update(
      created.id,
      {
        ...checksCampaign,
        title: 'Licences too',
        target: { checks: ['model-card', 'license'] },
        startsAt: undefined,
      },
      admin,
    );
    expect(updated).toMatchObject({
      id: created.id,
      title: 'Licences too',
      startsAt: '2026-12-01T00:00:00.000Z',
      deadline: '2027-01-31T23:59:59.999Z',
      createdBy: ADMIN,
      progress: { done: 3, total: 6, ungraded: 1 },
    });
    await service.archive(created.id, admin);
    await expect(service.get(created.id, {}, admin)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(service.archive(created.id, admin)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect((await store.events(created.id)).map(e => e.action)).toEqual([
      'campaign.create',
      'campaign.update',
      'campaign.archive',
    ]);
  });
});
