import { createHash, createHmac, timingSafeEqual } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { MlflowEntityProvider } from './providers/MlflowEntityProvider';

/** Where the catalog mounts the webhook receiver, below /api/catalog. */
export const WEBHOOK_PATH = '/mlflow/webhooks';

/** Webhook entities that change a registered model. */
const MODEL_EVENTS = new Set([
  'registered_model',
  'model_version',
  'model_version_tag',
  'model_version_alias',
]);

/** How far a webhook's timestamp may be from now (replay protection). */
const MAX_SKEW_SECONDS = 300;

/**
 * Checks MLflow's webhook signature: `X-MLflow-Signature: v1,<base64>` where
 * the HMAC-SHA256 is over `<delivery id>.<timestamp>.<body>`.
 */
export function verifyMlflowSignature(options: {
  secret: string;
  body: string;
  deliveryId?: string;
  timestamp?: string;
  signature?: string;
  nowSeconds?: number;
}): string | undefined {
  const { secret, body, deliveryId, timestamp, signature } = options;
  const missing = [
    !deliveryId && 'X-MLflow-Delivery-Id',
    !timestamp && 'X-MLflow-Timestamp',
    !signature && 'X-MLflow-Signature',
  ].filter(Boolean);
  if (!deliveryId || !timestamp || !signature)
    return `missing ${missing.join(', ')}`;
  const now = options.nowSeconds ?? Date.now() / 1000;
  if (
    !/^\d+$/.test(timestamp) ||
    Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS
  )
    return 'timestamp too old or invalid';
  const [version, given] = signature.split(',', 2);
  if (version !== 'v1' || !given) return 'unsupported signature version';
  const expected = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${body}`)
    .digest();
  const actual = Buffer.from(given, 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return 'signature does not match';
  return undefined;
}

/** An MLflow webhook body: `{ entity, action, timestamp, data }`. */
type WebhookEvent = {
  entity: string;
  action?: string;
  data: Record<string, unknown>;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event, or what is wrong with the body. */
function parseEvent(body: string): WebhookEvent | string {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (!isObject(event)) return 'the body must be a JSON object';
  if (typeof event.entity !== 'string') return 'entity must be a string';
  if (event.action !== undefined && typeof event.action !== 'string')
    return 'action must be a string';
  if (!isObject(event.data)) return 'data must be an object';
  return event as WebhookEvent;
}

/**
 * How long a delivery id is remembered: until its timestamp leaves the
 * window in which the signature is accepted, plus a minute.
 */
function rememberForMs(timestamp: string, nowSeconds = Date.now() / 1000) {
  return Math.ceil(
    (Number(timestamp) + MAX_SKEW_SECONDS - nowSeconds + 60) * 1000,
  );
}

/**
 * Receives MLflow model-registry webhooks at
 * `POST /api/catalog/mlflow/webhooks/<source id>` and updates the model they
 * name at once (a delta mutation). Requests are authenticated by MLflow's
 * HMAC signature with the source's `webhookSecret`; sources without a secret
 * accept no webhooks. Each delivery id is remembered in the cache service
 * while its signature is valid: a replayed delivery is answered 409 and
 * changes nothing. Replicas share that memory only when `backend.cache` is a
 * shared store (Redis, Valkey, memcached), and two copies arriving at the
 * same instant can both pass (the cache service has no set-if-absent).
 * Refusals are thrown as `@backstage/errors` errors (NotFoundError,
 * AuthenticationError, InputError, ConflictError) for the backend's error
 * handler to answer. (MLflow retries 429 and 5xx answers with
 * the same delivery id; an accepted delivery gets 202, so it is not retried.)
 */
export function createWebhookRouter(options: {
  providers: Array<
    Pick<MlflowEntityProvider, 'sourceId' | 'webhookSecret' | 'refreshModel'>
  >;
  logger: LoggerService;
  cache: CacheService;
}): express.Router {
  const { logger, cache } = options;
  const router = Router();
  const bySource = new Map(options.providers.map(p => [p.sourceId, p]));
  router.post(
    `${WEBHOOK_PATH}/:sourceId`,
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res) => {
      const { sourceId } = req.params;
      const provider = bySource.get(sourceId);
      if (!provider?.webhookSecret) {
        throw new NotFoundError(
          `No MLflow source '${sourceId}' with a webhookSecret`,
        );
      }
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const deliveryId = req.header('x-mlflow-delivery-id');
      const timestamp = req.header('x-mlflow-timestamp');
      const problem = verifyMlflowSignature({
        secret: provider.webhookSecret,
        body,
        deliveryId,
        timestamp,
        signature: req.header('x-mlflow-signature'),
      });
      if (problem || !deliveryId || !timestamp) {
        logger.warn(`Refused an MLflow webhook for ${sourceId}: ${problem}`);
        throw new AuthenticationError(`Invalid MLflow webhook: ${problem}`);
      }
      const event = parseEvent(body);
      if (typeof event === 'string') {
        throw new InputError(`Invalid MLflow webhook: ${event}`);
      }
      const name = event.data.name;
      const changesModel = MODEL_EVENTS.has(event.entity);
      if (changesModel && (typeof name !== 'string' || !name)) {
        throw new InputError(
          'Invalid MLflow webhook: data.name must be a non-empty string',
        );
      }

      // Replay protection. The id is hashed to keep the key short for any
      // cache store; only signed deliveries are remembered.
      const key = `mlflow-webhook-delivery:${sourceId}:${createHash('sha256')
        .update(deliveryId)
        .digest('hex')}`;
      if (await cache.get(key)) {
        logger.warn(
          `Refused a replayed MLflow webhook for ${sourceId}: delivery ${deliveryId} was already received`,
        );
        throw new ConflictError(
          `MLflow webhook delivery '${deliveryId}' was already received; a replay changes nothing`,
        );
      }
      await cache.set(key, true, { ttl: rememberForMs(timestamp) });

      if (!changesModel) {
        // Prompt events and the like: nothing in the catalog to update.
        res.status(202).json({ ignored: true });
        return;
      }
      const model = name as string;
      res.status(202).json({ accepted: true, model });
      // MLflow does not wait for the catalog; the next full crawl repairs
      // anything this update misses.
      provider
        .refreshModel(model)
        .catch(error =>
          logger.error(
            `MLflow webhook ${event.entity}.${event.action} for ${model}: update failed, the next crawl will retry: ${error.message}`,
          ),
        );
    },
  );
  return router;
}
