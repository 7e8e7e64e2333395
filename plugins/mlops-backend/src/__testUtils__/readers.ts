/*
 * The callers of the service and action tests, and an in-memory catalog and a
 * permission service that answer each of them with what the catalog's read
 * permission lets them read.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

/** May read everything, and is allowed the permissions that are not reads. */
export const OWNER = 'user:default/mei';
/** May not read the entities whose name starts with `secret`. */
export const OUTSIDER = 'user:default/sofia';
/** May read nothing. */
export const NOBODY = 'user:default/nobody';

/** The user of a call's credentials, or the principal's type for others. */
function callerOf(options: any): string {
  const { principal } = options.credentials;
  return principal.type === 'user' ? principal.userEntityRef : principal.type;
}

/**
 * The catalog with the read permission applied as the catalog applies it:
 * what a caller may not read does not exist for them. `entities` is read at
 * each call; `onCall` hears every call with its caller (a user ref, or the
 * principal's type for others).
 */
function catalogAsReadBy(
  entities: () => Entity[],
  onCall: (method: string, request: any, caller: string) => void = () => {},
): CatalogService {
  const view = (options: any) => {
    const caller = callerOf(options);
    return catalogServiceMock({
      entities: entities().filter(e =>
        caller === NOBODY
          ? false
          : caller !== OUTSIDER || !e.metadata.name.startsWith('secret'),
      ),
    });
  };
  const method =
    (
      name:
        | 'getEntityByRef'
        | 'getEntitiesByRefs'
        | 'queryEntities'
        | 'streamEntities',
    ) =>
    (request: any, options: any) => {
      onCall(name, request, callerOf(options));
      return (view(options)[name] as any)(request, options);
    };
  return {
    getEntityByRef: method('getEntityByRef'),
    getEntitiesByRefs: method('getEntitiesByRefs'),
    queryEntities: method('queryEntities'),
    streamEntities: method('streamEntities'),
  } as unknown as CatalogService;
}

/**
 * The catalog read decision for `user`, as a conditional policy answers it:
 * DENY for NOBODY, CONDITIONAL for OUTSIDER (applied by {@link catalogAsReadBy}),
 * ALLOW for everyone else.
 */
function catalogReadDecision(user: string | undefined): PolicyDecision {
  if (user === NOBODY) return { result: AuthorizeResult.DENY };
  if (user === OUTSIDER)
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {} as any,
    };
  return { result: AuthorizeResult.ALLOW };
}

/**
 * The catalog and the permission service as the callers meet them: the
 * catalog of {@link catalogAsReadBy}, and a permission service that answers
 * the catalog's read permission with {@link catalogReadDecision}, so that both
 * agree on what each caller may read. A permission that is not a read (such
 * as `mlops.lineage.notify`) is allowed to OWNER only.
 *
 * `onCatalogCall` hears every catalog call with its caller, `onReadDecision`
 * the user of every read decision asked for.
 */
export function servicesAsReadBy(
  entities: () => Entity[],
  listeners: {
    onCatalogCall?: (method: string, request: any, caller: string) => void;
    onReadDecision?: (user: string) => void;
  } = {},
) {
  const catalog = catalogAsReadBy(entities, listeners.onCatalogCall);
  const permissions = mockServices.permissions.mock({
    authorize: async (requests: any[], { credentials }: any) =>
      requests.map(() => ({
        result:
          credentials.principal.userEntityRef === OWNER
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })),
    authorizeConditional: async (requests: any[], { credentials }: any) => {
      const user = credentials.principal.userEntityRef;
      listeners.onReadDecision?.(user);
      return requests.map(() => catalogReadDecision(user));
    },
  });
  return { catalog, permissions };
}
