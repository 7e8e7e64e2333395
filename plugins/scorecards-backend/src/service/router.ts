import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { CampaignService } from '../campaigns/types';
import { ExemptionWorkflow } from '../exemptions/ExemptionWorkflow';
import { addCampaignRoutes } from './campaignRoutes';
import { addCheckHistoryRoutes } from './checkHistoryRoutes';
import { CheckHistoryQueries } from './CheckHistoryQueries';
import { addExemptionRequestRoutes } from './exemptionRequestRoutes';
import {
  anyCaller,
  AuditedRouteContext,
  auditedEvents,
  entityOf,
  jsonBody,
  RouteContext,
} from './http';
import { ScorecardQueries } from './ScorecardQueries';
import {
  bodyDays,
  entityRef,
  exemptionBody,
  optionalQueryParam,
  parseInput,
  queryDays,
} from './inputs';

const summaryQuery = z.object({
  owner: optionalQueryParam(entityRef('group')),
  system: optionalQueryParam(entityRef('system')),
  days: queryDays,
});

const summariesBody = z.object({
  owners: z
    .array(entityRef('group'), { error: 'must be a list of group refs' })
    .min(1, 'must name at least one owner')
    .max(100, 'must name at most 100 owners'),
  days: bodyDays,
});

const entityRefsBody = z.object({
  entityRefs: z.array(entityRef()).max(500),
});

/**
 * The REST API of the scorecards plugin: the routes over
 * {@link ScorecardQueries}, then those of campaigns, check history and
 * exemption requests. It validates input and speaks HTTP; see the README for
 * the routes. Only the routes that take a body parse one.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  queries: ScorecardQueries;
  checkHistory: CheckHistoryQueries;
  campaigns: CampaignService;
  exemptions: ExemptionWorkflow;
}): Promise<express.Router> {
  const { httpAuth, auditor, queries } = options;
  const router = Router();

  router.get('/definitions', async (req, res) => {
    await httpAuth.credentials(req, anyCaller);
    res.json(queries.definitions());
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    res.json(await queries.getEntityResults(entityOf(req), credentials));
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(summaryQuery, req.query, 'query');
    res.json(
      await queries.getEntityHistory(entityOf(req), query.days, credentials),
    );
  });

  router.post('/entities/:kind/:namespace/:name/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    res.json(await queries.refreshEntity(entityOf(req), credentials));
  });

  router.get(
    '/entities/:kind/:namespace/:name/exemptions',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, anyCaller);
      res.json(await queries.getExemptions(entityOf(req), credentials));
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/exemptions',
    jsonBody,
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseInput(exemptionBody, req.body, 'body');
      res
        .status(201)
        .json(await queries.createExemption(entityOf(req), body, credentials));
    },
  );

  router.delete('/exemptions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // Exemption ids are UUIDs; anything else names no exemption.
    if (!z.uuid().safeParse(req.params.id).success)
      throw new NotFoundError(`No exemption ${req.params.id}`);
    res.json(await queries.revokeExemption(req.params.id, credentials));
  });

  router.get('/results', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const { owner, system } = parseInput(summaryQuery, req.query, 'query');
    res.json(await queries.getResults({ owner, system }, credentials));
  });

  router.post('/results/by-refs', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const { entityRefs } = parseInput(entityRefsBody, req.body, 'body');
    res.json(await queries.getResultsByRefs(entityRefs, credentials));
  });

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(summaryQuery, req.query, 'query');
    const summary = await queries.getSummaryResponse(query, credentials);
    if ('answer' in summary) {
      res.json(summary.answer);
      return;
    }
    // Browsers revalidate with the ETag and get a 304 while the answer is
    // unchanged; with the ETag set, express does not hash the body and
    // answers 304 itself.
    res
      .set({ 'Cache-Control': 'private, no-cache', ETag: summary.cached.etag })
      .type('application/json')
      .send(summary.cached.body);
  });

  router.post('/summaries/by-owners', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const body = parseInput(summariesBody, req.body, 'body');
    res.json(await queries.getSummaries(body, credentials));
  });

  const context: RouteContext = { router, httpAuth };
  /** The context of a route group whose writes are auditor events `eventId`. */
  const auditedAs = <Q extends string>(
    eventId: string,
  ): AuditedRouteContext<Q> => ({
    ...context,
    audited: auditedEvents<Q>(auditor, eventId),
  });
  addCampaignRoutes(auditedAs('campaign-manage'), options.campaigns);
  addCheckHistoryRoutes(context, options.checkHistory);
  addExemptionRequestRoutes(auditedAs('exemption-request'), options.exemptions);
  return router;
}
