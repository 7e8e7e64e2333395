import { testDatabases } from '../__testUtils__/databases';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { campaignInputFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';
import {
  expectUnauthorizedWithoutCredentials,
  asUser,
  permissionsDeciding,
  backendForTheseTests,
  startScorecardsBackend,
  catalogServiceOf,
} from '../__testUtils__/backend';
import {
  afterTheTest,
  scheduledPassAfterTheTestWith,
} from '../__testUtils__/config';
import { expectEachEvent, recordingAuditor } from '../__testUtils__/auditor';
import { campaignEntry } from '../__testUtils__/campaigns';
import { group } from '../__testUtils__/entities';

const ADMIN = 'user:default/ada'; // allowed scorecards.campaign.manage
const MEI = 'user:default/mei'; // signed in, not allowed

const model = (name: string, lifecycle: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:default/ml-platform', lifecycle },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/ml-platform' }],
});

const databases = testDatabases();

describe.each(databases.eachSupportedId())('campaign routes on %s', id => {
  const auditor = recordingAuditor();

  const backend = backendForTheseTests(async () => {
    const knex = await databases.init(id);
    const started = await startScorecardsBackend(knex, {
      config: scheduledPassAfterTheTestWith({
        campaigns: [campaignEntry()],
      }),
      features: [
        catalogServiceMock.factory({
          entities: [
            group('ml-platform'),
            model('fraud-detector', 'production'),
            model('ranker', 'experimental'),
          ],
        }),
        // Only ADMIN may manage campaigns; everyone reads the whole catalog.
        permissionsDeciding({ allowed: [ADMIN], conditional: [] }).factory,
        auditor.factory,
      ],
    });
    return started;
  });

  const service = { Authorization: mockCredentials.service.header() };
  const body = (overrides: object = {}) => ({
    ...campaignInputFixture({
      title: 'Model cards',
      target: { checks: ['model-card-complete'] },
      filter: { kind: 'Model' },
      owner: 'ml-platform',
    }),
    ...overrides,
  });
  const create = async (overrides: object = {}) => {
    const res = await request(backend.server)
      .post('/api/scorecards/campaigns')
      .set(asUser(ADMIN))
      .send(body(overrides));
    expect(res.status).toBe(201);
    return res.body;
  };

  it('answers 401 without credentials on every route', async () => {
    const routes = [
      ['get', '/api/scorecards/campaigns'],
      ['get', '/api/scorecards/campaigns/production-silver'],
      ['post', '/api/scorecards/campaigns'],
      ['put', '/api/scorecards/campaigns/production-silver'],
      ['delete', '/api/scorecards/campaigns/production-silver'],
    ] as const;
    await expectUnauthorizedWithoutCredentials(backend.server, routes);
  });

  it('lists campaigns and shows one, to users and services', async () => {
    const list = await request(backend.server)
      .get('/api/scorecards/campaigns?state=open')
      .set(asUser(MEI));
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        id: 'production-silver',
        source: 'config',
        state: 'open',
        startsAt: '2026-01-01T00:00:00.000Z',
        deadline: '2099-12-31T23:59:59.999Z',
        // Nothing graded yet: the production model is covered, ungraded.
        progress: { done: 0, total: 0, ungraded: 1 },
      }),
    );
    const one = await request(backend.server)
      .get(
        '/api/scorecards/campaigns/production-silver?owner=group:default/ml-platform',
      )
      .set(service);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      campaign: { id: 'production-silver' },
      owners: ['group:default/ml-platform'],
      teams: [],
      entities: [],
    });
    for (const [query, message] of [
      ['state=soon', 'state: must be open, upcoming, closed or all'],
      ['owner[]=ml-platform', 'owner: must be given once, as one value'],
    ]) {
      const res = await request(backend.server)
        .get(`/api/scorecards/campaigns?${query}`)
        .set(asUser(MEI));
      expect([res.status, res.body.error?.message]).toEqual([400, message]);
    }
    for (const missing of ['nope-abc123', 'Not.An.Id', '%E2%9C%93']) {
      const res = await request(backend.server)
        .get(`/api/scorecards/campaigns/${missing}`)
        .set(asUser(MEI));
      expect([missing, res.status]).toEqual([missing, 404]);
    }
  });

  it('refuses the writes to a user without scorecards.campaign.manage and to services', async () => {
    const created = await create({ title: 'To keep' });
    for (const headers of [asUser(MEI), service]) {
      const post = await request(backend.server)
        .post('/api/scorecards/campaigns')
        .set(headers)
        .send(body());
      expect(post.status).toBe(403);
      const put = await request(backend.server)
        .put(`/api/scorecards/campaigns/${created.id}`)
        .set(headers)
        .send(body());
      expect(put.status).toBe(403);
      const del = await request(backend.server)
        .delete(`/api/scorecards/campaigns/${created.id}`)
        .set(headers);
      expect(del.status).toBe(403);
    }
    const still = await request(backend.server)
      .get(`/api/scorecards/campaigns/${created.id}`)
      .set(asUser(MEI));
    expect(still.body.campaign.title).toBe('To keep');
  });

  it('creates, updates and archives a campaign for a user allowed to, auditing each', async () => {
    auditor.events.length = 0;
    const created = await create();
    expect(created).toMatchObject({
      title: 'Model cards',
      source: 'database',
      createdBy: ADMIN,
      owner: 'group:default/ml-platform',
      state: 'open',
      progress: { done: 0, total: 0, ungraded: 2 },
    });
    const put = await request(backend.server)
      .put(`/api/scorecards/campaigns/${created.id}`)
      .set(asUser(ADMIN))
      .send(body({ title: 'Model cards, all of them' }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: created.id,
      title: 'Model cards, all of them',
    });
    const del = await request(backend.server)
      .delete(`/api/scorecards/campaigns/${created.id}`)
      .set(asUser(ADMIN));
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await request(backend.server)
      .get(`/api/scorecards/campaigns/${created.id}`)
      .set(asUser(ADMIN));
    expect(gone.status).toBe(404);
    expect(
      (
        await request(backend.server)
          .get('/api/scorecards/campaigns')
          .set(asUser(ADMIN))
      ).body.items.map((c: any) => c.id),
    ).not.toContain(created.id);
    const again = await request(backend.server)
      .delete(`/api/scorecards/campaigns/${created.id}`)
      .set(asUser(ADMIN));
    expect(again.status).toBe(404);
    expectEachEvent(auditor.events, {
      eventId: 'campaign-manage',
      severityLevel: 'medium',
    });
    const campaignId = created.id;
    expect(
      auditor.events.map(e => [e.action, e.meta, e.outcome, e.succeededWith]),
    ).toEqual([
      ['create', {}, 'success', { campaignId }],
      ['update', { campaignId }, 'success', { campaignId }],
      ['archive', { campaignId }, 'success', { campaignId }],
      ['archive', { campaignId }, 'fail: NotFoundError', undefined],
    ]);
  });

  it('accepts every operator of the filters the catalog reads', async () => {
    const created = await create({
      filter: {
        $all: [
          { kind: { $in: ['Model', 'Dataset'] } },
          { 'metadata.annotations.a.b/c "d"': { $exists: false } },
          {
            relations: {
              $contains: {
                type: 'ownedBy',
                targetRef: { $in: ['group:default/ml-platform'] },
              },
            },
          },
          { $not: { 'metadata.name': { $hasPrefix: 'rank' } } },
          { $any: [{ 'spec.lifecycle': 'production' }, { 'spec.type': 'x' }] },
        ],
      },
    });
    expect(created.progress).toEqual({ done: 0, total: 0, ungraded: 1 });
  });

  it('answers 409 to changing a campaign of app-config.yaml', async () => {
    const put = await request(backend.server)
      .put('/api/scorecards/campaigns/production-silver')
      .set(asUser(ADMIN))
      .send(body());
    expect(put.status).toBe(409);
    expect(put.body.error.message).toMatch(/app-config\.yaml/);
    const del = await request(backend.server)
      .delete('/api/scorecards/campaigns/production-silver')
      .set(asUser(ADMIN));
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/app-config\.yaml/);
  });

  it('answers 400 naming the bad field', async () => {
    const refused = async (overrides: object) => {
      const res = await request(backend.server)
        .post('/api/scorecards/campaigns')
        .set(asUser(ADMIN))
        .send(body(overrides));
      expect(res.status).toBe(400);
      return res.body.error.message as string;
    };
    expect(await refused({ target: { level: 'Platinum' } })).toBe(
      "target.level: 'Platinum' is not a level of scorecard 'ml-production-readiness' (Bronze, Silver, Gold)",
    );
    expect(
      await refused({
        target: { level: 'Silver', checks: ['has-description'] },
      }),
    ).toBe('target: must have exactly one of level or checks');
    expect(await refused({ target: { checks: ['no-such-check'] } })).toBe(
      "target.checks: not checks of scorecard 'ml-production-readiness': 'no-such-check'",
    );
    expect(await refused({ filter: { $bogus: 1 } })).toMatch(
      /^filter: not a valid filter predicate/,
    );
    expect(await refused({ filter: 'kind=Model' })).toMatch(/^filter: /);
    expect(
      await refused({
        filter: { kind: 'Model', 'metadata.name': 'x'.repeat(11_000) },
      }),
    ).toBe('filter: must be at most 10 KB of JSON');
    expect(await refused({ deadline: '2020-01-01' })).toBe(
      'deadline: must be in the future',
    );
    expect(
      await refused({ startsAt: '2099-06-01', deadline: '2099-01-01' }),
    ).toBe('deadline: must be after startsAt');
    expect(
      await refused({ startsAt: '2020-01-01', deadline: '2020-06-30' }),
    ).toBe('deadline: must be in the future');
    expect(await refused({ deadline: '31/03/2099' })).toMatch(
      /^deadline: must be an ISO-8601 date/,
    );
    expect(await refused({ owner: 'user:default/mei' })).toBe(
      'owner: must be a group, e.g. group:default/ml-platform',
    );
    expect(await refused({ title: '  ' })).toBe(
      'title: must be 3 to 200 characters',
    );
    expect(await refused({ scorecardId: 'nope' })).toMatch(
      /^scorecardId: unknown scorecard 'nope'/,
    );
    // The config's key, not the API's: refused, not dropped.
    expect(await refused({ scorecard: 'ml-production-readiness' })).toBe(
      'body: unknown field scorecard; a campaign has title, description, scorecardId, target, filter, startsAt, deadline, owner',
    );
    // zod's own messages, in plain words.
    expect(await refused({ owner: undefined })).toBe('owner: is required');
    // Missing: required, though the schema says "must be a string" of a title of another type.
    expect(await refused({ title: undefined })).toBe('title: is required');
    expect(await refused({ title: 7 })).toBe('title: must be a string');
    expect(await refused({ owner: 42 })).toBe('owner: must be a string');
    expect(await refused({ description: ['a'] })).toBe(
      'description: must be a string',
    );
    expect(await refused({ target: { checks: 'model-card-complete' } })).toBe(
      'target.checks: must be an array',
    );
    expect(await refused({ target: { checks: ['x', 7] } })).toBe(
      'target.checks.1: must be a string',
    );
  });

  it('answers 400 to a JSON body that is not an object, on POST and PUT', async () => {
    const created = await create({ title: 'Bodies' });
    for (const [method, url] of [
      ['post', '/api/scorecards/campaigns'],
      ['put', `/api/scorecards/campaigns/${created.id}`],
    ] as const) {
      for (const raw of ['null', '"text"', '[]', '42', 'true']) {
        const res = await request(backend.server)
          [method](url)
          .set(asUser(ADMIN))
          .set('Content-Type', 'application/json')
          .send(raw);
        expect([method, raw, res.status, res.body.error?.message]).toEqual([
          method,
          raw,
          400,
          'body: must be a JSON object',
        ]);
      }
    }
    // JSON that does not parse is still said to be so.
    const bad = await request(backend.server)
      .post('/api/scorecards/campaigns')
      .set(asUser(ADMIN))
      .set('Content-Type', 'application/json')
      .send('{"title": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/JSON/);
  });

  it('keeps ids valid whatever the title', async () => {
    const titles = [
      `"Quotes" and 'apostrophes' \\ backslash`,
      'Ünïcödé — 模型 卡片 ✓',
      '...',
      'v1.2.3 models. All. Of. Them.',
      'x'.repeat(200),
    ];
    const ids: string[] = [];
    for (const title of titles) {
      const created = await create({ title });
      expect(created.title).toBe(title);
      expect(created.id).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
      ids.push(created.id);
      const res = await request(backend.server)
        .get(`/api/scorecards/campaigns/${encodeURIComponent(created.id)}`)
        .set(asUser(MEI));
      expect(res.status).toBe(200);
      expect(res.body.campaign.title).toBe(title);
    }
    expect(ids[0]).toMatch(/^quotes-and-apostrophes-backslash-[0-9a-f]{6}$/);
    expect(ids[1]).toMatch(/^unicode-[0-9a-f]{6}$/);
    expect(ids[2]).toMatch(/^campaign-[0-9a-f]{6}$/);
    expect(ids[3]).toMatch(/^v1-2-3-models-all-of-them-[0-9a-f]{6}$/);
    expect(ids[4]).toMatch(/^x{50}-[0-9a-f]{6}$/);
  });
});

describe.each(databases.eachSupportedId())('campaign owners on %s', id => {
  /** The catalog's entities: a test deletes a group from it. */
  let entities: Entity[] = [];
  /** The plugin's warnings. */
  const warnings: string[] = [];

  const backend = backendForTheseTests(async () => {
    const knex = await databases.init(id);
    const logger: any = {
      warn: (message: string) => void warnings.push(message),
      info: () => {},
      error: () => {},
      debug: () => {},
      child: () => logger,
    };
    entities = [
      group('ml-platform'),
      group('team.x-1_a'),
      group('gone'),
      group('hidden-team'),
      model('fraud-detector', 'production'),
    ];
    return startScorecardsBackend(knex, {
      config: {
        scorecards: {
          // No initial delay: the test backend runs the full pass at start-up.
          schedule: { frequency: { hours: 24 }, timeout: { minutes: 5 } },
          incremental: { schedule: afterTheTest },
          campaigns: [
            campaignEntry(),
            campaignEntry({ id: 'orphan', owner: 'group:default/nobody' }),
            campaignEntry({ id: 'orphan-too', owner: 'ghost.team' }),
          ],
        },
      },
      features: [
        // The catalog of the moment; ADMIN cannot see hidden-team.
        catalogServiceOf(
          new Proxy({} as CatalogService, {
            get: (_, method) =>
              // Not a thenable: only the catalog's methods.
              typeof (catalogServiceMock() as any)[method] === 'function'
                ? (req: any, options: any) =>
                    (
                      catalogServiceMock({
                        entities: entities.filter(
                          e =>
                            e.metadata.name !== 'hidden-team' ||
                            options?.credentials?.principal?.userEntityRef !==
                              ADMIN,
                        ),
                      }) as any
                    )[method](req, options)
                : undefined,
          }),
        ),
        permissionsDeciding({ allowed: [ADMIN], conditional: [] }).factory,
        mockServices.logger.mock(logger).factory,
      ],
    });
  });

  const body = (owner: string) =>
    campaignInputFixture({ title: 'Owned', owner });
  const post = (owner: string) =>
    request(backend.server)
      .post('/api/scorecards/campaigns')
      .set(asUser(ADMIN))
      .send(body(owner));

  it('starts with config campaigns whose owner is no group, warning of each', async () => {
    const list = await request(backend.server)
      .get('/api/scorecards/campaigns')
      .set(asUser(MEI));
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => [c.id, c.owner]).sort()).toEqual([
      ['orphan', 'group:default/nobody'],
      ['orphan-too', 'group:default/ghost.team'],
      ['production-silver', 'group:default/ml-platform'],
    ]);
    expect(warnings.filter(w => w.includes('owner')).sort()).toEqual([
      'Campaign orphan of app-config.yaml (scorecards.campaigns) has the owner group:default/nobody, which is not a group in the catalog',
      'Campaign orphan-too of app-config.yaml (scorecards.campaigns) has the owner group:default/ghost.team, which is not a group in the catalog',
    ]);
  });

  it('accepts an owner group of the catalog, however its ref is spelled', async () => {
    for (const [owner, stored] of [
      ['team.x-1_a', 'group:default/team.x-1_a'],
      ['Group:Default/Team.X-1_A', 'group:default/team.x-1_a'],
      ['default/ml-platform', 'group:default/ml-platform'],
    ]) {
      const res = await post(owner);
      expect([owner, res.status, res.body.owner]).toEqual([owner, 201, stored]);
    }
  });

  it.each([
    ['nobody', 'owner: no group group:default/nobody in the catalog'],
    [
      'group:default/no.such-team',
      'owner: no group group:default/no.such-team in the catalog',
    ],
    [
      'group:other/ml-platform',
      'owner: no group group:other/ml-platform in the catalog',
    ],
    // A group the caller may not read is as missing.
    ['hidden-team', 'owner: no group group:default/hidden-team in the catalog'],
    [
      '"ml-platform"',
      'owner: not a valid entity reference, e.g. group:default/name',
    ],
    [
      "group:default/o'brien",
      'owner: not a valid entity reference, e.g. group:default/name',
    ],
    [
      'équipe-ü',
      'owner: not a valid entity reference, e.g. group:default/name',
    ],
    [
      '模型团队',
      'owner: not a valid entity reference, e.g. group:default/name',
    ],
    [
      'group:default/a\\b',
      'owner: not a valid entity reference, e.g. group:default/name',
    ],
    ['', 'owner: not a valid entity reference, e.g. group:default/name'],
  ])('refuses the owner %j on POST: %s', async (owner, message) => {
    const res = await post(owner);
    expect([res.status, res.body.error?.message]).toEqual([400, message]);
  });

  it('refuses to keep a deleted group as the owner of a campaign it updates', async () => {
    const created = await post('gone');
    expect(created.status).toBe(201);
    entities = entities.filter(e => e.metadata.name !== 'gone');
    const put = await request(backend.server)
      .put(`/api/scorecards/campaigns/${created.body.id}`)
      .set(asUser(ADMIN))
      .send({ ...body('gone'), title: 'Owned, renamed' });
    expect([put.status, put.body.error?.message]).toEqual([
      400,
      'owner: no group group:default/gone in the catalog',
    ]);
    // Unchanged, and still shown; another owner may be given.
    const one = await request(backend.server)
      .get(`/api/scorecards/campaigns/${created.body.id}`)
      .set(asUser(MEI));
    expect([one.status, one.body.campaign.title]).toEqual([200, 'Owned']);
    const moved = await request(backend.server)
      .put(`/api/scorecards/campaigns/${created.body.id}`)
      .set(asUser(ADMIN))
      .send({ ...body('ml-platform'), title: 'Owned, renamed' });
    expect([moved.status, moved.body.owner]).toEqual([
      200,
      'group:default/ml-platform',
    ]);
  });
});

describe.each(databases.eachSupportedId())(
  'campaign coverage after a full pass on %s',
  id => {
    it('counts as ungraded only what the scorecard grades, with a filter of {}', async () => {
      const knex = await databases.init(id);
      const backend = await startScorecardsBackend(knex, {
        config: {
          scorecards: {
            // No initial delay: the test backend runs the full pass at start-up.
            schedule: { frequency: { hours: 24 }, timeout: { minutes: 5 } },
            incremental: { schedule: afterTheTest },
            campaigns: [
              campaignEntry({
                id: 'everything',
                target: { level: 'Bronze' },
                filter: {},
              }),
            ],
          },
        },
        features: [
          catalogServiceMock.factory({
            entities: [
              group('ml-platform'),
              group('fraud'),
              group('search'),
              model('fraud-detector', 'production'),
              model('ranker', 'experimental'),
            ],
          }),
        ],
      });
      try {
        const res = await request(backend.server)
          .get('/api/scorecards/campaigns/everything')
          .set(asUser(MEI));
        expect(res.status).toBe(200);
        // The groups are covered by {} but never graded by a scorecard of models.
        expect(res.body.campaign.progress).toMatchObject({
          total: 2,
          ungraded: 0,
        });
      } finally {
        await backend.stop();
      }
    });
  },
);

describe.each(databases.eachSupportedId())(
  'campaign burn-up after a full pass on %s',
  id => {
    it('records the day’s points of each running campaign after grading everything', async () => {
      const knex = await databases.init(id);
      const described = (name: string) => {
        const m = model(name, 'production');
        return { ...m, metadata: { ...m.metadata, description: name } };
      };
      const backend = await startScorecardsBackend(knex, {
        config: {
          scorecards: {
            // No initial delay: the test backend runs the full pass at start-up.
            schedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 5 },
            },
            incremental: { schedule: afterTheTest },
            campaigns: [
              campaignEntry({
                id: 'described',
                title: 'Every model described',
                target: { checks: ['has-description'] },
                filter: { kind: 'Model' },
              }),
              campaignEntry({
                id: 'later',
                title: 'Not started',
                target: { level: 'Bronze' },
                filter: { kind: 'Model' },
                startsAt: '2098-01-01',
              }),
            ],
          },
        },
        features: [
          catalogServiceMock.factory({
            entities: [
              group('ml-platform'),
              described('fraud-detector'),
              model('ranker', 'production'),
            ],
          }),
        ],
      });
      try {
        const rows = await knex('scorecard_campaign_snapshots')
          .select('campaign_id', 'day', 'owner_ref', 'done', 'total')
          .orderBy('owner_ref');
        const today = new Date().toISOString().slice(0, 10);
        expect(
          rows.map(r => ({
            ...r,
            done: Number(r.done),
            total: Number(r.total),
          })),
        ).toEqual([
          {
            campaign_id: 'described',
            day: today,
            owner_ref: '',
            done: 1,
            total: 2,
          },
          {
            campaign_id: 'described',
            day: today,
            owner_ref: 'group:default/ml-platform',
            done: 1,
            total: 2,
          },
        ]);
      } finally {
        await backend.stop();
      }
    });
  },
);
