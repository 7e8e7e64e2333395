import { createHmac } from 'crypto';
import request from 'supertest';
import {
  ServiceFactory,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  WEBHOOK_PATH,
  createWebhookRouter,
  verifyMlflowSignature,
} from './webhooks';

const secret = 'whsec-0123';
const body =
  '{"entity":"model_version","action":"created","data":{"name":"m"}}';
const sign = (deliveryId: string, timestamp: string, payload: string) =>
  `v1,${createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${payload}`)
    .digest('base64')}`;

describe('verifyMlflowSignature', () => {
  const now = 1_764_000_000;
  const ok = {
    secret,
    body,
    deliveryId: 'd1',
    timestamp: String(now),
    nowSeconds: now,
  };

  it('accepts what MLflow signs', () => {
    expect(
      verifyMlflowSignature({
        ...ok,
        signature: sign('d1', String(now), body),
      }),
    ).toBeUndefined();
  });

  it('refuses a changed body, another delivery id or secret', () => {
    const signature = sign('d1', String(now), body);
    expect(verifyMlflowSignature({ ...ok, body: `${body} `, signature })).toBe(
      'signature does not match',
    );
    expect(verifyMlflowSignature({ ...ok, deliveryId: 'd2', signature })).toBe(
      'signature does not match',
    );
    expect(verifyMlflowSignature({ ...ok, secret: 'other', signature })).toBe(
      'signature does not match',
    );
  });

  it('refuses replays, missing headers and unknown versions', () => {
    const old = String(now - 301);
    expect(
      verifyMlflowSignature({
        ...ok,
        timestamp: old,
        signature: sign('d1', old, body),
      }),
    ).toBe('timestamp too old or invalid');
    expect(verifyMlflowSignature({ ...ok, signature: undefined })).toMatch(
      /^missing /,
    );
    expect(
      verifyMlflowSignature({
        ...ok,
        signature: sign('d1', String(now), body).replace('v1', 'v2'),
      }),
    ).toBe('unsupported signature version');
  });
});

// The catalog's database; TestDatabases closes it after the tests.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The real catalog plugin, with the webhook route of one source mounted on
 * its router as the MLflow module does: its errors are rendered by the
 * backend's error handler.
 */
async function webhookBackend(cache?: ServiceFactory) {
  const refreshed: string[] = [];
  const provider = {
    sourceId: 'local',
    webhookSecret: secret,
    // The delta mutation a webhook applies.
    refreshModel: async (name: string) => {
      refreshed.push(name);
      return true;
    },
  };
  const logger = mockServices.logger.mock();
  const { server } = await startTestBackend({
    features: [
      mockServices.database.factory({
        knex: await databases.init('SQLITE_3'),
      }),
      catalogPlugin,
      createBackendModule({
        pluginId: 'catalog',
        moduleId: 'mlflow-webhooks-test',
        register(reg) {
          reg.registerInit({
            deps: {
              httpRouter: coreServices.httpRouter,
              cache: coreServices.cache,
            },
            async init({ httpRouter, cache: pluginCache }) {
              httpRouter.addAuthPolicy({
                path: WEBHOOK_PATH,
                allow: 'unauthenticated',
              });
              httpRouter.use(
                createWebhookRouter({
                  providers: [provider],
                  logger,
                  cache: pluginCache,
                }),
              );
            },
          });
        },
      }),
      ...(cache ? [cache] : []),
    ],
  });
  const deliver = (
    deliveryId: string,
    payload = body,
    timestamp = String(Math.floor(Date.now() / 1000)),
  ) =>
    request(server)
      .post('/api/catalog/mlflow/webhooks/local')
      .set('Content-Type', 'application/json')
      .set('X-MLflow-Delivery-Id', deliveryId)
      .set('X-MLflow-Timestamp', timestamp)
      .set('X-MLflow-Signature', sign(deliveryId, timestamp, payload))
      .send(payload);
  return { server, refreshed, deliver, logger };
}

describe('the webhook route', () => {
  it('refuses a replayed delivery, which changes nothing, and accepts a new one', async () => {
    const { refreshed, deliver } = await webhookBackend();
    const first = await deliver('0b6f2c1e-delivery-1');
    expect(first.status).toBe(202);
    expect(refreshed).toEqual(['m']);

    // The same signed delivery again, well within the 5-minute window.
    const replay = await deliver('0b6f2c1e-delivery-1');
    expect(replay.status).toBe(409);
    // Backstage's error body, from a ConflictError.
    expect(replay.body).toMatchObject({
      error: {
        name: 'ConflictError',
        message:
          "MLflow webhook delivery '0b6f2c1e-delivery-1' was already received; a replay changes nothing",
      },
      response: { statusCode: 409 },
    });
    expect(refreshed).toEqual(['m']);

    const next = await deliver('0b6f2c1e-delivery-2');
    expect(next.status).toBe(202);
    expect(refreshed).toEqual(['m', 'm']);
  });

  it('remembers deliveries in the shared cache, so another replica refuses the replay', async () => {
    // One store behind both replicas' CacheService, as Redis or memcached is.
    const store = new Map<string, { value: unknown; ttl: unknown }>();
    const sharedCache = () =>
      mockServices.cache.mock({
        get: async (key: string) => store.get(key)?.value as any,
        set: async (key, value, options) => {
          store.set(key, { value, ttl: options?.ttl });
        },
      }).factory;
    const a = await webhookBackend(sharedCache());
    const b = await webhookBackend(sharedCache());
    const timestamp = String(Math.floor(Date.now() / 1000));
    expect((await a.deliver('d-shared', body, timestamp)).status).toBe(202);
    expect((await b.deliver('d-shared', body, timestamp)).status).toBe(409);
    expect(a.refreshed).toEqual(['m']);
    expect(b.refreshed).toEqual([]);
    // Remembered beyond the window in which the signature is accepted.
    const [{ ttl }] = [...store.values()];
    expect(ttl).toBeGreaterThan(300_000);
  });

  it('answers bad input with a 4xx that names the problem, never a 5xx', async () => {
    const { server, refreshed, deliver, logger } = await webhookBackend();
    const now = String(Math.floor(Date.now() / 1000));
    const post = () =>
      request(server)
        .post('/api/catalog/mlflow/webhooks/local')
        .set('Content-Type', 'application/json');

    const cases: Array<[string, request.Test]> = [
      ['no headers', post().send(body)],
      [
        'no signature',
        post()
          .set('X-MLflow-Delivery-Id', 'd')
          .set('X-MLflow-Timestamp', now)
          .send(body),
      ],
      [
        'a timestamp that is no number',
        post()
          .set('X-MLflow-Delivery-Id', 'd')
          .set('X-MLflow-Timestamp', 'yesterday')
          .set('X-MLflow-Signature', sign('d', 'yesterday', body))
          .send(body),
      ],
      ['a body that is not JSON', deliver('d-1', '{"entity":')],
      ['JSON null', deliver('d-2', 'null')],
      ['a JSON array', deliver('d-3', '[]')],
      ['entity not a string', deliver('d-4', '{"entity":7}')],
      [
        'data not an object',
        deliver('d-5', '{"entity":"model_version","data":"m"}'),
      ],
      [
        'a model name that is not a string',
        deliver('d-6', '{"entity":"model_version","data":{"name":7}}'),
      ],
      [
        'an empty model name',
        deliver('d-7', '{"entity":"model_version","data":{"name":""}}'),
      ],
    ];
    const answers = [];
    for (const [what, req] of cases) {
      const res = await req;
      // Backstage's error body: the error's name and message.
      answers.push([
        what,
        res.status,
        `${res.body.error?.name}: ${res.body.error?.message}`,
      ]);
    }
    const refused = (message: string) =>
      `AuthenticationError: Invalid MLflow webhook: ${message}`;
    const invalid = (message: string) =>
      `InputError: Invalid MLflow webhook: ${message}`;
    expect(answers).toEqual([
      [
        cases[0][0],
        401,
        refused(
          'missing X-MLflow-Delivery-Id, X-MLflow-Timestamp, X-MLflow-Signature',
        ),
      ],
      [cases[1][0], 401, refused('missing X-MLflow-Signature')],
      [cases[2][0], 401, refused('timestamp too old or invalid')],
      [cases[3][0], 400, invalid('the body is not JSON')],
      [cases[4][0], 400, invalid('the body must be a JSON object')],
      [cases[5][0], 400, invalid('the body must be a JSON object')],
      [cases[6][0], 400, invalid('entity must be a string')],
      [cases[7][0], 400, invalid('data must be an object')],
      [cases[8][0], 400, invalid('data.name must be a non-empty string')],
      [cases[9][0], 400, invalid('data.name must be a non-empty string')],
    ]);
    expect(refreshed).toEqual([]);
    // A refused signature is logged, naming the source and the problem.
    expect(logger.warn).toHaveBeenCalledWith(
      'Refused an MLflow webhook for local: missing X-MLflow-Signature',
    );

    // Events that change no model are accepted and ignored.
    const prompt = await deliver(
      'd-8',
      '{"entity":"prompt","action":"created","data":{"name":"p"}}',
    );
    expect(prompt.status).toBe(202);
    expect(prompt.body).toEqual({ ignored: true });
    // An unknown source, and a body over 1 MB.
    const unknown = await request(server)
      .post('/api/catalog/mlflow/webhooks/nope')
      .send(body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      name: 'NotFoundError',
      message: "No MLflow source 'nope' with a webhookSecret",
    });
    const huge = await deliver(
      'd-9',
      JSON.stringify({ x: 'x'.repeat(1_100_000) }),
    );
    expect(huge.status).toBe(413);
    expect(refreshed).toEqual([]);
  });
});
