import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Re-evaluate an entity's scorecards on demand. A resource permission on the
 * catalog entity, so a policy can grant it to the entity's owners.
 *
 * @public
 */
export const scorecardsRefreshPermission = createPermission({
  name: 'scorecards.entity.refresh',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or revoke an exemption for an entity's check.
 *
 * @public
 */
export const scorecardsExemptionManagePermission = createPermission({
  name: 'scorecards.exemption.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create, edit and archive scorecard campaigns. A basic permission: the
 * portal's policy gives it to admins.
 *
 * @public
 */
export const scorecardsCampaignManagePermission = createPermission({
  name: 'scorecards.campaign.manage',
  attributes: { action: 'update' },
});

/**
 * Every permission the scorecards plugin defines.
 *
 * @public
 */
export const scorecardsPermissions = [
  scorecardsRefreshPermission,
  scorecardsExemptionManagePermission,
  scorecardsCampaignManagePermission,
];
