import {
  createRouteRef,
  createSubRouteRef,
  useRouteRef,
} from '@backstage/core-plugin-api';

/**
 * The campaigns page (`/campaigns` in the portal). Route refs from
 * core-plugin-api work in both frontend systems.
 */
export const campaignsRouteRef = createRouteRef({ id: 'scorecards-campaigns' });

/** One campaign's page, below the campaigns page. */
export const campaignRouteRef = createSubRouteRef({
  id: 'scorecards-campaign',
  parent: campaignsRouteRef,
  path: '/:campaignId',
});

/**
 * A link to a campaign's page, or undefined when the app does not mount the
 * campaigns page (a legacy app that left `ScorecardCampaignsPage` out), so
 * that cards on entity pages still render.
 */
export function useCampaignLink(): ((id: string) => string) | undefined {
  let link: (params: { campaignId: string }) => string;
  try {
    // Whether the route is mounted does not change while the app runs, so
    // this throws on every render or on none: the hooks run in the same order.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(campaignRouteRef);
  } catch {
    return undefined;
  }
  return id => link({ campaignId: id });
}
