import { createHmac } from 'crypto';
import request from 'supertest';
import {
  ServiceFactory,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
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

/** A backend that serves the webhook route of one source, as the catalog module does. */
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
  const { server } = await startTestBackend({
    features: [
      createBackendPlugin({
        pluginId: 'catalog',
        register(reg) {
          reg.registerInit({
            deps: {
              httpRouter: coreServices.httpRouter,
              logger: coreServices.logger,
              cache: coreServices.cache,
            },
            async init({ httpRouter, logger, cache: pluginCache }) {
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
  return { server, refreshed, deliver };
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
    expect(replay.body.error).toBe(
      "MLflow webhook delivery '0b6f2c1e-delivery-1' was already received; a replay changes nothing",
    );
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
    const { server, refreshed, deliver } = await webhookBackend();
    const now = String(Math.floor(Date.now() / 1000));
    const post = () =>
      request(server)
        .post('/api/catalog/mlflow/webhooks/local')
        .set('Content-Type', 'application/json');

    const cases: Array<[string, request.Test, number, string]> = [
      [
        'no headers',
        post().send(body),
        401,
        'Invalid MLflow webhook: missing X-MLflow-Delivery-Id, X-MLflow-Timestamp, X-MLflow-Signature',
      ],
      [
        'no signature',
        post()
          .set('X-MLflow-Delivery-Id', 'd')
          .set('X-MLflow-Timestamp', now)
          .send(body),
        401,
        'Invalid MLflow webhook: missing X-MLflow-Signature',
      ],
      [
        'a timestamp that is no number',
        post()
          .set('X-MLflow-Delivery-Id', 'd')
          .set('X-MLflow-Timestamp', 'yesterday')
          .set('X-MLflow-Signature', sign('d', 'yesterday', body))
          .send(body),
        401,
        'Invalid MLflow webhook: timestamp too old or invalid',
      ],
      ['a body that is not JSON', deliver('d-1', '{"entity":'), 400, ''],
      ['JSON null', deliver('d-2', 'null'), 400, ''],
      ['a JSON array', deliver('d-3', '[]'), 400, ''],
      ['entity not a string', deliver('d-4', '{"entity":7}'), 400, ''],
      [
        'data not an object',
        deliver('d-5', '{"entity":"model_version","data":"m"}'),
        400,
        '',
      ],
      [
        'a model name that is not a string',
        deliver('d-6', '{"entity":"model_version","data":{"name":7}}'),
        400,
        '',
      ],
      [
        'an empty model name',
        deliver('d-7', '{"entity":"model_version","data":{"name":""}}'),
        400,
        '',
      ],
    ];
    const answers = [];
    for (const [what, req] of cases) {
      const res = await req;
      answers.push([what, res.status, res.body.error]);
    }
    expect(answers).toEqual([
      [cases[0][0], 401, cases[0][3]],
      [cases[1][0], 401, cases[1][3]],
      [cases[2][0], 401, cases[2][3]],
      [cases[3][0], 400, 'Invalid MLflow webhook: the body is not JSON'],
      [
        cases[4][0],
        400,
        'Invalid MLflow webhook: the body must be a JSON object',
      ],
      [
        cases[5][0],
        400,
        'Invalid MLflow webhook: the body must be a JSON object',
      ],
      [cases[6][0], 400, 'Invalid MLflow webhook: entity must be a string'],
      [cases[7][0], 400, 'Invalid MLflow webhook: data must be an object'],
      [
        cases[8][0],
        400,
        'Invalid MLflow webhook: data.name must be a non-empty string',
      ],
      [
        cases[9][0],
        400,
        'Invalid MLflow webhook: data.name must be a non-empty string',
      ],
    ]);
    expect(refreshed).toEqual([]);

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
    const huge = await deliver(
      'd-9',
      JSON.stringify({ x: 'x'.repeat(1_100_000) }),
    );
    expect(huge.status).toBe(413);
    expect(refreshed).toEqual([]);
  });
});
