import { gzipSync } from 'zlib';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  LINEAGE_DEFAULT_DEPTH,
  LINEAGE_MAX_DEPTH,
  LINEAGE_NOTICE_TYPES,
} from '@convergence/backstage-plugin-mlops-common';
import {
  anyCaller,
  entityOf,
  parseInput,
  queryParam,
  queryWholeNumber,
} from '@convergence/backstage-plugin-mlops-node';
import { LineageService } from './LineageService';

const DEPTH = `must be a whole number from 1 to ${LINEAGE_MAX_DEPTH}`;
const DIRECTION = 'must be downstream or upstream';

// Absent, each is its default; given empty (`?depth=`), a 400 as any other
// bad value: not the default.
const lineageQuery = z.object({
  direction: queryParam(
    z.enum(['downstream', 'upstream'], { error: DIRECTION }).optional(),
  ).transform(v => v ?? 'downstream'),
  depth: queryParam(
    queryWholeNumber(DEPTH)
      .pipe(
        z
          .number()
          .min(1, { error: DEPTH })
          .max(LINEAGE_MAX_DEPTH, { error: DEPTH }),
      )
      .optional(),
  ).transform(v => v ?? LINEAGE_DEFAULT_DEPTH),
});

/** A calendar date `YYYY-MM-DD` that exists. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(v => {
    // 2027-13-01 is an Invalid Date, whose toISOString() throws.
    const date = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v);
  }, 'must be a date that exists, YYYY-MM-DD');

const noticeBody = z
  .strictObject(
    {
      type: z.enum(LINEAGE_NOTICE_TYPES, {
        error: `must be one of ${LINEAGE_NOTICE_TYPES.join(', ')}`,
      }),
      message: z
        .string()
        .trim()
        .max(2000, 'must be at most 2000 characters')
        .refine(s => !s.includes('\u0000'), 'must not contain NUL characters')
        .optional()
        .transform(s => (s === '' ? undefined : s)),
      effectiveDate: isoDate.optional(),
    },
    {
      error: issue =>
        issue.code === 'invalid_type'
          ? 'must be a JSON object with type, message and effectiveDate'
          : undefined,
    },
  )
  .superRefine((body, ctx) => {
    // A deprecation announces: one already past is a mistake. Other notices
    // may look back (an incident's date is when it started).
    if (body.type === 'deprecation') {
      const today = new Date().toISOString().slice(0, 10);
      if (!body.effectiveDate)
        ctx.addIssue({
          code: 'custom',
          path: ['effectiveDate'],
          message: 'is required for a deprecation (YYYY-MM-DD)',
        });
      else if (body.effectiveDate < today)
        ctx.addIssue({
          code: 'custom',
          path: ['effectiveDate'],
          message: `a deprecation must apply from today (${today} UTC) or later`,
        });
    }
    if (body.type === 'other' && !body.message)
      ctx.addIssue({
        code: 'custom',
        path: ['message'],
        message: 'is required for a notice of type other',
      });
  });

/**
 * The REST API of the mlops plugin over {@link LineageService}: it validates
 * input and speaks HTTP; see the README for the routes.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  lineage: LineageService;
}): Promise<express.Router> {
  const { httpAuth, lineage } = options;
  const router = Router();

  router.get('/lineage/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    const query = parseInput(lineageQuery, req.query, 'query');
    const answer = await lineage.lineage(entityOf(req), query, credentials);
    if (!('cached' in answer)) {
      res.set('Cache-Control', 'private, no-store').json(answer.answer);
      return;
    }
    // A large answer (a dataset with a thousand entities downstream is some
    // 800 KiB) is gzipped once and kept with the cached bytes, rather than by
    // the backend's compression middleware on every request; the middleware
    // leaves a response that already has a Content-Encoding alone.
    const { cached } = answer;
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    if (gzip) cached.gzip ??= gzipSync(cached.body);
    // With the ETag set, express answers a matching If-None-Match with 304;
    // each encoding has its own ETag, as the bytes differ.
    res
      .set({
        'Cache-Control': 'private, no-cache',
        Vary: 'Accept-Encoding',
        ETag: gzip ? `${cached.etag.slice(0, -1)}-gzip"` : cached.etag,
        ...(gzip && { 'Content-Encoding': 'gzip' }),
      })
      .type('application/json')
      .send(gzip ? cached.gzip : cached.body);
  });

  router.get('/lineage/:kind/:namespace/:name/notices', async (req, res) => {
    const credentials = await httpAuth.credentials(req, anyCaller);
    res.json(await lineage.listNotices(entityOf(req), credentials));
  });

  router.post(
    '/lineage/:kind/:namespace/:name/notices',
    // Not strict: a body of `null`, `[]` or `"text"` is refused by the
    // schema ("body: must be a JSON object with…"), not as invalid JSON.
    express.json({ strict: false }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseInput(noticeBody, req.body, 'body');
      res
        .status(201)
        .json(await lineage.sendNotice(entityOf(req), body, credentials, req));
    },
  );

  return router;
}
