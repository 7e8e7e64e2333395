import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ExemptionWorkflow } from '../exemptions/ExemptionWorkflow';
import { parseInput } from './inputs';
import {
  exemptionDecisionBody,
  exemptionInboxQuery,
  exemptionRequestBody,
} from './exemptionRequestInputs';

type JsonObject = NonNullable<AuditorServiceCreateEventOptions['meta']>;

/** The entity named by the route's `:kind/:namespace/:name`. */
const entityOf = (req: express.Request) => ({
  kind: req.params.kind,
  namespace: req.params.namespace,
  name: req.params.name,
});

/**
 * The exemption workflow's routes: requests of an entity, the inbox of
 * requests, approval and rejection. Each step that changes something is an
 * auditor event `exemption-request` (its reason and comment are not in it).
 */
export async function createExemptionRequestRouter(options: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  exemptions: ExemptionWorkflow;
}): Promise<express.Router> {
  const { httpAuth, auditor, exemptions } = options;
  const router = Router();
  const jsonBody = express.json();
  const anyCaller = { allow: ['user', 'service'] as Array<'user' | 'service'> };

  /** Runs `step` as an auditor event that succeeds or fails with it. */
  async function audited<T>(
    req: express.Request,
    queryType: 'submit' | 'approve' | 'reject',
    meta: JsonObject,
    step: () => Promise<T>,
    outcome: (value: T) => JsonObject,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'exemption-request',
      severityLevel: 'medium',
      request: req,
      meta: { queryType, ...meta },
    });
    try {
      const value = await step();
      await event.success({ meta: outcome(value) });
      return value;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** Request ids are UUIDs; anything else names no request. */
  const requestId = (req: express.Request) => {
    if (!z.uuid().safeParse(req.params.id).success)
      throw new NotFoundError(`No exemption request ${req.params.id}`);
    return req.params.id;
  };

  router.post(
    '/entities/:kind/:namespace/:name/exemption-requests',
    jsonBody,
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { kind, namespace, name } = entityOf(req);
      const request = await audited(
        req,
        'submit',
        { entity: `${kind}:${namespace}/${name}` },
        async () => {
          const body = parseInput(exemptionRequestBody, req.body, 'body');
          return exemptions.submit(entityOf(req), body, credentials);
        },
        r => ({
          requestId: r.id,
          entityRef: r.entityRef,
          checkId: r.checkId,
          expiresAt: r.expiresAt,
        }),
      );
      res.status(201).json(request);
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/exemption-requests',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, anyCaller);
      res.json(await exemptions.listForEntity(entityOf(req), credentials));
    },
  );

  router.get('/exemption-requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(exemptionInboxQuery, req.query, 'query');
    res.json(await exemptions.inbox(query, credentials));
  });

  router.post('/exemption-requests/:id/approve', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = requestId(req);
    res.json(
      await audited(
        req,
        'approve',
        { requestId: id },
        async () => {
          const body = parseInput(exemptionDecisionBody, req.body, 'body');
          return exemptions.approve(id, body, credentials);
        },
        r => ({
          requestId: r.request.id,
          entityRef: r.request.entityRef,
          checkId: r.request.checkId,
          exemptionId: r.exemption.id,
        }),
      ),
    );
  });

  router.post('/exemption-requests/:id/reject', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = requestId(req);
    res.json(
      await audited(
        req,
        'reject',
        { requestId: id },
        async () => {
          const body = parseInput(exemptionDecisionBody, req.body, 'body');
          return exemptions.reject(id, body, credentials);
        },
        r => ({
          requestId: r.request.id,
          entityRef: r.request.entityRef,
          checkId: r.request.checkId,
        }),
      ),
    );
  });

  return router;
}
