import { createHmac, timingSafeEqual } from 'crypto';
import express from 'express';
import Router from 'express-promise-router';
import { LoggerService } from '@backstage/backend-plugin-api';
import { MlflowEntityProvider } from './MlflowEntityProvider';

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
  if (!deliveryId || !timestamp || !signature)
    return 'missing X-MLflow-Delivery-Id, X-MLflow-Timestamp or X-MLflow-Signature';
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

/**
 * Receives MLflow model-registry webhooks at
 * `POST /api/catalog/mlflow/webhooks/<source id>` and updates the model they
 * name at once (a delta mutation). Requests are authenticated by MLflow's
 * HMAC signature with the source's `webhookSecret`; sources without a secret
 * accept no webhooks.
 */
export function createWebhookRouter(options: {
  providers: MlflowEntityProvider[];
  logger: LoggerService;
}): express.Router {
  const router = Router();
  const bySource = new Map(options.providers.map(p => [p.sourceId, p]));
  router.post(
    `${WEBHOOK_PATH}/:sourceId`,
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res) => {
      const provider = bySource.get(req.params.sourceId);
      if (!provider?.webhookSecret) {
        res.status(404).json({
          error: `No MLflow source '${req.params.sourceId}' with a webhookSecret`,
        });
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const problem = verifyMlflowSignature({
        secret: provider.webhookSecret,
        body,
        deliveryId: req.header('x-mlflow-delivery-id'),
        timestamp: req.header('x-mlflow-timestamp'),
        signature: req.header('x-mlflow-signature'),
      });
      if (problem) {
        options.logger.warn(
          `Refused an MLflow webhook for ${req.params.sourceId}: ${problem}`,
        );
        res.status(401).json({ error: `Invalid MLflow webhook: ${problem}` });
        return;
      }
      let event: { entity?: string; action?: string; data?: { name?: string } };
      try {
        event = JSON.parse(body);
      } catch {
        res.status(400).json({ error: 'The webhook body is not JSON' });
        return;
      }
      const name = event.data?.name;
      if (!event.entity || !MODEL_EVENTS.has(event.entity) || !name) {
        // Prompt events and the like: nothing in the catalog to update.
        res.status(202).json({ ignored: true });
        return;
      }
      res.status(202).json({ accepted: true, model: name });
      // MLflow does not wait for the catalog; the next full crawl repairs
      // anything this update misses.
      provider
        .refreshModel(name)
        .catch(error =>
          options.logger.error(
            `MLflow webhook ${event.entity}.${event.action} for ${name}: update failed, the next crawl will retry: ${error.message}`,
          ),
        );
    },
  );
  return router;
}
