import { DateTime } from 'luxon';
import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { CampaignSummary } from '@convergence/backstage-plugin-scorecards-common';
import { CampaignService } from '../campaigns/types';
import { ScorecardQueries } from '../service/ScorecardQueries';
import { composeDigest, DIGEST_CHANGE_DAYS } from './compose';
import { DigestContent, DigestStore } from './DigestStore';

/** The notification topic of digests. */
export const DIGEST_TOPIC = 'scorecards-digest';

/** The period of a digest sent at `now`: its UTC ISO week, e.g. `2026-W49`. */
export function digestPeriod(now: Date) {
  return DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
}

/** What one run did, by team ref. */
export type DigestRunResult = {
  period: string;
  /** Digests this run sent. */
  sent: string[];
  /** Digests this run claimed but failed to compose or send (a later run may retry them). */
  failed: string[];
};

/**
 * The weekly digest: one notification per team (each group that directly
 * owns graded entities) per UTC ISO week, with its level changes, campaign
 * deadlines coming up and its top fixes.
 *
 * At most once per team and week across replicas and runs: a run claims
 * the team's row in the database before composing and sending, and only the
 * claimer sends. A send that throws marks the row failed, and a later run
 * of the same week claims it again (up to a few attempts); a replica that
 * stops between claiming and recording the outcome leaves the row
 * `sending`, and that team's digest is not sent again that week.
 */
export class DigestService {
  private readonly deadlineDays: number;
  private readonly fixes: number;

  constructor(
    private readonly options: {
      store: DigestStore;
      queries: Pick<
        ScorecardQueries,
        'whatToFixNext' | 'ownerTrees' | 'definitions'
      >;
      /** Campaign deadlines; without it the digest lists none. */
      campaigns?: Pick<CampaignService, 'list'>;
      notifications: NotificationService;
      auth: AuthService;
      logger: LoggerService;
      /** `scorecards.digest.deadlineDays`, default 14. */
      deadlineDays?: number;
      /** `scorecards.digest.fixes`, default 3. */
      fixes?: number;
    },
  ) {
    this.deadlineDays = options.deadlineDays ?? 14;
    this.fixes = options.fixes ?? 3;
    for (const [key, value] of [
      ['deadlineDays', this.deadlineDays],
      ['fixes', this.fixes],
    ] as const) {
      if (!Number.isInteger(value) || value < 0)
        throw new Error(
          `scorecards.digest.${key} must be a whole number, 0 or more, not ${value}`,
        );
    }
  }

  /** The digest with `scorecards.digest.deadlineDays` and `fixes` from config. */
  static fromConfig(
    config: RootConfigService,
    options: Omit<
      ConstructorParameters<typeof DigestService>[0],
      'deadlineDays' | 'fixes'
    >,
  ) {
    return new DigestService({
      ...options,
      deadlineDays: config.getOptionalNumber('scorecards.digest.deadlineDays'),
      fixes: config.getOptionalNumber('scorecards.digest.fixes'),
    });
  }

  /**
   * Sends the digest of `now`'s week to every team whose digest of that
   * week is neither sent nor being sent by another run. Teams the catalog
   * does not know are skipped. One team's failure is logged and does not
   * stop the others; an aborted `signal` stops before the next team.
   */
  async run(
    now: Date = new Date(),
    options: { signal?: AbortSignal } = {},
  ): Promise<DigestRunResult> {
    const { store, queries, logger, auth } = this.options;
    const period = digestPeriod(now);
    const result: DigestRunResult = { period, sent: [], failed: [] };
    const credentials = await auth.getOwnServiceCredentials();
    const teams = await store.teams();
    if (!teams.length) return result;
    const trees = await queries.ownerTrees(teams, credentials);
    const since = DateTime.fromJSDate(now)
      .minus({ days: DIGEST_CHANGE_DAYS })
      .toJSDate();

    for (const team of teams) {
      if (options.signal?.aborted) break;
      const tree = trees.get(team);
      if (!tree?.known) {
        logger.debug(`Scorecards digest: no group ${team} in the catalog`);
        continue;
      }
      if (!(await store.claim(team, period, now))) continue;

      let content: DigestContent | undefined;
      try {
        const [levelChanges, campaigns, fixes] = await Promise.all([
          store.levelChanges(tree.refs, since),
          this.openCampaigns(team, credentials),
          this.fixes
            ? queries
                .whatToFixNext({ owner: team, limit: this.fixes }, credentials)
                .then(r => r.items)
            : [],
        ]);
        content = composeDigest({
          team,
          now,
          levelChanges,
          scorecards: queries.definitions().scorecards,
          campaigns,
          deadlineDays: this.deadlineDays,
          fixes,
        });
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: team },
          payload: {
            title: content.title,
            description: content.description,
            link: '/scorecards',
            topic: DIGEST_TOPIC,
            // The notifications backend updates rather than duplicates a
            // notification of the same scope: a second guard.
            // The scope names the team: a user in two teams (or in a
            // sub-team of a team that owns entities too) gets each one.
            scope: `${DIGEST_TOPIC}:${team}:${period}`,
            severity: 'low',
          },
        });
      } catch (error) {
        logger.warn(
          `Scorecards digest for ${team} (${period}) was not sent: ${error}`,
        );
        result.failed.push(team);
        try {
          await store.markFailed(team, period, content);
        } catch (markError) {
          logger.error(
            `Scorecards digest for ${team} (${period}) could not be marked failed; it stays claimed and is not retried: ${markError}`,
          );
        }
        continue;
      }
      result.sent.push(team);
      try {
        await store.markSent(team, period, content, now);
      } catch (markError) {
        // It stays claimed: never sent twice.
        logger.error(
          `Scorecards digest for ${team} (${period}) was sent but not recorded: ${markError}`,
        );
      }
    }
    if (result.sent.length || result.failed.length)
      logger.info(
        `Scorecards digest ${period}: sent ${result.sent.length}, failed ${result.failed.length}`,
      );
    return result;
  }

  /**
   * The team's open campaigns, or undefined when they cannot be listed: the
   * digest then leaves out its campaigns section rather than fail.
   */
  private async openCampaigns(
    team: string,
    credentials: BackstageCredentials,
  ): Promise<CampaignSummary[] | undefined> {
    if (!this.options.campaigns) return [];
    try {
      return await this.options.campaigns.list(
        { owner: team, state: 'open' },
        credentials,
      );
    } catch (error) {
      this.options.logger.warn(
        `Scorecards digest for ${team}: campaigns left out, they could not be listed: ${error}`,
      );
      return undefined;
    }
  }
}
