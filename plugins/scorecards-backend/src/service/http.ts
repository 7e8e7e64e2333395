import express from 'express';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  HttpAuthService,
} from '@backstage/backend-plugin-api';

/*
 * What the plugin's routers share.
 */

/** Re-exported for the routers: the mlops backend's routes use them too. */
export { anyCaller, entityOf } from '@convergence/backstage-plugin-mlops-node';

/**
 * Parses a JSON body, for the routes that take one. Not strict: a body of
 * `null`, `[]` or `"text"` is parsed, and refused by the route's schema as
 * "must be a JSON object" rather than by the parser as invalid JSON.
 */
export const jsonBody = express.json({ strict: false });

/** Metadata of an auditor event. */
export type AuditMeta = NonNullable<AuditorServiceCreateEventOptions['meta']>;

/**
 * Runs `step` as the auditor event `eventId` of `request` (medium severity,
 * `meta` at its start): it succeeds with `outcome`'s metadata of the value,
 * or fails with the error, which is thrown on.
 */
export async function runAudited<T>(
  auditor: AuditorService,
  event: { eventId: string; request: express.Request; meta: AuditMeta },
  step: () => Promise<T>,
  outcome: (value: T) => AuditMeta,
): Promise<T> {
  const audit = await auditor.createEvent({
    ...event,
    severityLevel: 'medium',
  });
  try {
    const value = await step();
    await audit.success({ meta: outcome(value) });
    return value;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}

/**
 * Runs `step` as one of a route group's auditor events, its metadata
 * `queryType` and `meta` (see {@link auditedEvents}).
 */
export type AuditedEvents<Q extends string> = <T>(
  req: express.Request,
  queryType: Q,
  meta: AuditMeta,
  step: () => Promise<T>,
  outcome: (value: T) => AuditMeta,
) => Promise<T>;

/**
 * The auditor events `eventId`: `audited(req, queryType, meta, step,
 * outcome)` runs `step` as one (see {@link runAudited}), its metadata
 * `queryType` and `meta`.
 */
export const auditedEvents =
  <Q extends string>(
    auditor: AuditorService,
    eventId: string,
  ): AuditedEvents<Q> =>
  (req, queryType, meta, step, outcome) =>
    runAudited(
      auditor,
      { eventId, request: req, meta: { queryType, ...meta } },
      step,
      outcome,
    );

/**
 * What each route group of `createRouter` is added with, besides its own
 * service: the router to add its routes to and the service that tells who
 * calls.
 */
export interface RouteContext {
  router: express.Router;
  httpAuth: HttpAuthService;
}

/**
 * The context of a route group whose writes are auditor events: `audited`
 * runs a step as one of them.
 */
export interface AuditedRouteContext<Q extends string> extends RouteContext {
  audited: AuditedEvents<Q>;
}
