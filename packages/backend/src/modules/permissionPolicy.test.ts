import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import path from 'path';
import {
  ConvergencePermissionPolicy,
  permissionModuleConvergencePolicy,
} from './permissionPolicy';

const user = (ownershipEntityRefs: string[]): PolicyQueryUser => ({
  credentials: mockCredentials.user(ownershipEntityRefs[0]),
  info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
});

describe('ConvergencePermissionPolicy', () => {
  // Ownership comes from the user info service, as in the running backend.
  const policy = new ConvergencePermissionPolicy(
    mockServices.userInfo({
      ownershipEntityRefs: ['user:default/mei', 'group:default/fraud-ml'],
    }),
  );

  it('lets any signed-in user read', async () => {
    await expect(
      policy.handle(
        { permission: catalogEntityReadPermission },
        user(['user:default/someone']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('restricts other actions on entities to their owners', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityRefreshPermission },
      user(['user:default/mei', 'group:default/fraud-ml']),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/mei', 'group:default/fraud-ml'] },
      },
    });
  });

  it('allows actions that are not on an entity', async () => {
    await expect(
      policy.handle(
        { permission: catalogLocationCreatePermission },
        user(['user:default/someone']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});

/**
 * The mock HTTP auth service turns a plugin's on-behalf-of token back into
 * plain user credentials, while the real one records the calling plugin as the
 * actor; the permission backend refuses resource checks without an actor. This
 * factory adds the actor, so the real permission backend, policy and catalog
 * can run together on mock credentials.
 */
const httpAuthWithActors = createServiceFactory({
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

// SQLite always; PostgreSQL wherever scripts/test.sh started one (it exports
// BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING).
const databases = TestDatabases.create({
  ids: [
    'SQLITE_3',
    'POSTGRES_18',
    'POSTGRES_17',
    'POSTGRES_16',
    'POSTGRES_15',
    'POSTGRES_14',
    'POSTGRES_13',
  ],
});

it('runs on SQLite', () => {
  expect(databases.eachSupportedId().map(([id]) => id)).toContain('SQLITE_3');
});

// scripts/test.sh sets CONVERGENCE_TEST_POSTGRES_URL; PostgreSQL must not be
// skipped silently there.
it('runs on PostgreSQL whenever the test command provides it', () => {
  const required = Boolean(process.env.CONVERGENCE_TEST_POSTGRES_URL);
  const ids = databases.eachSupportedId().map(([id]) => id);
  expect(ids.some(id => id.startsWith('POSTGRES')) || !required).toBe(true);
});

describe.each(databases.eachSupportedId())(
  'the catalog behind the Convergence policy on %s',
  databaseId => {
    const ownerInFraudMl = 'user:default/mei';
    const outsider = 'user:default/sofia';

    async function startBackend() {
      const fixture = path.resolve(__dirname, '__fixtures__/entities.yaml');
      const knex = await databases.init(databaseId);
      return startTestBackend({
        features: [
          mockServices.database.factory({ knex }),
          httpAuthWithActors,
          catalogPlugin,
          permissionPlugin,
          permissionModuleConvergencePolicy,
          permissionsServiceFactory,
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              catalog: {
                rules: [{ allow: ['Component', 'Location'] }],
                locations: [{ type: 'file', target: fixture }],
                processingInterval: { seconds: 1 },
              },
            },
          }),
          mockServices.userInfo.mock({
            async getUserInfo(credentials: any) {
              const ref = credentials.principal.userEntityRef;
              return {
                userEntityRef: ref,
                ownershipEntityRefs:
                  ref === ownerInFraudMl
                    ? [ref, 'group:default/fraud-ml']
                    : [ref],
              };
            },
          }).factory,
        ],
      });
    }

    let server: Awaited<ReturnType<typeof startBackend>>['server'];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      const backend = await startBackend();
      server = backend.server;
      stop = () => backend.stop();
      // Wait until the fixture entity has been processed and stitched.
      for (let i = 0; i < 100; i++) {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/component/default/fraud-scoring')
          .set('Authorization', mockCredentials.user.header(outsider));
        if (res.status === 200) return;
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error('fixture entity never appeared in the catalog');
    }, 60_000);

    afterAll(() => stop());

    it('answers 401 to an unauthenticated request', async () => {
      const res = await request(server)
        .get('/api/catalog/entities')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });

    it('lets any signed-in user read entities', async () => {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/fraud-scoring')
        .set('Authorization', mockCredentials.user.header(outsider));
      expect(res.status).toBe(200);
      expect(res.body.spec.owner).toBe('group:default/fraud-ml');
    });

    it('lets a member of the owning group refresh the entity', async () => {
      const res = await request(server)
        .post('/api/catalog/refresh')
        .set('Authorization', mockCredentials.user.header(ownerInFraudMl))
        .send({ entityRef: 'component:default/fraud-scoring' });
      expect(res.status).toBe(200);
    });

    it('refuses the same action to someone outside the owning group', async () => {
      const res = await request(server)
        .post('/api/catalog/refresh')
        .set('Authorization', mockCredentials.user.header(outsider))
        .send({ entityRef: 'component:default/fraud-scoring' });
      expect(res.status).toBe(403);
    });
  },
);
