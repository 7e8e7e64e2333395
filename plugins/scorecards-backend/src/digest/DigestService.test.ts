import knexFactory, { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CampaignSummary } from '@convergence/backstage-plugin-scorecards-common';
import { testDatabases } from '../__testUtils__/databases';
import { storeOn } from '../__testUtils__/store';
import { modelScorecard } from '../__testUtils__/config';
import { bareModel, group } from '../__testUtils__/entities';
import { evaluatorNeverChanging } from '../__testUtils__/service';
import { StoredResult } from '../database/ScorecardStore';
import { CompiledScorecard } from '../engine/definitions';
import { ScorecardQueries } from '../service/ScorecardQueries';
import { DatabaseDigestStore } from './DatabaseDigestStore';
import { DigestService, digestPeriod } from './DigestService';
import { DigestStore } from './DigestStore';

const databases = testDatabases();

/** A Wednesday of the UTC ISO week 2026-W49. */
const NOW = new Date('2026-12-02T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const daysFrom = (days: number, from = NOW) =>
  new Date(from.getTime() + days * DAY);

const TEAM_A = 'group:default/team-a';
const TEAM_A1 = 'group:default/team-a1';
const TEAM_B = "group:default/team-b.o'neil";

const scorecards: CompiledScorecard[] = [
  {
    ...modelScorecard({ id: 'ml', title: 'ML readiness' }, ['has-card']),
    matches: () => true,
  },
];
const checks = new Map(
  [
    { id: 'has-description', title: 'Has a description' },
    { id: 'has-card', title: 'Has a model card' },
  ].map(c => [c.id, { ...c, why: '', howToFix: '' } as any]),
);

/** A result of `ml`: Silver passes everything, Bronze fails has-card, none fails both. */
const result = (
  name: string,
  owner: string,
  level: 'Silver' | 'Bronze' | null,
  evaluatedAt: Date,
): StoredResult => ({
  entityRef: `model:default/${name}`,
  scorecardId: 'ml',
  ownerRef: owner,
  level,
  score: { Silver: 1, Bronze: 0.5, none: 0 }[level ?? 'none'],
  checks: [
    {
      checkId: 'has-description',
      status: level === null ? 'fail' : 'pass',
    },
    { checkId: 'has-card', status: level === 'Silver' ? 'pass' : 'fail' },
  ],
  evaluatedAt: evaluatedAt.toISOString(),
});

const campaign = (
  id: string,
  deadline: Date,
  progress: { done: number; total: number },
): CampaignSummary => ({
  id,
  title: `Campaign ${id}`,
  scorecardId: 'ml',
  target: { level: 'Silver' },
  filter: { kind: 'Model' },
  startsAt: daysFrom(-30).toISOString(),
  deadline: deadline.toISOString(),
  owner: TEAM_A,
  source: 'config',
  state: 'open',
  progress: { ...progress, ungraded: 0 },
});

/** Campaigns as the campaign service lists them for an owner: the same for every team here. */
const fakeCampaigns = {
  asked: [] as Array<{ owner?: string; state?: string }>,
  async list(options: { owner?: string; state?: string }) {
    fakeCampaigns.asked.push(options);
    return [
      campaign('soon', daysFrom(5), { done: 1, total: 3 }),
      campaign('later', daysFrom(30), { done: 0, total: 3 }),
      campaign('done-already', daysFrom(3), { done: 3, total: 3 }),
    ];
  },
};

type Sent = { recipients: any; payload: any };

/** The digest with its stores and queries on `knex` (migrated already). */
async function digestOn(
  knex: Knex,
  options: {
    /** Where the notifications sent go (to share it between replicas); a new list by default. */
    sent?: Sent[];
    send?: (n: Sent) => Promise<void>;
    wrapStore?: (s: DigestStore) => DigestStore;
    campaigns?: Pick<typeof fakeCampaigns, 'list'>;
  } = {},
) {
  const sent = options.sent ?? [];
  const store = await storeOn(knex, { skipMigrations: true });
  const catalog = catalogServiceMock({
    entities: [
      group('team-a', ['team-a1']),
      group('team-a1'),
      group("team-b.o'neil"),
      ...['up', 'down', 'steady', 'fresh', 'sub', 'b1'].map(name =>
        bareModel(name),
      ),
    ],
  });
  const queries = new ScorecardQueries({
    auth: mockServices.auth(),
    permissions: mockServices.permissions.mock({
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
    }),
    catalog,
    store,
    evaluator: evaluatorNeverChanging(),
    scorecards,
    checks,
    now: () => NOW,
  });
  const digestStore = new DatabaseDigestStore(knex);
  return {
    store,
    digestStore,
    /** The notifications sent, in order. */
    sent,
    digest: new DigestService({
      store: options.wrapStore?.(digestStore) ?? digestStore,
      queries,
      campaigns: options.campaigns ?? fakeCampaigns,
      notifications: {
        send: async (n: any) => {
          await options.send?.(n);
          sent.push(n);
        },
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    }),
  };
}

/** Results with a history: what changed in the week before NOW and what did not. */
async function seed(knex: Knex) {
  const store = await storeOn(knex, { skipMigrations: true });
  const save = (...results: StoredResult[]) => store.saveResults(results);
  await save(
    result('up', TEAM_A, 'Bronze', daysFrom(-10)),
    result('down', TEAM_A, 'Silver', daysFrom(-10)),
    result('steady', TEAM_A, 'Bronze', daysFrom(-20)),
    result('sub', TEAM_A1, null, daysFrom(-10)),
    result('b1', TEAM_B, 'Silver', daysFrom(-10)),
  );
  // Changed before the week: not a change of the week.
  await save(result('steady', TEAM_A, 'Silver', daysFrom(-9)));
  await save(
    result('up', TEAM_A, 'Silver', daysFrom(-2)),
    result('down', TEAM_A, 'Bronze', daysFrom(-1)),
    result('sub', TEAM_A1, 'Bronze', daysFrom(-3)),
    // Graded for the first time this week: not a change.
    result('fresh', TEAM_A, 'Bronze', daysFrom(-1)),
  );
  // A score change without a level change.
  await save({
    ...result('b1', TEAM_B, 'Silver', daysFrom(-1)),
    score: 0.99,
  });
  // An owner the catalog does not know: no digest.
  await save({
    ...result('ghost-model', 'group:default/ghost', 'Bronze', daysFrom(-1)),
  });
}

describe.each(databases.eachSupportedId())('DigestService on %s', id => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(id);
    await storeOn(knex);
    await seed(knex);
    fakeCampaigns.asked.length = 0;
  });

  it('names the ISO week as the period', () => {
    expect(digestPeriod(NOW)).toBe('2026-W49');
    // The ISO week-year: 1 January 2027 is in the last week of 2026.
    expect(digestPeriod(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(digestPeriod(new Date('2026-12-28T00:00:00Z'))).toBe('2026-W53');
    expect(digestPeriod(new Date('2027-01-04T00:00:00Z'))).toBe('2027-W01');
  });

  it('sends each team its level changes, deadlines soon and top fixes', async () => {
    const { digest, digestStore, sent } = await digestOn(knex);
    const run = await digest.run(NOW);
    expect(run).toEqual({
      period: '2026-W49',
      sent: [TEAM_A, TEAM_A1, TEAM_B],
      failed: [],
    });
    expect(sent.map(n => n.recipients)).toEqual(
      [TEAM_A, TEAM_A1, TEAM_B].map(entityRef => ({
        type: 'entity',
        entityRef,
      })),
    );
    const a = sent[0].payload;
    expect(a).toEqual({
      title: 'Weekly scorecards: team-a',
      description: expect.any(String),
      link: '/scorecards',
      topic: 'scorecards-digest',
      scope: `scorecards-digest:${TEAM_A}:2026-W49`,
      severity: 'low',
    });
    expect(a.description.split('\n')).toEqual([
      'Level changes in the last 7 days: 2 up, 1 down.',
      '- Down: model:default/down in ML readiness, Silver → Bronze',
      '- Up: model:default/sub in ML readiness, no level → Bronze',
      '- Up: model:default/up in ML readiness, Bronze → Silver',
      'Campaign deadlines within 14 days:',
      `- Campaign soon: 1 of 3 done, deadline ${daysFrom(5)
        .toISOString()
        .slice(0, 10)} (in 5 days)`,
      'Top fixes:',
      // down, fresh and sub (Bronze) fail has-card, in the tree.
      '- Has a model card (ML readiness): 3 entities failing, 3 affected with downstream',
    ]);
    expect(fakeCampaigns.asked).toContainEqual({
      owner: TEAM_A,
      state: 'open',
    });
    // The sub-team hears only of its own entity.
    expect(sent[1].payload.description).toContain(
      '- Up: model:default/sub in ML readiness, no level → Bronze',
    );
    expect(sent[1].payload.description).not.toContain('model:default/up');
    // Nothing changed, nothing fails: still a digest, naming the deadline.
    expect(sent[2].payload.description.split('\n')).toEqual([
      'No level changes in the last 7 days.',
      'Campaign deadlines within 14 days:',
      expect.stringMatching(/^- Campaign soon: 1 of 3 done/),
      'No failing checks to fix.',
    ]);
    expect(await digestStore.get(TEAM_A, '2026-W49')).toEqual({
      teamRef: TEAM_A,
      period: '2026-W49',
      status: 'sent',
      claimedAt: NOW.toISOString(),
      sentAt: NOW.toISOString(),
      attempts: 1,
      content: { title: a.title, description: a.description },
    });
    expect(await digestStore.get('group:default/ghost', '2026-W49')).toBe(
      undefined,
    );
  });

  it('sends once per team per week, however often it runs', async () => {
    const { digest, sent } = await digestOn(knex);
    await digest.run(NOW);
    expect(await digest.run(daysFrom(1))).toMatchObject({ sent: [] });
    expect(await digest.run(daysFrom(4))).toMatchObject({ sent: [] }); // Sunday
    expect(sent).toHaveLength(3);
    // Monday: the next week.
    const next = await digest.run(daysFrom(5));
    expect(next).toMatchObject({
      period: '2026-W50',
      sent: [TEAM_A, TEAM_A1, TEAM_B],
    });
    expect(sent.slice(3).map(n => n.payload.scope)).toEqual(
      [TEAM_A, TEAM_A1, TEAM_B].map(t => `scorecards-digest:${t}:2026-W50`),
    );
  });

  it("gives each team's digest its own scope, so a member of two teams keeps both", async () => {
    // The notifications backend keeps one notification per user and
    // (origin, scope); group recipients include child-group members: a
    // member of team-a1 receives team-a's digest and team-a1's.
    const { digest, sent } = await digestOn(knex);
    await digest.run(NOW);
    const kept = new Map<string, string>();
    for (const n of sent)
      if ([TEAM_A, TEAM_A1].includes(n.recipients.entityRef))
        kept.set(n.payload.scope, n.payload.title);
    expect([...kept.values()].sort()).toEqual([
      'Weekly scorecards: team-a',
      'Weekly scorecards: team-a1',
    ]);
    expect(new Set(sent.map(n => n.payload.scope)).size).toBe(3);
  });

  it('sends the digest without its campaigns section when campaigns cannot be listed', async () => {
    const { digest, sent } = await digestOn(knex, {
      campaigns: {
        list: async () => {
          throw new Error('catalog unavailable');
        },
      },
    });
    expect(await digest.run(NOW)).toMatchObject({
      sent: [TEAM_A, TEAM_A1, TEAM_B],
      failed: [],
    });
    expect(sent[0].payload.description.split('\n')).toEqual([
      'Level changes in the last 7 days: 2 up, 1 down.',
      '- Down: model:default/down in ML readiness, Silver → Bronze',
      '- Up: model:default/sub in ML readiness, no level → Bronze',
      '- Up: model:default/up in ML readiness, Bronze → Silver',
      'Top fixes:',
      '- Has a model card (ML readiness): 3 entities failing, 3 affected with downstream',
    ]);
    // Not "All good": the campaigns are unknown, not absent.
    expect(sent[2].payload.description.split('\n')).toEqual([
      'No level changes in the last 7 days.',
      'No failing checks to fix.',
    ]);
  });

  it('retries a failed send in a later run, and sends it once', async () => {
    let failures = 1;
    const { digest, digestStore, sent } = await digestOn(knex, {
      send: async n => {
        if (n.recipients.entityRef === TEAM_A1 && failures-- > 0)
          throw new Error('notifications backend unavailable');
      },
    });
    expect(await digest.run(NOW)).toMatchObject({
      sent: [TEAM_A, TEAM_B],
      failed: [TEAM_A1],
    });
    expect(await digestStore.get(TEAM_A1, '2026-W49')).toMatchObject({
      status: 'failed',
      attempts: 1,
    });
    expect(await digest.run(daysFrom(0.01))).toMatchObject({
      sent: [TEAM_A1],
      failed: [],
    });
    expect(await digest.run(daysFrom(0.02))).toMatchObject({ sent: [] });
    expect(sent.map(n => n.recipients.entityRef).sort()).toEqual(
      [TEAM_A, TEAM_A1, TEAM_B].sort(),
    );
    expect(await digestStore.get(TEAM_A1, '2026-W49')).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
  });

  it('stops retrying a team after five failed sends', async () => {
    const { digest, digestStore } = await digestOn(knex, {
      send: async n => {
        if (n.recipients.entityRef === TEAM_B) throw new Error('refused');
      },
    });
    for (let i = 0; i < 7; i++) await digest.run(daysFrom(i * 0.01));
    expect(await digestStore.get(TEAM_B, '2026-W49')).toMatchObject({
      status: 'failed',
      attempts: 5,
    });
  });

  it('never sends twice when the outcome of a send was not recorded', async () => {
    // The replica stops (here: the database write fails) after sending.
    const { digest, digestStore, sent } = await digestOn(knex, {
      wrapStore: s =>
        Object.assign(Object.create(Object.getPrototypeOf(s)), s, {
          markSent: async () => {
            throw new Error('connection lost');
          },
        }),
    });
    expect(await digest.run(NOW)).toMatchObject({
      sent: [TEAM_A, TEAM_A1, TEAM_B],
    });
    expect(await digest.run(daysFrom(0.01))).toMatchObject({
      sent: [],
      failed: [],
    });
    expect(sent).toHaveLength(3);
    expect(await digestStore.get(TEAM_A, '2026-W49')).toMatchObject({
      status: 'sending',
    });
  });
});

const postgresIds = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

// Two pools on one database, as two replicas have: PostgreSQL only (SQLite's
// in-memory test database exists on its own connection only).
(postgresIds.length
  ? describe.each(postgresIds)
  : describe.skip.each([['none']]))('DigestService replicas on %s', id => {
  let knex: Knex;

  beforeEach(async () => {
    knex = await databases.init(id as any);
    await storeOn(knex);
    await seed(knex);
  });

  it('sends one digest per team when two replicas race, on separate connections', async () => {
    const other = knexFactory(knex.client.config);
    try {
      const a = await digestOn(knex);
      const b = await digestOn(other, { sent: a.sent });
      const { sent } = a;
      for (let week = 0; week < 5; week++) {
        const at = daysFrom(7 * week);
        const before = sent.length;
        const runs = await Promise.all([a.digest.run(at), b.digest.run(at)]);
        const sentNow = sent.slice(before).map(n => n.recipients.entityRef);
        expect(sentNow.sort()).toEqual([TEAM_A, TEAM_A1, TEAM_B]);
        expect([...runs[0].sent, ...runs[1].sent].sort()).toEqual([
          TEAM_A,
          TEAM_A1,
          TEAM_B,
        ]);
        expect(
          sent
            .slice(before)
            .map(n => n.payload.scope)
            .sort(),
        ).toEqual(
          [TEAM_A, TEAM_A1, TEAM_B]
            .map(t => `scorecards-digest:${t}:${digestPeriod(at)}`)
            .sort(),
        );
      }
    } finally {
      await other.destroy();
    }
  });
});
