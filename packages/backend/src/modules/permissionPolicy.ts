import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Convergence's permission policy.
 *
 * - Any signed-in user may read (every permission whose action is `read`).
 * - Any other action on a catalog entity — built-in ones such as refresh and
 *   delete, and the ones Convergence plugins declare on catalog entities — is
 *   allowed only to the entity's owners: the caller's ownership references
 *   (the user and the groups they belong to) must include the entity's owner.
 * - Other actions (creating locations, running templates) are open to every
 *   signed-in user.
 *
 * Unauthenticated requests never reach the policy: the backend's HTTP auth
 * answers them with 401.
 */
export class ConvergencePermissionPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
      const claims = user
        ? (await this.userInfo.getUserInfo(user.credentials))
            .ownershipEntityRefs
        : [];
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link ConvergencePermissionPolicy} into the permission plugin. */
export const permissionModuleConvergencePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'convergence-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new ConvergencePermissionPolicy(userInfo));
      },
    });
  },
});
