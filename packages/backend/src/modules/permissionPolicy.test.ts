import fs from 'fs';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { rootConfigServiceFactory } from '@backstage/backend-defaults/rootConfig';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogEntityCreatePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogPermissions,
} from '@backstage/plugin-catalog-common/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogModuleUnprocessed from '@backstage/plugin-catalog-backend-module-unprocessed';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import path from 'path';
import { mlopsPermissions } from '@convergence/backstage-plugin-mlops-common';
import {
  scorecardsCampaignManagePermission,
  scorecardsExemptionManagePermission,
  scorecardsPermissions,
  scorecardsRefreshPermission,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  createTestDatabases,
  databasePerPlugin,
  httpAuthWithActors,
  userInfoWithGroups,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import {
  ConvergencePermissionPolicy,
  convergencePermissionRules,
  permissionModuleConvergencePolicy,
  readAdminGroups,
} from './permissionPolicy';

const user = (ownershipEntityRefs: string[]): PolicyQueryUser => ({
  credentials: mockCredentials.user(ownershipEntityRefs[0]),
  info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
});

describe('ConvergencePermissionPolicy', () => {
  // Ownership comes from the user info service, as in the running backend.
  const policyFor = (ownershipEntityRefs: string[]) =>
    ConvergencePermissionPolicy.fromConfig(
      new ConfigReader({
        permission: { convergence: { adminGroups: ['ml-platform'] } },
      }),
      {
        userInfo: mockServices.userInfo({
          userEntityRef: ownershipEntityRefs[0],
          ownershipEntityRefs,
        }),
      },
    );
  let policy: ConvergencePermissionPolicy;
  beforeAll(() => {
    policy = policyFor(['user:default/mei', 'group:default/fraud-ml']);
  });

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

  it.each(
    [...scorecardsPermissions, ...mlopsPermissions]
      .filter(p => isResourcePermission(p, 'catalog-entity'))
      .map(p => [p.name, p]),
  )(
    "gives Convergence's action %s on entities to the owners",
    async (_name, permission) => {
      await expect(
        policy.handle({ permission }, user(['user:default/mei'])),
      ).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { rule: 'IS_ENTITY_OWNER' },
      });
    },
  );

  it('lets signed-in users register a location', async () => {
    await expect(
      policy.handle(
        { permission: catalogLocationCreatePermission },
        user(['user:default/someone']),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  /** The policy's decisions for mei, a team member, and ada, an admin. */
  const decisionsOn = async (permission: Permission) => [
    await policy.handle({ permission }, user(['user:default/mei'])),
    await policyFor(['user:default/ada', 'group:default/ml-platform']).handle(
      { permission },
      user(['user:default/ada']),
    ),
  ];
  const adminsOnly = [
    { result: AuthorizeResult.DENY },
    { result: AuthorizeResult.ALLOW },
  ];

  it('keeps deleting locations and creating entities to admins', async () => {
    expect(await decisionsOn(catalogLocationDeletePermission)).toEqual(
      adminsOnly,
    );
    expect(await decisionsOn(catalogEntityCreatePermission)).toEqual(
      adminsOnly,
    );
  });

  it('lets admins, besides the owners, manage scorecard exemptions', async () => {
    const admin = await policyFor([
      'user:default/ada',
      'group:default/ml-platform',
    ]).handle(
      { permission: scorecardsExemptionManagePermission },
      user(['user:default/ada']),
    );
    expect(admin).toEqual({ result: AuthorizeResult.ALLOW });
    // Not when the config leaves exemptions to the owners.
    const ownersOnly = ConvergencePermissionPolicy.fromConfig(
      new ConfigReader({
        permission: {
          convergence: {
            adminGroups: ['ml-platform'],
            adminsManageExemptions: false,
          },
        },
      }),
      {
        userInfo: mockServices.userInfo({
          userEntityRef: 'user:default/ada',
          ownershipEntityRefs: [
            'user:default/ada',
            'group:default/ml-platform',
          ],
        }),
      },
    );
    await expect(
      ownersOnly.handle(
        { permission: scorecardsExemptionManagePermission },
        user(['user:default/ada']),
      ),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER' },
    });
    // Refreshing stays the owners' alone.
    await expect(
      policyFor(['user:default/ada', 'group:default/ml-platform']).handle(
        { permission: scorecardsRefreshPermission },
        user(['user:default/ada']),
      ),
    ).resolves.toMatchObject({ result: AuthorizeResult.CONDITIONAL });
  });

  it('keeps managing scorecard campaigns to admins', async () => {
    expect(await decisionsOn(scorecardsCampaignManagePermission)).toEqual(
      adminsOnly,
    );
  });

  it('refuses a catalog or scaffolder action it does not know, except to admins', async () => {
    const permission = createPermission({
      name: 'catalog.something-new.purge',
      attributes: {},
    });
    expect(await decisionsOn(permission)).toEqual(adminsOnly);
  });
});

describe('permission.convergence.adminGroups', () => {
  const read = (adminGroups: string[]) =>
    readAdminGroups(
      new ConfigReader({ permission: { convergence: { adminGroups } } }),
    );

  it('reads group references, defaulting the kind and namespace', () => {
    expect(read(['ml-platform', 'group:ops/SRE', 'Group:default/x'])).toEqual([
      'group:default/ml-platform',
      'group:ops/sre',
      'group:default/x',
    ]);
    expect(readAdminGroups(new ConfigReader({}))).toEqual([]);
  });

  it('refuses what is not a group, naming the entry', () => {
    expect(() => read(['ml-platform', 'user:default/guest'])).toThrow(
      'permission.convergence.adminGroups[1]: "user:default/guest" is not a group',
    );
    expect(() => read(['group:'])).toThrow(
      'permission.convergence.adminGroups[0]: "group:" is not an entity reference',
    );
  });

  it("makes the local demo's guest an admin through a group of the example organisation", async () => {
    const root = path.resolve(__dirname, '../../../..');
    // Each user's groups, as the catalog sign-in resolver finds them.
    const groupsOf = new Map(
      [
        ...parseEntityYaml(
          fs.readFileSync(path.join(root, 'examples/org.yaml')),
          { type: 'file', target: 'examples/org.yaml' },
        ),
      ].flatMap(r =>
        r.type === 'entity' && r.entity.kind === 'User'
          ? [
              [
                `user:default/${r.entity.metadata.name}`,
                (r.entity.spec?.memberOf as string[]).map(
                  g => `group:default/${g}`,
                ),
              ] as const,
            ]
          : [],
      ),
    );
    // The backend reads app-config.yaml as scripts/start.sh runs it.
    const { server } = await startTestBackend({
      features: [
        rootConfigServiceFactory({
          argv: [
            'node',
            'backend',
            '--config',
            path.join(root, 'app-config.yaml'),
          ],
          watch: false,
        }),
        permissionPlugin,
        permissionModuleConvergencePolicy,
        userInfoWithGroups(Object.fromEntries(groupsOf)),
      ],
    });
    const decide = async (caller: string) => {
      const res = await request(server)
        .post('/api/permission/authorize')
        .set('Authorization', mockCredentials.user.header(caller))
        .send({
          items: [{ id: '1', permission: catalogLocationDeletePermission }],
        });
      expect(res.status).toBe(200);
      return res.body.items[0].result;
    };
    expect(await decide('user:default/guest')).toBe('ALLOW');
    // A member of fraud-ml only.
    expect(groupsOf.get('user:default/diego.alvarez')).toEqual([
      'group:default/fraud-ml',
    ]);
    expect(await decide('user:default/diego.alvarez')).toBe('DENY');
  });
});

const databases = createTestDatabases();

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

/**
 * Who may do what, for every permission the catalog (with the unprocessed
 * entities module) and the scaffolder register. A permission a Backstage
 * upgrade adds fails the test until it is classified here and in the policy.
 */
const expected: Record<
  string,
  'signed-in' | 'owner' | 'task-creator' | 'admin'
> = {
  'catalog.entity.read': 'signed-in',
  'catalog.entity.create': 'admin',
  'catalog.entity.delete': 'owner',
  'catalog.entity.refresh': 'owner',
  'catalog.entity.validate': 'signed-in',
  'catalog.location.read': 'signed-in',
  'catalog.location.create': 'signed-in',
  'catalog.location.delete': 'admin',
  'catalog.location.analyze': 'signed-in',
  'catalog.ingestion.read': 'signed-in',
  'catalog.ingestion.manage': 'admin',
  'catalog.entities.unprocessed.read': 'signed-in',
  'catalog.entities.unprocessed.delete': 'admin',
  'scaffolder.template.parameter.read': 'signed-in',
  'scaffolder.template.step.read': 'signed-in',
  'scaffolder.action.execute': 'signed-in',
  'scaffolder.task.read': 'signed-in',
  'scaffolder.task.create': 'signed-in',
  'scaffolder.task.cancel': 'task-creator',
  'scaffolder.template.dry-run': 'admin',
  'scaffolder.template.management': 'admin',
};

describe.each(databases.eachSupportedId())(
  'the catalog and scaffolder behind the Convergence policy on %s',
  databaseId => {
    // An admin (ml-platform) who owns nothing here, an owner of the fixture
    // component (fraud-ml) and a signed-in user who is neither.
    const admin = 'user:default/ada';
    const ownerInFraudMl = 'user:default/mei';
    const outsider = 'user:default/sofia';
    const groups: Record<string, string[]> = {
      [admin]: ['group:default/ml-platform'],
      [ownerInFraudMl]: ['group:default/fraud-ml'],
    };
    const as = (ref: string) => mockCredentials.user.header(ref);

    async function startBackend() {
      const fixture = path.resolve(__dirname, '__fixtures__/entities.yaml');
      return startTestBackend({
        features: [
          databasePerPlugin(databases, databaseId),
          httpAuthWithActors,
          catalogPlugin,
          catalogModuleScaffolderEntityModel,
          catalogModuleUnprocessed,
          scaffolderPlugin,
          permissionPlugin,
          permissionModuleConvergencePolicy,
          permissionsServiceFactory,
          mockServices.rootConfig.factory({
            data: {
              permission: {
                enabled: true,
                convergence: { adminGroups: ['group:default/ml-platform'] },
              },
              catalog: {
                rules: [{ allow: ['Component', 'Location', 'Template'] }],
                locations: [{ type: 'file', target: fixture }],
                processingInterval: { seconds: 1 },
              },
              // Tasks are created, never run: a task worker would keep
              // polling the database after the test destroyed it.
              scaffolder: { concurrentTasksLimit: 0 },
            },
          }),
          userInfoWithGroups(groups),
        ],
      });
    }

    let server: Awaited<ReturnType<typeof startBackend>>['server'];
    let stop: () => Promise<void>;

    beforeAll(async () => {
      const backend = await startBackend();
      server = backend.server;
      stop = () => backend.stop();
      // Wait until the fixture entities have been processed and stitched.
      for (let i = 0; i < 150; i++) {
        const res = await request(server)
          .post('/api/catalog/entities/by-refs')
          .set('Authorization', as(outsider))
          .send({
            entityRefs: [
              'component:default/fraud-scoring',
              'template:default/wait-a-minute',
            ],
          });
        if (res.status === 200 && res.body.items.every(Boolean)) return;
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error('fixture entities never appeared in the catalog');
    }, 60_000);

    afterAll(() => stop());

    /** Every permission a plugin registers, from its permission metadata. */
    async function registered(pluginId: string): Promise<Permission[]> {
      const res = await request(server)
        .get(`/api/${pluginId}/.well-known/backstage/permissions/metadata`)
        .set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
      return res.body.permissions;
    }

    it('classifies every permission the catalog and the scaffolder register', async () => {
      const catalog = await registered('catalog');
      const scaffolder = await registered('scaffolder');
      // The metadata holds the whole upstream list, and more.
      expect(catalog.map(p => p.name)).toEqual(
        expect.arrayContaining(catalogPermissions.map(p => p.name)),
      );
      expect(scaffolder.length).toBeGreaterThanOrEqual(8);
      expect(
        [...new Set([...catalog, ...scaffolder].map(p => p.name))].sort(),
      ).toEqual(Object.keys(expected).sort());
      // The policy's own table says the same for each one that is not a read.
      for (const { name, attributes } of [...catalog, ...scaffolder]) {
        expect([name, convergencePermissionRules[name]]).toEqual([
          name,
          attributes.action === 'read' ? undefined : expected[name],
        ]);
      }
    });

    it('decides every one of them for an admin, an owner and anyone else', async () => {
      // A task started by the owner, for the task-creator permission.
      const task = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', as(ownerInFraudMl))
        .send({ templateRef: 'template:default/wait-a-minute', values: {} });
      expect(task.status).toBe(201);
      const resourceRefs: Record<string, string> = {
        'catalog-entity': 'component:default/fraud-scoring',
        'scaffolder-template': 'template:default/wait-a-minute',
        'scaffolder-action': 'debug:wait',
        'scaffolder-task': task.body.id,
      };
      const permissions = [
        ...(await registered('catalog')),
        ...(await registered('scaffolder')),
      ];
      const decisions: Record<string, Record<string, string>> = {};
      for (const caller of [admin, ownerInFraudMl, outsider]) {
        const res = await request(server)
          .post('/api/permission/authorize')
          .set('Authorization', as(caller))
          .send({
            items: permissions.map(permission => ({
              id: permission.name,
              permission,
              resourceRef:
                'resourceType' in permission
                  ? resourceRefs[permission.resourceType]
                  : undefined,
            })),
          });
        expect(res.status).toBe(200);
        for (const { id, result } of res.body.items) {
          (decisions[id] ??= {})[caller] = result;
        }
      }
      const allowedTo = {
        'signed-in': [admin, ownerInFraudMl, outsider],
        admin: [admin],
        owner: [ownerInFraudMl],
        'task-creator': [ownerInFraudMl],
      };
      const want = Object.fromEntries(
        permissions.map(({ name }) => [
          name,
          Object.fromEntries(
            [admin, ownerInFraudMl, outsider].map(caller => [
              caller,
              allowedTo[expected[name]]?.includes(caller) ? 'ALLOW' : 'DENY',
            ]),
          ),
        ]),
      );
      expect(decisions).toEqual(want);
      await request(server)
        .post(`/api/scaffolder/v2/tasks/${task.body.id}/cancel`)
        .set('Authorization', as(ownerInFraudMl));
    });

    it.each([
      ['GET', '/api/catalog/entities'],
      ['GET', '/api/catalog/entities/by-query'],
      ['GET', '/api/catalog/entities/by-name/component/default/fraud-scoring'],
      ['POST', '/api/catalog/entities/by-refs'],
      ['GET', '/api/catalog/entity-facets?facet=kind'],
      ['POST', '/api/catalog/refresh'],
      [
        'DELETE',
        '/api/catalog/entities/by-uid/00000000-0000-4000-8000-000000000000',
      ],
      ['GET', '/api/catalog/locations'],
      ['POST', '/api/catalog/locations'],
      ['DELETE', '/api/catalog/locations/00000000-0000-4000-8000-000000000000'],
      ['POST', '/api/catalog/analyze-location'],
      ['POST', '/api/catalog/validate-entity'],
      ['GET', '/api/catalog/entities/unprocessed/failed'],
      ['DELETE', '/api/catalog/entities/unprocessed/delete/x'],
      [
        'GET',
        '/api/scaffolder/v2/templates/default/template/wait-a-minute/parameter-schema',
      ],
      ['GET', '/api/scaffolder/v2/actions'],
      ['GET', '/api/scaffolder/v2/tasks'],
      ['POST', '/api/scaffolder/v2/tasks'],
      ['GET', '/api/scaffolder/v2/tasks/x'],
      ['POST', '/api/scaffolder/v2/tasks/x/cancel'],
      ['POST', '/api/scaffolder/v2/dry-run'],
      ['POST', '/api/permission/authorize'],
    ])(
      'answers 401 to %s %s without a token or with a bad one',
      async (method, url) => {
        for (const header of [
          mockCredentials.none.header(),
          mockCredentials.user.invalidHeader(),
        ]) {
          const res = await request(server)
            [method.toLowerCase() as 'get' | 'post' | 'delete'](url)
            .set('Authorization', header)
            .send({});
          expect(res.status).toBe(401);
        }
      },
    );

    it('lets any signed-in user read entities', async () => {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/fraud-scoring')
        .set('Authorization', as(outsider));
      expect(res.status).toBe(200);
      expect(res.body.spec.owner).toBe('group:default/fraud-ml');
    });

    it('lets a member of the owning group refresh the entity', async () => {
      const res = await request(server)
        .post('/api/catalog/refresh')
        .set('Authorization', as(ownerInFraudMl))
        .send({ entityRef: 'component:default/fraud-scoring' });
      expect(res.status).toBe(200);
    });

    it('refuses the same action to someone outside the owning group, admins included', async () => {
      for (const caller of [outsider, admin]) {
        const res = await request(server)
          .post('/api/catalog/refresh')
          .set('Authorization', as(caller))
          .send({ entityRef: 'component:default/fraud-scoring' });
        expect(res.status).toBe(403);
      }
    });

    it('refuses to delete an entity to anyone but its owners', async () => {
      const entity = await request(server)
        .get('/api/catalog/entities/by-name/component/default/fraud-scoring')
        .set('Authorization', as(outsider));
      for (const caller of [outsider, admin]) {
        const res = await request(server)
          .delete(`/api/catalog/entities/by-uid/${entity.body.metadata.uid}`)
          .set('Authorization', as(caller));
        expect(res.status).toBe(403);
      }
    });

    it('lets any signed-in user register a location, and only an admin delete it', async () => {
      const created = await request(server)
        .post('/api/catalog/locations')
        .set('Authorization', as(outsider))
        .send({
          type: 'url',
          target: 'https://example.invalid/acme/catalog-info.yaml',
        });
      expect(created.status).toBe(201);
      const id = created.body.location.id;
      for (const caller of [outsider, ownerInFraudMl]) {
        const res = await request(server)
          .delete(`/api/catalog/locations/${id}`)
          .set('Authorization', as(caller));
        expect(res.status).toBe(403);
      }
      const still = await request(server)
        .get(`/api/catalog/locations/${id}`)
        .set('Authorization', as(outsider));
      expect(still.status).toBe(200);
      const res = await request(server)
        .delete(`/api/catalog/locations/${id}`)
        .set('Authorization', as(admin));
      expect(res.status).toBe(204);
    });

    it('lets only an admin delete unprocessed entities, and anyone read them', async () => {
      const url =
        '/api/catalog/entities/unprocessed/delete/00000000-0000-4000-8000-000000000000';
      for (const caller of [outsider, ownerInFraudMl]) {
        const res = await request(server)
          .delete(url)
          .set('Authorization', as(caller));
        expect(res.status).toBe(403);
      }
      const res = await request(server)
        .delete(url)
        .set('Authorization', as(admin));
      expect(res.status).toBe(204);
      const failed = await request(server)
        .get('/api/catalog/entities/unprocessed/failed')
        .set('Authorization', as(outsider));
      expect(failed.status).toBe(200);
    });

    it('lets any signed-in user run a template, and only its creator cancel it', async () => {
      const task = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', as(outsider))
        .send({ templateRef: 'template:default/wait-a-minute', values: {} });
      expect(task.status).toBe(201);
      const read = await request(server)
        .get(`/api/scaffolder/v2/tasks/${task.body.id}`)
        .set('Authorization', as(ownerInFraudMl));
      expect(read.status).toBe(200);
      for (const caller of [ownerInFraudMl, admin]) {
        const res = await request(server)
          .post(`/api/scaffolder/v2/tasks/${task.body.id}/cancel`)
          .set('Authorization', as(caller));
        expect(res.status).toBe(403);
      }
      const res = await request(server)
        .post(`/api/scaffolder/v2/tasks/${task.body.id}/cancel`)
        .set('Authorization', as(outsider));
      expect(res.status).toBe(200);
    });

    it('lets only an admin dry-run a template', async () => {
      const body = {
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'log' },
          spec: {
            type: 'service',
            steps: [
              {
                id: 'log',
                name: 'Log',
                action: 'debug:log',
                input: { message: 'hi' },
              },
            ],
          },
        },
        values: {},
        directoryContents: [],
      };
      for (const caller of [outsider, ownerInFraudMl]) {
        const res = await request(server)
          .post('/api/scaffolder/v2/dry-run')
          .set('Authorization', as(caller))
          .send(body);
        expect(res.status).toBe(403);
      }
      const res = await request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', as(admin))
        .send(body);
      expect(res.status).toBe(200);
    });
  },
);
