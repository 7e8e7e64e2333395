import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityReadPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** The label that makes an entity unreadable to the restricted users. */
export const SECRET_LABEL = 'secret';

/**
 * The part of the Convergence policy (packages/backend permissionPolicy.ts)
 * that decides mlops' permissions, plus read restrictions for tests:
 *
 * - reads are allowed, except that `restrictedUsers` may not read entities
 *   labelled {@link SECRET_LABEL};
 * - any other resource permission on catalog entities (such as
 *   `mlops.lineage.notify`, which the policy names nowhere) is for the
 *   entity's owners only;
 * - anything else is allowed.
 */
export class OwnersOnlyTestPolicy implements PermissionPolicy {
  constructor(private readonly restrictedUsers: string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, catalogEntityReadPermission)) {
      if (this.restrictedUsers.includes(user?.info.userEntityRef ?? ''))
        return createCatalogConditionalDecision(permission, {
          not: catalogConditions.hasLabel({ label: SECRET_LABEL }),
        });
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.attributes.action === 'read')
      return { result: AuthorizeResult.ALLOW };
    if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY))
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link OwnersOnlyTestPolicy} in the permission backend. */
export const permissionModuleTestPolicy = (restrictedUsers: string[]) =>
  createBackendModule({
    pluginId: 'permission',
    moduleId: 'mlops-test-policy',
    register(env) {
      env.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy(new OwnersOnlyTestPolicy(restrictedUsers));
        },
      });
    },
  });
