import { CampaignService } from '../campaigns/types';
import { campaignListQuery, campaignQuery } from './campaignInputs';
import { anyCaller, AuditedRouteContext, jsonBody } from './http';
import { parseInput } from './inputs';

/**
 * Adds the campaign routes of the scorecards API over a
 * {@link CampaignService} to the context's router: `GET /campaigns`,
 * `GET /campaigns/:id`, and for users allowed `scorecards.campaign.manage`,
 * `POST /campaigns`, `PUT /campaigns/:id` and `DELETE /campaigns/:id` (which
 * archives it). Every write is also an auditor event, through the context's
 * `audited` (`createRouter` gives it the event id `campaign-manage`).
 */
export function addCampaignRoutes(
  context: AuditedRouteContext<'create' | 'update' | 'archive'>,
  campaigns: CampaignService,
) {
  const { router, httpAuth, audited } = context;
  /** The audit metadata naming a campaign. */
  const campaign = (id: string) => ({ campaignId: id });

  router.get('/campaigns', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(campaignListQuery, req.query, 'query');
    res.json({ items: await campaigns.list(query, credentials) });
  });

  router.get('/campaigns/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(campaignQuery, req.query, 'query');
    res.json(await campaigns.get(req.params.id, query, credentials));
  });

  router.post('/campaigns', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // The service checks the body (after the permission).
    const created = await audited(
      req,
      'create',
      {},
      () => campaigns.create(req.body, credentials),
      c => campaign(c.id),
    );
    res.status(201).json(created);
  });

  router.put('/campaigns/:id', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await audited(
        req,
        'update',
        campaign(req.params.id),
        () => campaigns.update(req.params.id, req.body, credentials),
        c => campaign(c.id),
      ),
    );
  });

  router.delete('/campaigns/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await audited(
      req,
      'archive',
      campaign(req.params.id),
      () => campaigns.archive(req.params.id, credentials),
      () => campaign(req.params.id),
    );
    res.status(204).end();
  });
}
