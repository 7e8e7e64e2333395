import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * An HTTP auth service for tests that run the real permission backend, policy
 * and catalog together on mock credentials (as in packages/backend).
 *
 * The mock HTTP auth service turns a plugin's on-behalf-of token back into
 * plain user credentials, while the real one records the calling plugin as the
 * actor; the permission backend refuses resource checks without an actor.
 * This factory adds the actor.
 */
export const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    const prefix = 'Bearer mock-service-token:';
    return {
      async credentials(req: any, options?: any) {
        const credentials: any = await inner.credentials(req, options);
        const header = String(req.headers.authorization ?? '');
        if (
          header.startsWith(prefix) &&
          credentials.principal.type === 'user'
        ) {
          const { sub } = JSON.parse(header.slice(prefix.length));
          return mockCredentials.user(credentials.principal.userEntityRef, {
            actor: { subject: sub },
          }) as any;
        }
        return credentials;
      },
      issueUserCookie: inner.issueUserCookie.bind(inner),
    };
  },
});
