export interface Config {
  permission?: {
    /** Convergence's permission policy (packages/backend/src/modules/permissionPolicy.ts). */
    convergence?: {
      /**
       * Groups whose members are admins: they may delete locations and
       * unprocessed entities, create entities, dry-run and manage templates,
       * and use any catalog or scaffolder permission the policy does not
       * classify yet. Group references such as `group:default/ml-platform`;
       * the kind defaults to `group` and the namespace to `default`. A user is
       * a member when the group is among the user's ownership references (the
       * groups of the user's `spec.memberOf`, as the sign-in resolver sets
       * them). Admins do not get the owners' actions on every entity, except
       * managing scorecard exemptions (below). Without this key nobody is an
       * admin.
       */
      adminGroups?: string[];
      /**
       * Whether admins, besides each entity's owners, may grant, approve,
       * reject and revoke scorecard exemptions
       * (`scorecards.exemption.manage`) on every entity. Default true; false
       * leaves exemptions to the owners alone (separation of duties).
       */
      adminsManageExemptions?: boolean;
    };
  };
}
