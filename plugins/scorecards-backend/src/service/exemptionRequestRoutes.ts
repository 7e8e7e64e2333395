import express from 'express';
import { z } from 'zod';
import { NotFoundError } from '@backstage/errors';
import {
  Exemption,
  ExemptionRequest,
} from '@convergence/backstage-plugin-scorecards-common';
import { ExemptionWorkflow } from '../exemptions/ExemptionWorkflow';
import { anyCaller, AuditedRouteContext, entityOf, jsonBody } from './http';
import { parseInput } from './inputs';
import {
  exemptionDecisionBody,
  exemptionInboxQuery,
  exemptionRequestBody,
} from './exemptionRequestInputs';

/**
 * Adds the exemption workflow's routes to the context's router: requests of
 * an entity, the inbox of requests, approval and rejection. Each step that
 * changes something is an auditor event through the context's `audited`
 * (`createRouter` gives it the event id `exemption-request`); its reason and
 * comment are not in it.
 */
export function addExemptionRequestRoutes(
  context: AuditedRouteContext<'submit' | 'approve' | 'reject'>,
  exemptions: ExemptionWorkflow,
) {
  const { router, httpAuth, audited } = context;
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

  // Approval and rejection: the same step but for what the workflow does.
  for (const decision of ['approve', 'reject'] as const) {
    router.post(
      `/exemption-requests/:id/${decision}`,
      jsonBody,
      async (req, res) => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        const id = requestId(req);
        res.json(
          await audited(
            req,
            decision,
            { requestId: id },
            async (): Promise<{
              request: ExemptionRequest;
              exemption?: Exemption;
            }> => {
              const body = parseInput(exemptionDecisionBody, req.body, 'body');
              return exemptions[decision](id, body, credentials);
            },
            r => ({
              requestId: r.request.id,
              entityRef: r.request.entityRef,
              checkId: r.request.checkId,
              ...(r.exemption ? { exemptionId: r.exemption.id } : {}),
            }),
          ),
        );
      },
    );
  }
}
