import { mockServices } from '@backstage/backend-test-utils';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';
import { ScorecardStore } from '../database/ScorecardStore';
import { CompiledScorecard } from '../engine/definitions';
import { ScorecardEvaluator } from '../service/ScorecardEvaluator';
import { ScorecardQueries } from '../service/ScorecardQueries';

/**
 * An evaluator as ScorecardQueries listens to it, that never says results
 * changed: for tests that save the results themselves.
 */
export const evaluatorNeverChanging = () =>
  ({ onResultsChanged: () => {} } as unknown as ScorecardEvaluator);

/**
 * The plugin's evaluator (without fact providers) and queries over `store`
 * and `catalog`, wired as the plugin wires them, with `permissions` deciding
 * and `now` as their clock when given.
 */
export function evaluatorAndQueries(options: {
  store: ScorecardStore;
  catalog: CatalogService;
  permissions: PermissionsService;
  scorecards: CompiledScorecard[];
  checks: ReadonlyMap<string, ScorecardCheck>;
  now?: () => Date;
}) {
  const { store, catalog, permissions, scorecards, checks, now } = options;
  const auth = mockServices.auth();
  const logger = mockServices.logger.mock();
  const evaluator = new ScorecardEvaluator({
    scorecards,
    checks,
    factProviders: [],
    store,
    catalog,
    auth,
    logger,
    now,
  });
  const queries = new ScorecardQueries({
    permissions,
    auth,
    catalog,
    store,
    evaluator,
    scorecards,
    checks,
    now,
  });
  return { auth, logger, evaluator, queries };
}
