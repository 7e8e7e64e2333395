import { DateTime } from 'luxon';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CheckChange,
  CheckTrend,
} from '@convergence/backstage-plugin-scorecards-common';
import { ScorecardStore, SummaryFilter } from '../database/ScorecardStore';
import { ScorecardQueries } from './ScorecardQueries';

/** What a check's trend covers: full lower-case refs, and the days of trend. */
export type CheckTrendQuery = {
  scorecardId: string;
  owner?: string;
  system?: string;
  days: number;
};

/**
 * Per-check history for a caller: a check's pass rate over time and when an
 * entity's checks last changed, over the entities the caller may read (the
 * same owner trees and read filtering as the summaries of
 * {@link ScorecardQueries}).
 */
export class CheckHistoryQueries {
  constructor(
    private readonly options: {
      queries: ScorecardQueries;
      store: ScorecardStore;
      now?: () => Date;
    },
  ) {}

  /** A NotFoundError unless a check with this id is configured. */
  requireCheck(checkId: string) {
    if (!this.options.queries.definitions().checks.some(c => c.id === checkId))
      throw new NotFoundError(`No check '${checkId}'`);
  }

  /**
   * The check's pass rate per day (passing or exempt over applicable) in
   * the scorecard, for an owner and the groups below it and/or a system, or
   * everything the caller may read. NotFoundError for an unknown check,
   * InputError (naming `scorecardId`) for a scorecard that is unknown or
   * does not grade the check.
   */
  async checkTrend(
    checkId: string,
    query: CheckTrendQuery,
    credentials: BackstageCredentials,
  ): Promise<CheckTrend> {
    const { queries, store } = this.options;
    this.requireCheck(checkId);
    const scorecard = queries
      .definitions()
      .scorecards.find(s => s.id === query.scorecardId);
    if (!scorecard)
      throw new InputError(
        `scorecardId: unknown scorecard '${query.scorecardId}'`,
      );
    if (!scorecard.levels.some(l => l.checks.includes(checkId)))
      throw new InputError(
        `scorecardId: scorecard '${scorecard.id}' has no check '${checkId}'`,
      );
    const filter: SummaryFilter = {};
    if (query.owner)
      filter.ownerRefs = (
        await queries.ownerTree(query.owner, credentials)
      ).refs;
    if (query.system) filter.systemRef = query.system;
    const since = DateTime.fromJSDate(this.options.now?.() ?? new Date(), {
      zone: 'utc',
    })
      .minus({ days: query.days })
      .toJSDate();
    const points = await store.checkTrend(
      await queries.visibleFilter(credentials, filter),
      scorecard.id,
      checkId,
      since,
    );
    return {
      scorecardId: scorecard.id,
      checkId,
      ...(filter.ownerRefs && { owners: filter.ownerRefs }),
      points,
    };
  }

  /**
   * Since when each of an entity's checks has had its status;
   * NotFoundError unless the caller may read the entity.
   */
  async checkChanges(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{ entityRef: string; changes: CheckChange[] }> {
    const entityRef = await this.options.queries.readableEntity(
      ref,
      credentials,
    );
    return {
      entityRef,
      changes: await this.options.store.checkChanges(entityRef),
    };
  }
}
