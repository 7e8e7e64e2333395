import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { scorecardsPlugin } from '../plugin';
import { scheduledPassAfterTheTestConfig } from './config';

const userOf = (credentials: any): string | undefined =>
  credentials?.principal?.userEntityRef;

/**
 * An in-memory catalog of `entities` (a function: read at each call) that
 * leaves the entity named `hidden.name` out for the users `hidden.from`, as a
 * catalog read permission would.
 */
export function catalogHiding(
  entities: Entity[] | (() => Entity[]),
  hidden: { name: string; from: string[] },
): CatalogService {
  const of = (credentials: any) =>
    catalogServiceMock({
      entities: (typeof entities === 'function' ? entities() : entities).filter(
        e =>
          !(
            hidden.from.includes(userOf(credentials)!) &&
            e.metadata.name === hidden.name
          ),
      ),
    });
  return {
    getEntityByRef: (ref: any, o: any) =>
      of(o?.credentials).getEntityByRef(ref, o),
    getEntitiesByRefs: (req: any, o: any) =>
      of(o?.credentials).getEntitiesByRefs(req, o),
    streamEntities: (req: any, o: any) =>
      of(o?.credentials).streamEntities(req, o),
    queryEntities: (req: any, o: any) =>
      of(o?.credentials).queryEntities(req, o),
  } as unknown as CatalogService;
}

/** `catalog` as the backend's catalog service, for startTestBackend. */
export const catalogServiceOf = (catalog: CatalogService) =>
  createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });

/**
 * A permission service that allows every basic permission to the users
 * `allowed` alone, and answers the catalog read of the users `conditional`
 * with a condition (the catalog itself hides what they may not read, see
 * {@link catalogHiding}), allowing it to everyone else.
 */
export const permissionsDeciding = (users: {
  allowed: string[];
  conditional: string[];
  /** Where to note each user whose catalog read decision is asked, in order. */
  readDecisionsAsked?: string[];
}) =>
  mockServices.permissions.mock({
    authorize: async (requests: any[], options: any) =>
      requests.map(() => ({
        result: users.allowed.includes(userOf(options?.credentials)!)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
    authorizeConditional: async (requests: any[], options: any) => {
      users.readDecisionsAsked?.push(userOf(options?.credentials)!);
      return requests.map(() =>
        users.conditional.includes(userOf(options?.credentials)!)
          ? {
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'catalog',
              resourceType: 'catalog-entity',
              conditions: {} as any,
            }
          : { result: AuthorizeResult.ALLOW },
      ) as any;
    },
  });

/** A notification service that keeps what it is asked to send in `sent`. */
export const notificationsInto = (sent: any[] = []) =>
  createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({ send: async (n: any) => void sent.push(n) }),
  });

/** The headers of a request as `user`. */
export const asUser = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

/**
 * Grades the models `names` through POST .../refresh as `user`; throws
 * naming the model, the status and the answer unless each answers 200.
 * The answers' bodies, in order.
 */
export async function gradeModels(server: any, user: string, names: string[]) {
  const bodies: any[] = [];
  for (const name of names) {
    const res = await request(server)
      .post(`/api/scorecards/entities/model/default/${name}/refresh`)
      .set(asUser(user));
    if (res.status !== 200)
      throw new Error(
        `Could not grade ${name}: ${res.status} ${JSON.stringify(
          res.body,
        ).slice(0, 800)}`,
      );
    bodies.push(res.body);
  }
  return bodies;
}

type Route = readonly ['get' | 'post' | 'put' | 'delete', string];

/**
 * Expects each route to answer 401 to a request without credentials; a
 * failure names each route with what it answered.
 */
export async function expectUnauthorizedWithoutCredentials(
  server: any,
  routes: readonly Route[],
) {
  const none = { Authorization: mockCredentials.none.header() };
  const answers: Array<[string, string, number]> = [];
  for (const [method, url] of routes) {
    const res = await (request(server) as any)[method](url).set(none);
    answers.push([method, url, res.status]);
  }
  expect(answers).toEqual(routes.map(([method, url]) => [method, url, 401]));
}

/**
 * A test backend with the scorecards plugin on `knex`, `config` as its root
 * config (by default {@link scheduledPassAfterTheTestConfig}: entities are
 * graded on request only) and the other `features` (catalog, permissions,
 * notifications...), having graded the models `graded` names. Its HTTP
 * server, and how to stop it.
 */
export async function startScorecardsBackend(
  knex: Knex,
  options: {
    config?: object;
    features?: Parameters<typeof startTestBackend>[0]['features'];
    /** Models to grade once started, as the user `by` (see {@link gradeModels}). */
    graded?: { by: string; models: string[] };
  } = {},
): Promise<{ server: Server; stop: () => Promise<void> }> {
  const backend = await startTestBackend({
    features: [
      mockServices.database.factory({ knex }),
      scorecardsPlugin,
      mockServices.rootConfig.factory({
        data: (options.config ?? scheduledPassAfterTheTestConfig) as any,
      }),
      ...(options.features ?? []),
    ],
  });
  if (options.graded)
    await gradeModels(backend.server, options.graded.by, options.graded.models);
  return { server: backend.server, stop: () => backend.stop() };
}

/**
 * The portal the route tests run in, as backend features: a catalog of
 * `entities` whose `secret-model` the users `conditional` may not read (the
 * catalog hides it from them, and the permission service answers their
 * catalog reads with a condition, see {@link permissionsDeciding}), the
 * plugin's permissions allowed to the users `allowed` alone, and a
 * notification service keeping what it sends in `sent`.
 */
export const portalHidingSecretModel = (
  entities: Entity[] | (() => Entity[]),
  users: Parameters<typeof permissionsDeciding>[0],
  sent: any[] = [],
) => [
  catalogServiceOf(
    catalogHiding(entities, { name: 'secret-model', from: users.conditional }),
  ),
  notificationsInto(sent),
  permissionsDeciding(users).factory,
];

/**
 * A backend for the tests of the enclosing describe block: `start` starts it
 * (see {@link startScorecardsBackend}) before them, and it stops after them.
 * Its server is `backend.server` once started.
 */
export function backendForTheseTests(
  start: () => Promise<{ server: Server; stop: () => Promise<void> }>,
) {
  const backend = {} as { server: Server; stop: () => Promise<void> };
  beforeAll(async () => {
    Object.assign(backend, await start());
  });
  afterAll(() => backend.stop());
  return backend;
}
