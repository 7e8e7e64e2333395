/*
 * Acceptance: two replicas of the scorecards backend on one PostgreSQL
 * database, each with the real scheduler, send each team exactly one weekly
 * digest however often their digest task runs, and answer the same campaign
 * page.
 */
import knexFactory, { Knex } from 'knex';
import { testDatabases } from './__testUtils__/databases';
import { mockCredentials } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  notificationsInto,
  startScorecardsBackend,
} from './__testUtils__/backend';
import { campaignEntry } from './__testUtils__/campaigns';
import { afterTheTest } from './__testUtils__/config';
import { group, model } from './__testUtils__/entities';
import { digestPeriod } from './digest/DigestService';

const databases = testDatabases();
const postgresIds = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

/** Polls `check` until it returns a value other than undefined (the overall limit is the test's timeout). */
async function eventually<T>(check: () => Promise<T | undefined>) {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Teams that own models directly: each must get one digest. */
const TEAMS = [
  'group:default/fraud-ml',
  'group:default/recsys.ml',
  'group:default/platform',
];
const entities: Entity[] = [
  group('platform', ['fraud-ml', 'recsys.ml']),
  group('fraud-ml'),
  group('recsys.ml'),
  model('fraud-detector', 'fraud-ml', {
    card: { intendedUse: 'x', limitations: 'y', evaluationData: 'z' },
  }),
  model('fraud-scorer', 'fraud-ml'),
  model('ranker.v2', 'recsys.ml'),
  model('shared-embeddings', 'platform'),
];

const CAMPAIGN = 'models-silver';
/** Within the digest's 14 days, so every team not done hears of it. */
const deadline = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000)
  .toISOString()
  .slice(0, 10);

const config = {
  scorecards: {
    // One full pass soon after start (on whichever replica claims it).
    schedule: {
      frequency: { minutes: 30 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 1 },
    },
    incremental: { schedule: afterTheTest },
    // Every second on both replicas.
    digest: {
      enabled: true,
      schedule: {
        frequency: { seconds: 1 },
        timeout: { seconds: 30 },
        initialDelay: { seconds: 1 },
      },
    },
    campaigns: [
      campaignEntry({
        id: CAMPAIGN,
        title: 'Models reach “Silver”',
        filter: { kind: 'Model' },
        deadline,
        owner: 'group:default/platform',
      }),
    ],
  },
};

const describeOnPostgres = postgresIds.length
  ? describe.each(postgresIds)
  : describe.skip.each([['none']]);

describeOnPostgres('two scorecards replicas on %s', databaseId => {
  /** Every notification either replica sent. */
  const sent: Array<{ recipients: any; payload: any }> = [];
  const backends: Array<Awaited<ReturnType<typeof startScorecardsBackend>>> =
    [];
  let knexA: Knex;
  let knexB: Knex | undefined;

  const replica = (knex: Knex) =>
    startScorecardsBackend(knex, {
      config,
      features: [
        // The real scheduler: global tasks are claimed in the shared database.
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        notificationsInto(sent),
      ],
    });

  beforeAll(async () => {
    knexA = await databases.init(databaseId as any);
    // A second pool on the same database, as a second process would have.
    knexB = knexFactory(knexA.client.config);
    // One after the other: the second finds the migrations done.
    backends.push(await replica(knexA));
    backends.push(await replica(knexB));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(backends.map(b => b.stop()));
    await knexB?.destroy();
  });

  it('sends each team one digest a week, and both answer the same campaign page', async () => {
    const period = digestPeriod(new Date());
    // Every team's digest of the week is sent, once the pass has graded it.
    await eventually(async () => {
      const rows = await knexA('scorecard_digests')
        .where({ period, status: 'sent' })
        .pluck('team_ref');
      return TEAMS.every(t => rows.includes(t)) ? rows : undefined;
    });
    // Three more runs of the digest task (on either replica) send nothing more.
    const runsSeen = new Set<string>();
    await eventually(async () => {
      const task = await knexA('backstage_backend_tasks__tasks')
        .where({ id: 'scorecards:digest' })
        .first();
      if (task?.last_run_ended_at)
        runsSeen.add(new Date(task.last_run_ended_at).toISOString());
      return runsSeen.size > 3 ? true : undefined;
    });

    const digests = sent.filter(n => n.payload.topic === 'scorecards-digest');
    // The scope names the team and the week.
    const thisWeek = digests.filter(
      n =>
        n.payload.scope ===
        `scorecards-digest:${n.recipients.entityRef}:${period}`,
    );
    expect(thisWeek.map(n => n.recipients.entityRef).sort()).toEqual(
      [...TEAMS].sort(),
    );
    expect(thisWeek.map(n => n.recipients.type)).toEqual(
      TEAMS.map(() => 'entity'),
    );
    // Others only if the test ran into the next week.
    const periods = [period, digestPeriod(new Date())];
    expect(
      digests.filter(n => !periods.includes(n.payload.scope.split(':').pop())),
    ).toEqual([]);
    // The real campaign service names the deadline to each team not done.
    for (const n of thisWeek) {
      expect(n.payload.description).toMatch(
        new RegExp(
          `^- Models reach “Silver”: 0 of \\d+ done, deadline ${deadline}`,
          'm',
        ),
      );
    }

    const [a, b] = await Promise.all(
      backends.map(backend =>
        request(backend.server)
          .get(`/api/scorecards/campaigns/${CAMPAIGN}`)
          .set('Authorization', mockCredentials.user.header()),
      ),
    );
    expect(a.status).toBe(200);
    expect(a.body.campaign).toMatchObject({
      id: CAMPAIGN,
      source: 'config',
      progress: { done: 0, total: 4, ungraded: 0 },
    });
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
  }, 120_000);
});
