import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
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
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';

/**
 * Who may use a permission:
 *
 * - `signed-in`: every signed-in user;
 * - `owner`: the owners of the catalog entity it is checked on;
 * - `task-creator`: the user who started the scaffolder task;
 * - `admin`: members of `permission.convergence.adminGroups`;
 * - `owner-or-admin`: the entity's owners, and the admins unless
 *   `permission.convergence.adminsManageExemptions` is false.
 */
export type ConvergencePermissionRule =
  | 'signed-in'
  | 'owner'
  | 'task-creator'
  | 'admin'
  | 'owner-or-admin';

/**
 * How the policy decides the catalog and scaffolder permissions that are not
 * reads (every read is open to signed-in users). A catalog or scaffolder
 * permission missing here, such as one a Backstage upgrade adds, is
 * admin-only until it is classified.
 */
export const convergencePermissionRules: Readonly<
  Record<string, ConvergencePermissionRule>
> = {
  'catalog.entity.create': 'admin',
  'catalog.entity.delete': 'owner',
  'catalog.entity.refresh': 'owner',
  'catalog.entity.validate': 'signed-in',
  'catalog.location.create': 'signed-in',
  'catalog.location.analyze': 'signed-in',
  'catalog.location.delete': 'admin',
  'catalog.ingestion.manage': 'admin',
  'catalog.entities.unprocessed.delete': 'admin',
  'scaffolder.action.execute': 'signed-in',
  'scaffolder.task.create': 'signed-in',
  'scaffolder.task.cancel': 'task-creator',
  'scaffolder.template.dry-run': 'admin',
  'scaffolder.template.management': 'admin',
  // Campaigns set goals for every team; without this entry the fallback
  // below would give it to every signed-in user.
  'scorecards.campaign.manage': 'admin',
  // Granting and revoking exemptions: the entity's owners, and admins, who
  // decide the requests of teams that cannot (unless
  // permission.convergence.adminsManageExemptions is false).
  'scorecards.exemption.manage': 'owner-or-admin',
};

// RESOURCE_TYPE_SCAFFOLDER_TASK of @backstage/plugin-scaffolder-common/alpha,
// copied: that package is not a dependency of this one (it resolves here only
// through hoisting, and the lint rule no-undeclared-imports refuses it), and
// neither plugin-scaffolder-backend nor plugin-scaffolder-node re-exports the
// constant. Import it instead once the package is added to package.json. If
// the value drifts, permissionPolicy.test.ts fails: the task's creator would be
// refused scaffolder.task.cancel.
const RESOURCE_TYPE_SCAFFOLDER_TASK = 'scaffolder-task';

/** The rule for a permission that is not a read. */
function ruleFor(permission: Permission): ConvergencePermissionRule {
  const rule = convergencePermissionRules[permission.name];
  if (rule) return rule;
  if (/^(catalog|scaffolder)\./.test(permission.name)) return 'admin';
  // Actions other plugins (the Convergence ones) declare on catalog entities.
  if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
    return 'owner';
  }
  return 'signed-in';
}

/**
 * Reads `permission.convergence.adminGroups`: group references, the kind and
 * namespace defaulting to `group` and `default`.
 */
export function readAdminGroups(config: Config): string[] {
  const key = 'permission.convergence.adminGroups';
  return (config.getOptionalStringArray(key) ?? []).map((value, i) => {
    let ref;
    try {
      ref = parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new Error(
        `${key}[${i}]: "${value}" is not an entity reference: ${
          (error as Error).message
        }`,
      );
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new Error(
        `${key}[${i}]: "${value}" is not a group; name groups such as group:default/ml-platform`,
      );
    }
    return stringifyEntityRef(ref);
  });
}

/**
 * Convergence's permission policy.
 *
 * - Any signed-in user may read (every permission whose action is `read`).
 * - Registering a location, validating an entity, analysing a location and
 *   running a template (creating a task, executing its actions) are open to
 *   signed-in users.
 * - Refreshing or deleting a catalog entity, and the actions Convergence
 *   plugins declare on catalog entities, are allowed only to the entity's
 *   owners: the caller's ownership references (the user and the groups they
 *   belong to) must include the entity's owner. A scaffolder task may be
 *   cancelled only by the user who started it.
 * - Creating entities, deleting locations, deleting unprocessed entities,
 *   managing ingestion, dry runs and template management are for admins: the
 *   members of a group in `permission.convergence.adminGroups`. Admins get
 *   these actions, not the owners' actions on every entity, with one
 *   exception: admins may also grant, approve and revoke scorecard
 *   exemptions (`scorecards.exemption.manage`) on every entity, unless
 *   `permission.convergence.adminsManageExemptions` is false.
 * - Managing scorecard campaigns is for admins.
 * - A catalog or scaffolder permission the policy does not know is
 *   admin-only. See {@link convergencePermissionRules}.
 *
 * Unauthenticated requests never reach the policy: the backend's HTTP auth
 * answers them with 401.
 */
export class ConvergencePermissionPolicy implements PermissionPolicy {
  /** Reads the admin groups from `permission.convergence.adminGroups`. */
  static fromConfig(config: Config, options: { userInfo: UserInfoService }) {
    return new ConvergencePermissionPolicy(options.userInfo, {
      adminGroups: readAdminGroups(config),
      adminsManageExemptions: config.getOptionalBoolean(
        'permission.convergence.adminsManageExemptions',
      ),
    });
  }

  private readonly adminGroups: ReadonlySet<string>;
  private readonly adminsManageExemptions: boolean;

  constructor(
    private readonly userInfo: UserInfoService,
    options?: { adminGroups?: string[]; adminsManageExemptions?: boolean },
  ) {
    this.adminGroups = new Set(options?.adminGroups ?? []);
    this.adminsManageExemptions = options?.adminsManageExemptions ?? true;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    const info = user
      ? await this.userInfo.getUserInfo(user.credentials)
      : undefined;
    const claims = info?.ownershipEntityRefs ?? [];
    const isAdmin = claims.some(ref => this.adminGroups.has(ref));
    const rule = ruleFor(permission);
    switch (rule) {
      case 'signed-in':
        return { result: AuthorizeResult.ALLOW };
      case 'admin':
        return {
          result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      case 'owner-or-admin':
      case 'owner':
        if (!isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
          return { result: AuthorizeResult.DENY };
        }
        if (
          isAdmin &&
          rule === 'owner-or-admin' &&
          this.adminsManageExemptions
        ) {
          return { result: AuthorizeResult.ALLOW };
        }
        return createCatalogConditionalDecision(
          permission,
          catalogConditions.isEntityOwner({ claims }),
        );
      case 'task-creator':
        if (
          !info ||
          !isResourcePermission(permission, RESOURCE_TYPE_SCAFFOLDER_TASK)
        ) {
          return { result: AuthorizeResult.DENY };
        }
        return createScaffolderTaskConditionalDecision(
          permission,
          scaffolderTaskConditions.isTaskOwner({
            createdBy: [info.userEntityRef],
          }),
        );
      default:
        return { result: AuthorizeResult.DENY };
    }
  }
}

/** Installs {@link ConvergencePermissionPolicy} into the permission plugin. */
export const permissionModuleConvergencePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'convergence-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          ConvergencePermissionPolicy.fromConfig(config, { userInfo }),
        );
      },
    });
  },
});
