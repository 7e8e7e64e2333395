import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DateTime } from 'luxon';
import {
  HttpAuthService,
  PermissionsService,
  BackstageCredentials,
  CacheService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  scorecardsExemptionManagePermission,
  scorecardsRefreshPermission,
} from '@convergence/backstage-plugin-scorecards-common';
import { ScorecardCheck } from '@convergence/backstage-plugin-scorecards-node';
import { ScorecardStore, SummaryFilter } from '../database/ScorecardStore';
import { CompiledScorecard } from '../engine/definitions';
import { ScorecardEvaluator } from './ScorecardEvaluator';
import { SummaryCache } from './SummaryCache';

const validators = makeValidator();

/** A kind, namespace and name the catalog could hold (compared as the catalog does, ignoring case). */
const canExist = (kind: string, namespace: string, name: string) =>
  validators.isValidKind(kind) &&
  validators.isValidNamespace(namespace.toLowerCase()) &&
  validators.isValidEntityName(name);

/** An entity reference, as a full lower-case ref; `[kind:][namespace/]name` with the defaults given. */
const entityRef = (defaultKind?: string) =>
  z.string().transform((value, ctx) => {
    try {
      const ref = parseEntityRef(value, { defaultKind });
      if (canExist(ref.kind, ref.namespace, ref.name))
        return stringifyEntityRef(ref).toLowerCase();
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message: `not a valid entity reference, e.g. ${
        defaultKind ?? 'model'
      }:default/name`,
    });
    return z.NEVER;
  });

/** An optional query parameter; present but empty counts as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(v => (v === '' ? undefined : v), schema.optional());

const noNul = (s: string) => !s.includes('\u0000');

const exemptionBody = z.object({
  checkId: z.string().min(1),
  reason: z
    .string()
    .min(3, 'reason must say why')
    .max(10_000)
    .refine(noNul, 'must not contain NUL characters'),
  expiresAt: z.iso.datetime({ offset: true }),
});

const DAYS = 'must be a whole number of days from 1 to 730';

/** The instant `days` whole days (of 24 hours) before `date`. */
const daysBefore = (date: Date, days: number) =>
  DateTime.fromJSDate(date, { zone: 'utc' }).minus({ days }).toJSDate();

const summaryQuery = z.object({
  owner: optional(entityRef('group')),
  system: optional(entityRef('system')),
  days: z.coerce
    .number({ error: DAYS })
    .int({ error: DAYS })
    .min(1, { error: DAYS })
    .max(730, { error: DAYS })
    .default(90),
});

const entityRefsBody = z.object({
  entityRefs: z.array(entityRef()).max(500),
});

/**
 * The input parsed by the schema, or an InputError (400) that names each bad
 * parameter or field: `days: must be a whole number…; owner: …`.
 */
function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: 'query' | 'body',
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues
      .map(i => `${i.path.map(String).join('.') || what}: ${i.message}`)
      .join('; '),
  );
}

const lower = (ref: string) => ref.toLowerCase();

/** The REST API of the scorecards plugin; see the README for the routes. */
export async function createRouter(options: {
  /** Caches summaries for callers who may read the whole catalog. */
  cache?: CacheService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: ScorecardStore;
  evaluator: ScorecardEvaluator;
  scorecards: CompiledScorecard[];
  checks: ReadonlyMap<string, ScorecardCheck>;
  now?: () => Date;
}): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    catalog,
    store,
    evaluator,
    scorecards,
    checks,
  } = options;
  const now = () => options.now?.() ?? new Date();
  const summaries = new SummaryCache({
    shared: options.cache,
    ttlSeconds: 60,
    maxEntries: 500,
  });
  const router = Router();
  // Only the routes that take a body parse one.
  const jsonBody = express.json();

  /** The entity the caller asks about, if the caller may read it. */
  async function readableEntity(
    req: express.Request,
    credentials: BackstageCredentials,
  ) {
    const { kind, namespace, name } = req.params;
    if (!canExist(kind, namespace, name))
      throw new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity)
      throw new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
    return lower(stringifyEntityRef(entity));
  }

  async function authorize(
    credentials: BackstageCredentials,
    permission: typeof scorecardsRefreshPermission,
    resourceRef: string,
  ) {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${permission.name} on ${resourceRef}`,
      );
    }
  }

  /**
   * Restricts a summary to what the caller may read: unconditionally allowed
   * callers see everything; conditionally allowed ones only the entities the
   * catalog returns for them.
   */
  async function readDecision(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    return decision;
  }

  async function visibleFilter(
    credentials: BackstageCredentials,
    filter: SummaryFilter,
    knownDecision?: Awaited<ReturnType<typeof readDecision>>,
  ): Promise<SummaryFilter> {
    const decision = knownDecision ?? (await readDecision(credentials));
    if (decision.result === AuthorizeResult.ALLOW) return filter;
    if (decision.result === AuthorizeResult.DENY)
      return { ...filter, entityRefs: [] };
    const entityRefs: string[] = [];
    for await (const page of catalog.streamEntities(
      {
        filter: { kind: ['Model', 'Dataset', 'Pipeline', 'Component'] },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    )) {
      entityRefs.push(...page.map(e => lower(stringifyEntityRef(e))));
    }
    return { ...filter, entityRefs };
  }

  /**
   * A group and every group below it; `known` is false when the catalog has
   * no such owner (for this caller).
   */
  async function ownerAndDescendants(
    ownerRef: string,
    credentials: BackstageCredentials,
  ) {
    const seen = new Set<string>([lower(ownerRef)]);
    let frontier = [ownerRef];
    let known: boolean | undefined;
    while (frontier.length) {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: frontier },
        { credentials },
      );
      known ??= Boolean(items[0]);
      frontier = items
        .flatMap(e =>
          (e?.relations ?? [])
            .filter(r => r.type === 'parentOf')
            .map(r => r.targetRef),
        )
        .filter(ref => !seen.has(lower(ref)));
      frontier.forEach(ref => seen.add(lower(ref)));
    }
    return { refs: [...seen], known: known ?? false };
  }

  router.get('/definitions', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      scorecards: scorecards.map(({ matches, ...s }) => s),
      checks: [...checks.values()].map(({ id, title, why, howToFix }) => ({
        id,
        title,
        why,
        howToFix,
      })),
    });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = await readableEntity(req, credentials);
    const [results, exemptions] = await Promise.all([
      store.getResults([ref]),
      store.listExemptions(ref),
    ]);
    res.json({ entityRef: ref, results, exemptions });
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = await readableEntity(req, credentials);
    const { days } = parseInput(summaryQuery, req.query, 'query');
    const since = daysBefore(now(), days);
    res.json({
      entityRef: ref,
      history: await store.entityHistory(ref, since),
    });
  });

  router.post('/entities/:kind/:namespace/:name/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = await readableEntity(req, credentials);
    await authorize(credentials, scorecardsRefreshPermission, ref);
    const results = await evaluator.evaluateOne(ref);
    // This replica's summaries show the new result at once; others within 60 s.
    summaries.clear();
    res.json({ entityRef: ref, results });
  });

  router.get(
    '/entities/:kind/:namespace/:name/exemptions',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const ref = await readableEntity(req, credentials);
      res.json({
        exemptions: await store.listExemptions(ref),
        audit: await store.auditTrail(ref),
      });
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/exemptions',
    jsonBody,
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const ref = await readableEntity(req, credentials);
      await authorize(credentials, scorecardsExemptionManagePermission, ref);
      const body = parseInput(exemptionBody, req.body, 'body');
      if (!checks.has(body.checkId))
        throw new InputError(`checkId: unknown check '${body.checkId}'`);
      if (new Date(body.expiresAt) <= now())
        throw new InputError('expiresAt: must be in the future');
      const exemption = await store.createExemption(
        {
          entityRef: ref,
          ...body,
          expiresAt: new Date(body.expiresAt).toISOString(),
          author: credentials.principal.userEntityRef,
        },
        now(),
      );
      res.status(201).json(exemption);
    },
  );

  router.delete('/exemptions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // Exemption ids are UUIDs; anything else names no exemption.
    const exemption = z.uuid().safeParse(req.params.id).success
      ? await store.getExemption(req.params.id)
      : undefined;
    if (!exemption) throw new NotFoundError(`No exemption ${req.params.id}`);
    await authorize(
      credentials,
      scorecardsExemptionManagePermission,
      exemption.entityRef,
    );
    res.json(
      await store.revokeExemption(
        exemption.id,
        credentials.principal.userEntityRef,
        now(),
      ),
    );
  });

  router.get('/results', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { owner, system } = parseInput(summaryQuery, req.query, 'query');
    const filter: SummaryFilter = {};
    if (owner)
      filter.ownerRefs = (await ownerAndDescendants(owner, credentials)).refs;
    if (system) filter.systemRef = system;
    res.json({
      results: await store.findResults(
        await visibleFilter(credentials, filter),
        500,
      ),
    });
  });

  router.post('/results/by-refs', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entityRefs } = parseInput(entityRefsBody, req.body, 'body');
    // Only the entities the caller may read.
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const visible = items.flatMap(e =>
      e ? [lower(stringifyEntityRef(e))] : [],
    );
    res.json({ results: await store.getResults(visible) });
  });

  /**
   * The summary, and whether the catalog has the owner and system asked for
   * (an answer about names it does not have is not cached).
   */
  async function computeSummary(
    credentials: BackstageCredentials,
    query: z.infer<typeof summaryQuery>,
    decision: Awaited<ReturnType<typeof readDecision>>,
  ) {
    const filter: SummaryFilter = {};
    let known = true;
    if (query.owner) {
      const owners = await ownerAndDescendants(query.owner, credentials);
      filter.ownerRefs = owners.refs;
      known = owners.known;
    }
    if (query.system) {
      filter.systemRef = query.system;
      known &&= Boolean(
        await catalog.getEntityByRef(query.system, { credentials }),
      );
    }
    const visible = await visibleFilter(credentials, filter, decision);
    const since = daysBefore(now(), query.days);
    const [summary, trend] = await Promise.all([
      store.summarize(visible),
      store.trend(visible, since),
    ]);
    return {
      answer: { owners: filter.ownerRefs, summaries: summary, trend },
      known,
    };
  }

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseInput(summaryQuery, req.query, 'query');
    const decision = await readDecision(credentials);
    if (decision.result !== AuthorizeResult.ALLOW) {
      res.json((await computeSummary(credentials, query, decision)).answer);
      return;
    }
    // Results change only when an evaluation runs: callers who may read the
    // whole catalog share one answer per query for 60 s. Browsers revalidate
    // with the ETag and get a 304 while the answer is unchanged. Owner and
    // system are full refs here, so spellings of one name share an answer;
    // names the catalog does not have are answered but not cached, so callers
    // cannot fill the cache with them.
    const key = `summary:${query.owner ?? ''}:${query.system ?? ''}:${
      query.days
    }`;
    const { body, etag } = await summaries.get(key, async () => {
      const { answer, known } = await computeSummary(
        credentials,
        query,
        decision,
      );
      return known ? answer : SummaryCache.uncached(answer);
    });
    // With the ETag set, express does not hash the body and answers 304 itself.
    res
      .set({ 'Cache-Control': 'private, no-cache', ETag: etag })
      .type('application/json')
      .send(body);
  });

  return router;
}
