/*
 * Tech Insights as a deployment would run bench/scorecards' 17 checks:
 *
 * - a FactRetriever (@backstage-community/plugin-tech-insights-node) that
 *   reads the RAW entities from the catalog over HTTP with CatalogClient, as
 *   Tech Insights' own retrievers do, and computes per entity the inputs the
 *   checks read (counts, lengths, kinds, ages);
 * - the plugin's own context (buildTechInsightsContext, what the plugin's
 *   init calls): its FactRetrieverEngine runs the retriever and stores the
 *   facts with its knex persistence (migrations, `facts` and `fact_schemas`);
 * - the checks as json-rules-engine rules for the jsonfc checker
 *   (JsonRulesEngineFactCheckerFactory) with the thresholds and conditions of
 *   the built-in checks, run per entity with runChecks, which reads the
 *   latest facts back from the database as the plugin's routes do.
 *
 * Tech Insights has no "does not apply": a rule passes for an entity it does
 * not apply to, so its `true` is compared with our pass or n/a.
 */
import http from 'http';
import { AddressInfo } from 'net';
import knexFactory, { Knex } from 'knex';
import { CatalogClient } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskFunction,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { buildTechInsightsContext } from '@backstage-community/plugin-tech-insights-backend';
import {
  FactRetriever,
  FlatTechInsightFact,
  TechInsightsStore,
} from '@backstage-community/plugin-tech-insights-node';
import {
  JsonRulesEngineFactChecker,
  JsonRulesEngineFactCheckerFactory,
  TechInsightJsonRuleCheck,
} from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';

const RETRIEVER = 'mlReadinessFactRetriever';
const API = 'convergence.dev/v1alpha1';
const DAY = 86_400_000;

/** A catalog serving `GET /api/catalog/entities?filter=kind=…` over HTTP, each answer serialised once. */
export async function startCatalogServer(entities: Entity[]) {
  const answers = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname !== '/api/catalog/entities') {
      res.writeHead(404).end();
      return;
    }
    const key = url.search;
    let body = answers.get(key);
    if (body === undefined) {
      // Each filter is a kind=… list (OR); several filters are OR'ed.
      const kinds = new Set(
        url.searchParams
          .getAll('filter')
          .flatMap(f => f.split(','))
          .map(c => {
            const [k, v] = c.split('=');
            if (k.toLowerCase() !== 'kind')
              throw new Error(`unsupported filter ${c}`);
            return v.toLowerCase();
          }),
      );
      body = JSON.stringify(
        kinds.size
          ? entities.filter(e => kinds.has(e.kind.toLowerCase()))
          : entities,
      );
      answers.set(key, body);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  // Clients keep connections alive between rounds (a reused socket the
  // server already closed would fail the next request).
  server.keepAliveTimeout = 3_600_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/catalog`;
  return {
    discovery: {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

const len = (v: unknown) => (typeof v === 'string' ? v.trim().length : 0);

/** What the retriever computes for one entity from the entity and the catalog. */
export function readinessFacts(
  e: Entity,
  byRef: ReadonlyMap<string, Entity>,
  now: Date,
) {
  const s: any = e.spec ?? {};
  const targets = (type: string) => [
    ...new Set(
      (e.relations ?? [])
        .filter(r => r.type === type)
        .map(r => r.targetRef.toLowerCase()),
    ),
  ];
  const lineage = (type: string) => {
    const refs = targets(type);
    const found = refs.map(r => byRef.get(r)).filter(x => x !== undefined);
    return {
      count: refs.length,
      missing: refs.length - found.length,
      notProduction: found.filter(
        x => (x!.spec as any)?.lifecycle !== 'production',
      ).length,
    };
  };
  const owners = targets('ownedBy');
  const trained = lineage('trainedOn');
  const evaluated = lineage('evaluatedOn');
  const produced = lineage('producedBy');
  const card = s.card ?? {};
  const fields: any[] = s.schema?.fields ?? [];
  const run = s.lastRun;
  const at = run?.finishedAt ?? run?.startedAt;
  const ranAt = at ? Date.parse(at) : NaN;
  return {
    mlKind: e.apiVersion === API ? e.kind.toLowerCase() : '',
    lifecycle: typeof s.lifecycle === 'string' ? s.lifecycle : '',
    ownerCount: owners.length,
    ownersNotGroup: owners.filter(
      r => byRef.get(r)?.kind.toLowerCase() !== 'group',
    ).length,
    descriptionLength: len(e.metadata.description),
    licenseLength: len(s.license),
    cardFields: ['intendedUse', 'limitations', 'evaluationData'].filter(
      f => len(card[f]) > 0,
    ),
    trainedOnCount: trained.count,
    trainedOnMissing: trained.missing,
    evaluatedOnCount: evaluated.count,
    evaluatedOnMissing: evaluated.missing,
    producedByCount: produced.count,
    producedByMissing: produced.missing,
    producedByFound: produced.count - produced.missing,
    producedByNotProduction: produced.notProduction,
    versionAliases: ((s.versions ?? []) as any[]).flatMap(v => v.aliases ?? []),
    monitoringUrlLength: len(
      e.metadata.annotations?.['convergence.dev/monitoring-url'],
    ),
    classification:
      typeof s.classification === 'string' ? s.classification : '',
    classificationLength: len(s.classification),
    containsPii: s.containsPii === true,
    piiFieldCount: fields.filter(f => f.pii).length,
    retentionLength: len(s.retention),
    schemaFieldCount: fields.length ?? 0,
    scheduleLength: len(s.schedule),
    hasLastRun: Boolean(run),
    lastRunStatus: typeof run?.status === 'string' ? run.status : '',
    lastRunAgeDays: Number.isNaN(ranAt) ? null : (now.getTime() - ranAt) / DAY,
  };
}

/** Facts of one type, with their descriptions. */
const ofType = (
  type: FactRetriever['schema'][string]['type'],
  descriptions: Record<string, string>,
): FactRetriever['schema'] =>
  Object.fromEntries(
    Object.entries(descriptions).map(([id, description]) => [
      id,
      { type, description },
    ]),
  );
/** The counts of a relation's targets (`lineage` in readinessFacts). */
const relationCounts = (relation: string) =>
  ofType('integer', {
    [`${relation}Count`]: `${relation} relations`,
    [`${relation}Missing`]: 'not in the catalog',
  });
/** Non-blank lengths of text fields (`len` in readinessFacts). */
const nonBlankLengths = (...ids: string[]) =>
  ofType(
    'integer',
    Object.fromEntries(ids.map(id => [id, 'non-blank length'])),
  );

const schema: FactRetriever['schema'] = {
  ...ofType('string', {
    mlKind: 'model, dataset or pipeline',
    lifecycle: 'spec.lifecycle',
    classification: 'spec.classification',
    lastRunStatus: 'spec.lastRun.status',
  }),
  ...ofType('integer', {
    ownerCount: 'ownedBy relations',
    ownersNotGroup: 'owners not in the catalog or not a Group',
    producedByFound: 'in the catalog',
    producedByNotProduction: 'producing pipelines not in production',
    piiFieldCount: 'schema fields with pii',
    schemaFieldCount: 'schema fields',
  }),
  ...relationCounts('trainedOn'),
  ...relationCounts('evaluatedOn'),
  ...relationCounts('producedBy'),
  ...nonBlankLengths(
    'descriptionLength',
    'licenseLength',
    'monitoringUrlLength',
    'classificationLength',
    'retentionLength',
    'scheduleLength',
  ),
  ...ofType('set', {
    cardFields: 'non-blank spec.card fields',
    versionAliases: 'aliases of all versions',
  }),
  ...ofType('boolean', {
    containsPii: 'spec.containsPii is true',
    hasLastRun: 'spec.lastRun is set',
  }),
  ...ofType('float', {
    lastRunAgeDays: 'days since the last run finished (or started)',
  }),
};

/**
 * The retriever a Tech Insights deployment would write: the ML entities and
 * the owners from the catalog, facts computed per ML entity. `now` is the
 * bench's clock (a deployment would use the retrieval time).
 */
export function readinessFactRetriever(now: Date): FactRetriever {
  return {
    id: RETRIEVER,
    version: '0.1.0',
    title: 'ML readiness inputs',
    entityFilter: [
      { kind: 'model' },
      { kind: 'dataset' },
      { kind: 'pipeline' },
    ],
    schema,
    handler: async ({ discovery, auth, entityFilter }) => {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'catalog',
      });
      const catalog = new CatalogClient({ discoveryApi: discovery });
      const [ml, people] = await Promise.all([
        catalog.getEntities({ filter: entityFilter }, { token }),
        catalog.getEntities({ filter: { kind: ['group', 'user'] } }, { token }),
      ]);
      const byRef = new Map<string, Entity>();
      for (const e of [...people.items, ...ml.items])
        byRef.set(stringifyEntityRef(e).toLowerCase(), e);
      return ml.items.map(e => ({
        entity: {
          namespace: e.metadata.namespace ?? 'default',
          kind: e.kind,
          name: e.metadata.name,
        },
        facts: readinessFacts(e, byRef, now),
      }));
    },
  };
}

type Condition = Record<string, unknown>;
const fact = (name: string, operator: string, value: unknown): Condition => ({
  fact: name,
  operator,
  value,
});
const notKind = (kind: string) => fact('mlKind', 'notEqual', kind);
const notProduction = fact('lifecycle', 'notEqual', 'production');
/** A model declares the relation, and the catalog has every target. */
const modelRelationRegistered = (relation: string) => ({
  any: [
    notKind('model'),
    {
      all: [
        fact(`${relation}Count`, 'greaterThan', 0),
        fact(`${relation}Missing`, 'equal', 0),
      ],
    },
  ],
});

const noPii = {
  all: [fact('containsPii', 'equal', false), fact('piiFieldCount', 'equal', 0)],
};

/**
 * The 17 checks as json-rules-engine conditions. A check passes where it does
 * not apply (the `any` with the applicability first). `ranRecentlyDays` is
 * pipeline-ran-recently's threshold (7, as ours; the self-check changes it).
 */
export function readinessRules(ranRecentlyDays = 7): Record<string, Condition> {
  return {
    'owner-is-group': {
      all: [
        fact('ownerCount', 'greaterThan', 0),
        fact('ownersNotGroup', 'equal', 0),
      ],
    },
    'has-description': { all: [fact('descriptionLength', 'greaterThan', 0)] },
    'dataset-classified': {
      any: [notKind('dataset'), fact('classificationLength', 'greaterThan', 0)],
    },
    'model-license-declared': {
      any: [notKind('model'), fact('licenseLength', 'greaterThan', 0)],
    },
    'model-card-complete': {
      any: [
        notKind('model'),
        {
          all: ['intendedUse', 'limitations', 'evaluationData'].map(f =>
            fact('cardFields', 'contains', f),
          ),
        },
      ],
    },
    'model-training-data-declared': modelRelationRegistered('trainedOn'),
    'model-evaluation-data-declared': modelRelationRegistered('evaluatedOn'),
    'dataset-pii-protected': {
      any: [
        notKind('dataset'),
        noPii,
        fact('classification', 'in', ['confidential', 'restricted']),
      ],
    },
    'dataset-pii-retention': {
      any: [
        notKind('dataset'),
        noPii,
        fact('retentionLength', 'greaterThan', 0),
      ],
    },
    'dataset-schema-documented': {
      any: [notKind('dataset'), fact('schemaFieldCount', 'greaterThan', 0)],
    },
    'pipeline-scheduled': {
      any: [
        notKind('pipeline'),
        notProduction,
        fact('scheduleLength', 'greaterThan', 0),
      ],
    },
    'model-produced-by-pipeline': modelRelationRegistered('producedBy'),
    'model-production-alias': {
      any: [
        notKind('model'),
        notProduction,
        ...['champion', 'production', 'prod'].map(a =>
          fact('versionAliases', 'contains', a),
        ),
      ],
    },
    'model-monitoring-link': {
      any: [
        notKind('model'),
        notProduction,
        fact('monitoringUrlLength', 'greaterThan', 0),
      ],
    },
    'lifecycle-consistent': {
      any: [
        fact('mlKind', 'notIn', ['model', 'dataset']),
        notProduction,
        // No producing pipeline in the catalog: does not apply.
        fact('producedByFound', 'equal', 0),
        fact('producedByNotProduction', 'equal', 0),
      ],
    },
    'pipeline-last-run-succeeded': {
      any: [
        notKind('pipeline'),
        {
          all: [
            fact('hasLastRun', 'equal', true),
            fact('lastRunStatus', 'in', ['succeeded', 'running', 'pending']),
          ],
        },
      ],
    },
    'pipeline-ran-recently': {
      any: [
        notKind('pipeline'),
        fact('lastRunAgeDays', 'lessThanInclusive', ranRecentlyDays),
      ],
    },
  };
}

/** jsonfc checks from the rules. */
export function readinessChecks(
  rules: Record<string, Condition>,
): TechInsightJsonRuleCheck[] {
  return Object.entries(rules).map(([id, conditions]) => ({
    id,
    type: 'json-rules-engine',
    name: id,
    description: id,
    factIds: [RETRIEVER],
    rule: { conditions: conditions as any },
  }));
}

/** A logger that keeps warnings and errors, so that the bench fails on them. */
export function recordingLogger(problems: string[]): LoggerService {
  const logger: LoggerService = {
    debug() {},
    info() {},
    warn: (m, meta) => problems.push(`warn: ${m} ${meta ?? ''}`),
    error: (m, meta) => problems.push(`error: ${m} ${meta ?? ''}`),
    child: () => logger,
  };
  return logger;
}

/**
 * A scheduler that keeps the tasks the fact retriever engine schedules and
 * runs one when triggered, to completion (the plugin's scheduler would run it
 * in the background at its cadence).
 */
function capturingScheduler(): SchedulerService {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const unsupported = () => {
    throw new Error('not used by the bench');
  };
  return {
    scheduleTask: async task => {
      tasks.set(task.id, task.fn);
    },
    triggerTask: async id => {
      await tasks.get(id)!(new AbortController().signal);
    },
    createScheduledTaskRunner: unsupported,
    cancelTask: unsupported,
    getScheduledTasks: async () => [],
  };
}

export type TechInsights = Awaited<ReturnType<typeof startTechInsights>>;

/**
 * Tech Insights with its database: SQLite in memory, or PostgreSQL when
 * `postgres` is a connection string. `rules` are its checks.
 */
export async function startTechInsights(options: {
  discovery: {
    getBaseUrl(id: string): Promise<string>;
    getExternalBaseUrl(id: string): Promise<string>;
  };
  now: Date;
  rules: Record<string, Condition>;
  postgres?: string;
  problems: string[];
}) {
  // On PostgreSQL, a database of its own, dropped at the end.
  let dropDatabase = async () => {};
  let knex: Knex;
  if (options.postgres) {
    const name = `bench_tech_insights_${process.pid}`;
    const admin = knexFactory({ client: 'pg', connection: options.postgres });
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(options.postgres);
    url.pathname = `/${name}`;
    knex = knexFactory({ client: 'pg', connection: url.toString() });
    dropDatabase = async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    };
  } else
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
  const logger = recordingLogger(options.problems);
  const checks = readinessChecks(options.rules);
  const context = await buildTechInsightsContext({
    factRetrievers: [
      {
        factRetriever: readinessFactRetriever(options.now),
        cadence: '0 3 * * *',
      },
    ],
    factCheckerFactory: new JsonRulesEngineFactCheckerFactory({
      checks,
      logger,
    }),
    config: new ConfigReader({}),
    discovery: options.discovery,
    database: mockServices.database({ knex }),
    logger,
    scheduler: capturingScheduler(),
    auth: mockServices.auth(),
    urlReader: {} as UrlReaderService,
  });
  const store = context.persistenceContext.techInsightsStore;
  const schemas = await store.getLatestSchemas([RETRIEVER]);
  return {
    checker: context.factChecker! as JsonRulesEngineFactChecker,
    /** Forgets stored facts, so that each round stores them afresh. */
    reset: () => knex('facts').delete(),
    /** Runs the fact retriever: catalog read, facts computed and stored. */
    retrieveFacts: () => context.factRetrieverEngine.triggerJob(RETRIEVER),
    /** The latest stored facts of an entity, as runChecks reads them. */
    readFacts: (entityRef: string) =>
      store.getLatestFactsByIds([RETRIEVER], entityRef),
    /**
     * A checker over facts already in memory: runChecks without the database,
     * to time the rules alone.
     */
    inMemoryChecker: (
      facts: ReadonlyMap<string, { [factRef: string]: FlatTechInsightFact }>,
    ) =>
      new JsonRulesEngineFactCheckerFactory({ checks, logger }).construct({
        getLatestFactsByIds: async (_ids: string[], entity: string) =>
          facts.get(entity) ?? {},
        getLatestSchemas: async () => schemas,
      } as Partial<TechInsightsStore> as TechInsightsStore),
    close: async () => {
      await knex.destroy();
      await dropDatabase();
    },
  };
}
