import { z } from 'zod';
import { CheckHistoryQueries } from './CheckHistoryQueries';
import { anyCaller, RouteContext } from './http';
import { entityRef, optionalQueryParam, parseInput, queryDays } from './inputs';

const checkTrendQuery = z.object({
  scorecardId: z
    .string({
      error: issue =>
        issue.input === undefined ? 'is required' : 'must be a scorecard id',
    })
    .min(1, 'is required'),
  owner: optionalQueryParam(entityRef('group')),
  system: optionalQueryParam(entityRef('system')),
  days: queryDays,
});

/**
 * Adds the per-check history routes to the context's router:
 * `GET /checks/:checkId/trend` and
 * `GET /entities/:kind/:namespace/:name/check-changes`.
 */
export function addCheckHistoryRoutes(
  context: RouteContext,
  checkHistory: CheckHistoryQueries,
) {
  const { router, httpAuth } = context;

  router.get('/checks/:checkId/trend', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    // An unknown check is not found, whatever the query says.
    checkHistory.requireCheck(req.params.checkId);
    const query = parseInput(checkTrendQuery, req.query, 'query');
    res.json(
      await checkHistory.checkTrend(req.params.checkId, query, credentials),
    );
  });

  router.get(
    '/entities/:kind/:namespace/:name/check-changes',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, anyCaller);
      const { kind, namespace, name } = req.params;
      res.json(
        await checkHistory.checkChanges({ kind, namespace, name }, credentials),
      );
    },
  );
}
