/*
 * The callers of the service and action tests, and an in-memory catalog that
 * answers each of them with what the catalog's read permission lets them read.
 */
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

/** May read everything. */
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
export function catalogAsReadBy(
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
export function catalogReadDecision(user: string | undefined): PolicyDecision {
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
