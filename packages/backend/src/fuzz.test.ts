/*
 * Route fuzzing: generated paths, query strings, bodies and headers against
 * every scorecards route and the MLflow webhook receiver of a real backend
 * (catalog with the Convergence modules, the portal's permission policy, the
 * scorecards plugin). No answer may be a 5xx: bad input is the caller's
 * problem (4xx), never the server's.
 *
 * The seed is fixed, so every run sends the same requests: FUZZ_SEED=<n>
 * tries other ones (a failure prints the seed that found it), FUZZ_RUNS=<n>
 * changes the number of requests sent on SQLite.
 */
import fs from 'fs';
import http from 'http';
import path from 'path';
import { createHmac } from 'crypto';
import { AddressInfo } from 'net';
import fc from 'fast-check';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleMlflow from '@convergence/backstage-plugin-catalog-backend-module-mlflow';
import catalogModuleMlops from '@convergence/backstage-plugin-catalog-backend-module-mlops';
import scorecardsPlugin from '@convergence/backstage-plugin-scorecards-backend';
import { permissionModuleConvergencePolicy } from './modules/permissionPolicy';
import {
  createTestDatabases,
  httpAuthWithActors,
} from '@convergence/backstage-plugin-mlops-node/testUtils';
import { campaignConfigFixture } from '@convergence/backstage-plugin-scorecards-common/testUtils';

const OWNER = 'user:default/mei'; // member of fraud-ml, which owns the fixtures
const OUTSIDER = 'user:default/sofia';
const WEBHOOK_SECRET = 'fuzz-webhook-secret';

function integerFromEnv(name: string, fallback: number, min: number) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, not "${raw}"`);
  }
  return value;
}

const SEED = integerFromEnv('FUZZ_SEED', 20_130, -(2 ** 31));
/**
 * Requests sent on SQLite, which always runs: on its own at least the 2,000
 * the issue asks for. PostgreSQL, where the test command provides it, gets a
 * third as many: the same routes and generators on another SQL dialect.
 */
const RUNS = integerFromEnv('FUZZ_RUNS', 2100, 1);
const runsOn = (databaseId: string) =>
  databaseId === 'SQLITE_3' ? RUNS : Math.ceil(RUNS / 3);
/** Requests sent at once: the server is mostly waiting on its own HTTP hops. */
const BATCH = 4;
/**
 * How long a request may wait for its answer. Generous, for a loaded CI
 * machine; a request that times out is sent once more, and one that times
 * out twice fails the test as a hang, not as a 5xx.
 */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The scorecards routes, read from the routers' sources (`router.ts` and
 * every `src/service/*Routes.ts`) so none is left out.
 */
function scorecardsRoutes() {
  const dir = path.join(
    path.dirname(
      require.resolve(
        '@convergence/backstage-plugin-scorecards-backend/package.json',
      ),
    ),
    'src/service',
  );
  const files = fs
    .readdirSync(dir)
    .filter(f => f === 'router.ts' || /Routes\.ts$/.test(f));
  const routes = files.flatMap(file =>
    [
      ...fs
        .readFileSync(path.join(dir, file), 'utf8')
        .matchAll(/router\.(get|post|put|patch|delete)\(\s*'([^']+)'/g),
    ].map(([, method, route]) => ({ method, route })),
  );
  if (routes.length < 20)
    throw new Error(
      `found only ${routes.length} routes in ${files.join(', ')}`,
    );
  return routes;
}

// --- generators -----------------------------------------------------------

const printable = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)),
    maxLength,
  });

/** Text of every sort: unicode, lone surrogates, control characters. */
const anyText = (maxLength = 40) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    printable(maxLength),
  );

const AWKWARD = [
  '',
  ' ',
  '.',
  '..',
  "'",
  '"',
  '\\',
  '\u0000',
  '%',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'toString',
  "o'brien",
  'a"b',
  'a\\b',
  'model:default/fraud-detector',
  'Grüße',
  '模型',
  '🙂',
  'a'.repeat(300),
  'a'.repeat(5000),
];

/** One path segment as sent on the wire: encoded text or raw awkward bytes. */
const segment = (real: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    { weight: 3, arbitrary: anyText().map(encodeURIComponent) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...AWKWARD).map(encodeURIComponent),
    },
    {
      weight: 1,
      // Valid ASCII on the wire, odd once decoded (or not decodable).
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%',
        '%zz',
        '%E0%A4%A',
        '%C0%AF',
        '%ED%A0%80',
        '%2e%2e',
        '%2F',
        '%00',
        '%252F',
        "'",
        '%22',
        '\\',
        '~',
        '@',
        ':',
        ';',
        ',',
      ),
    },
  );

const QUERY_KEYS = [
  'days',
  'owner',
  'system',
  'limit',
  'offset',
  'cursor',
  'kind',
  '__proto__',
  'constructor',
  'owner[]',
  'days[]',
  'owner[a]',
  'days[0]',
  'owner.kind',
  '',
];
const QUERY_VALUES = [
  '',
  'abc',
  '-1',
  '0',
  '1',
  '7',
  '90',
  '730',
  '731',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  ' 5 ',
  '9'.repeat(400),
  'true',
  'null',
  'group:default/fraud-ml',
  'fraud-ml',
  'group:fraud-ml',
  'user:default/mei',
  'system:default/fraud-detection',
  'fraud-detection',
  'group:default/',
  ':/',
  "group:default/o'brien",
  'group:default/a\\b',
  'GROUP:DEFAULT/FRAUD-ML',
  '\u0000',
  '__proto__',
];

/** A query string: real and made-up keys, repeated keys (arrays), raw or encoded values. */
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_KEYS), anyText(10)),
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES) },
        { weight: 2, arbitrary: anyText() },
      ),
      fc.boolean(),
    ),
    { maxLength: 6 },
  )
  .map(pairs =>
    pairs
      .map(([k, v, raw]) => {
        const value =
          raw && /^[\x21-\x7e]*$/.test(v) ? v : encodeURIComponent(v);
        return `${encodeURIComponent(k)}=${value}`;
      })
      .join('&'),
  );

const CHECK_IDS = [
  'owner-is-group',
  'model-training-data-declared',
  'model-monitoring-link',
  'dataset-pii-retention',
];

/** A body: JSON of any shape, near-valid payloads, or no JSON at all. */
/** A reference that parses, to an entity that may or may not exist. */
const wellFormedRef = fc.oneof(
  fc.constantFrom(
    'model:default/fraud-detector',
    'Model:Default/Fraud-Detector',
    'dataset:default/card-transactions',
    'pipeline:default/fraud-training',
  ),
  fc
    .tuple(
      fc.constantFrom('model', 'dataset', 'pipeline', 'component', 'group'),
      fc.constantFrom('default', 'other'),
      fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,30}[a-z0-9])?$/),
    )
    .map(([k, ns, n]) => `${k}:${ns}/${n}`),
);

const body = fc.oneof(
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    // An exemption that is valid but for (sometimes) its text.
    weight: 2,
    arbitrary: fc.record({
      checkId: fc.constantFrom(...CHECK_IDS),
      reason: fc.oneof(
        fc.constantFrom('because', 'o\'brien\'s "batch" model \\ 模型 🙂'),
        anyText(80),
      ),
      expiresAt: fc
        .date({
          min: new Date('2100-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map(d => d.toISOString()),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      entityRefs: fc.array(wellFormedRef, { maxLength: 20 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        checkId: fc.oneof(fc.constantFrom(...CHECK_IDS), anyText()),
        reason: fc.oneof(
          fc.constantFrom(
            'because',
            'x',
            '\u0000\u0000\u0000',
            'a'.repeat(20000),
          ),
          anyText(),
        ),
        expiresAt: fc.oneof(
          fc.constantFrom(
            '2099-01-01T00:00:00Z',
            '2099-01-01T00:00:00+14:00',
            '9999-12-31T23:59:59.999999999Z',
            '2001-01-01T00:00:00Z',
            '2099-13-45T25:61:61Z',
            '2099-02-30T00:00:00Z',
            'tomorrow',
          ),
          fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        entityRefs: fc.oneof(
          fc.array(
            fc.oneof(
              fc.constantFrom(
                'model:default/fraud-detector',
                'Model:Default/Fraud-Detector',
                'fraud-detector',
                ...AWKWARD,
              ),
              anyText(),
            ),
            { maxLength: 30 },
          ),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    ),
  },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-7',
  'application/merge-patch+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  'nonsense',
];

/** What is sent as the body, with its content type. */
const payload = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(
      body.map(b => JSON.stringify(b) ?? 'null'),
      fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.oneof(
        body.map(b => JSON.stringify(b) ?? 'null'),
        anyText(200),
        fc.constantFrom(
          '{',
          '[',
          '{"a":',
          'null',
          '"',
          '\u0000',
          '{"__proto__":{"x":1}}',
        ),
      ),
      fc.constantFrom(...CONTENT_TYPES),
    ),
  },
);

/** Who calls: nobody, the owner, an outsider, a service, or a garbled token. */
const caller = fc.oneof(
  { weight: 4, arbitrary: fc.constant(mockCredentials.user.header(OWNER)) },
  { weight: 2, arbitrary: fc.constant(mockCredentials.user.header(OUTSIDER)) },
  { weight: 1, arbitrary: fc.constant(mockCredentials.service.header()) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      mockCredentials.none.header(),
      'Bearer nonsense',
      'Basic Zm9vOmJhcg==',
    ),
  },
  { weight: 1, arbitrary: printable(60).map(t => `Bearer ${t}`) },
);

const scorecardsRequest = (
  routes: { method: string; route: string }[],
  /** Ids that exist: an exemption, an exemption request, a campaign. */
  ids: string[],
) =>
  fc
    .record({
      route: fc.constantFrom(...routes),
      // Half the time an entity the catalog holds, so the deeper code runs.
      entity: fc.oneof(
        fc.constantFrom(
          ['model', 'default', 'fraud-detector'],
          ['Model', 'Default', 'Fraud-Detector'],
          ['dataset', 'default', 'card-transactions'],
          ['pipeline', 'default', 'fraud-training'],
        ),
        fc.tuple(
          segment(['model', 'Model', 'dataset', 'pipeline', 'group']),
          segment(['default', 'Default']),
          segment(['fraud-detector', 'card-transactions', 'fraud-training']),
        ),
      ),
      id: segment([
        ...ids,
        '00000000-0000-0000-0000-000000000000',
        'C0FFEE00-0000-4000-8000-000000000000',
      ]),
      checkId: segment([
        'model-monitoring-link',
        'model-card-complete',
        'owner-is-group',
      ]),
      query: queryString,
      payload,
      withBody: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      authorization: caller,
    })
    .map(r => ({
      label: `${r.route.method.toUpperCase()} ${r.route.route}`,
      method: r.route.method,
      url: `/api/scorecards${r.route.route
        .replace(':kind', r.entity[0])
        .replace(':namespace', r.entity[1])
        .replace(':name', r.entity[2])
        .replace(':id', r.id)
        .replace(':checkId', r.checkId)}${r.query ? `?${r.query}` : ''}`,
      headers: {
        ...(r.authorization ? { Authorization: r.authorization } : {}),
        ...(r.withBody && r.payload[1] ? { 'Content-Type': r.payload[1] } : {}),
      } as Record<string, string>,
      body: r.withBody ? r.payload[0] : undefined,
    }));

const MODEL_EVENTS = [
  'registered_model',
  'model_version',
  'model_version_tag',
  'model_version_alias',
  'prompt',
];

/** An MLflow webhook delivery: signed correctly or not, with any body. */
const webhookRequest = fc
  .record({
    sourceId: fc.oneof(
      { weight: 6, arbitrary: fc.constant('fuzz') },
      { weight: 1, arbitrary: fc.constant('unsigned') },
      { weight: 1, arbitrary: anyText().map(encodeURIComponent) },
    ),
    body: fc.oneof(
      // A well-formed event naming any model at all.
      fc
        .record({
          entity: fc.constantFrom(...MODEL_EVENTS),
          action: fc.constantFrom('created', 'updated', 'deleted', 'set'),
          data: fc.record({
            name: fc.oneof(
              fc.constantFrom('fraud-detector', ...AWKWARD),
              anyText(),
            ),
          }),
        })
        .map(b => JSON.stringify(b)),
      fc
        .record(
          {
            entity: fc.oneof(fc.constantFrom(...MODEL_EVENTS), fc.jsonValue()),
            action: fc.oneof(
              fc.constantFrom('created', 'updated', 'deleted'),
              fc.jsonValue(),
            ),
            data: fc.oneof(
              fc.record(
                {
                  name: fc.oneof(
                    fc.constantFrom('fraud-detector', ...AWKWARD),
                    fc.jsonValue({ maxDepth: 1 }),
                  ),
                  version: fc.jsonValue({ maxDepth: 1 }),
                },
                { requiredKeys: [] },
              ),
              fc.jsonValue({ maxDepth: 1 }),
            ),
          },
          { requiredKeys: [] },
        )
        .map(b => JSON.stringify(b)),
      fc.jsonValue({ maxDepth: 2 }).map(b => JSON.stringify(b) ?? 'null'),
      anyText(200),
      fc.constantFrom(
        '',
        'null',
        '[]',
        '0',
        '"x"',
        '{',
        '\u0000',
        '{"data":null}',
      ),
    ),
    deliveryId: fc.oneof(fc.uuid(), printable(40)),
    // Mostly signed correctly and on time, so the body is read.
    timestamp: fc.oneof(
      { weight: 6, arbitrary: fc.constant('now') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '',
          '0',
          '-1',
          '1e10',
          '99999999999999999999',
          'abc',
        ),
      },
      { weight: 1, arbitrary: printable(12) },
    ),
    signature: fc.oneof(
      { weight: 6, arbitrary: fc.constant('valid') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', 'v1', 'v1,', 'v2,abc', 'v1,AAAA', ',,,'),
      },
      { weight: 1, arbitrary: printable(60) },
    ),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    omit: fc.oneof(
      { weight: 6, arbitrary: fc.constant([] as string[]) },
      {
        weight: 1,
        arbitrary: fc.subarray(['delivery', 'timestamp', 'signature']),
      },
    ),
  })
  .map(r => {
    const timestamp =
      r.timestamp === 'now'
        ? String(Math.floor(Date.now() / 1000))
        : r.timestamp;
    const signature =
      r.signature === 'valid'
        ? `v1,${createHmac('sha256', WEBHOOK_SECRET)
            .update(`${r.deliveryId}.${timestamp}.${r.body}`)
            .digest('base64')}`
        : r.signature;
    const headers: Record<string, string> = {};
    if (r.contentType) headers['Content-Type'] = r.contentType;
    if (!r.omit.includes('delivery'))
      headers['X-MLflow-Delivery-Id'] = r.deliveryId;
    if (!r.omit.includes('timestamp'))
      headers['X-MLflow-Timestamp'] = timestamp;
    if (!r.omit.includes('signature'))
      headers['X-MLflow-Signature'] = signature;
    return {
      label: 'POST /api/catalog/mlflow/webhooks/:sourceId',
      method: 'post',
      url: `/api/catalog/mlflow/webhooks/${r.sourceId}`,
      headers,
      body: r.body,
    };
  });

// --- the backend -----------------------------------------------------------

const databases = createTestDatabases();

type Sent = {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
};

/** What a request got: a status, no answer in time, or a broken connection. */
type Outcome =
  | { kind: 'status'; status: number; text: string }
  | { kind: 'timeout' }
  | { kind: 'error'; text: string };

async function sendOnce(server: http.Server, r: Sent): Promise<Outcome> {
  let req = (request(server) as any)
    [r.method](r.url)
    .timeout(REQUEST_TIMEOUT_MS);
  for (const [k, v] of Object.entries(r.headers)) req = req.set(k, v);
  if (r.body !== undefined) req = req.send(r.body);
  try {
    const res = await req.ok(() => true);
    return { kind: 'status', status: res.status, text: res.text ?? '' };
  } catch (error) {
    if ((error as { timeout?: number }).timeout) return { kind: 'timeout' };
    return { kind: 'error', text: String(error) };
  }
}

const describeRequest = (r: Sent) =>
  `${r.method.toUpperCase()} ${r.url.slice(0, 300)} ${JSON.stringify(
    r.headers,
  ).slice(0, 300)} body=${JSON.stringify(r.body ?? null).slice(0, 300)}`;

/** Requests sent on every database, for the closing line. */
const totals = { sent: 0, failures: 0, timeouts: 0, databases: [] as string[] };

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(
    `fuzz: ${totals.sent} requests, ${totals.failures} responses >= 500 (${
      totals.databases.join(' + ') || 'no database'
    }, seed ${SEED}, ${totals.timeouts} timed out twice)`,
  );
});

describe.each(databases.eachSupportedId())(
  'routes under generated input on %s',
  databaseId => {
    let server: http.Server;
    let mlflow: http.Server;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      // MLflow need not be reachable; a server that knows no model answers the
      // webhook's follow-up reads quickly.
      mlflow = http.createServer((_req, res) => {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"none"}');
      });
      await new Promise<void>(r => mlflow.listen(0, '127.0.0.1', r));
      const mlflowUrl = `http://127.0.0.1:${
        (mlflow.address() as AddressInfo).port
      }`;
      const never = {
        frequency: { hours: 24 },
        timeout: { minutes: 5 },
        initialDelay: { hours: 24 },
      };
      const backend = await startTestBackend({
        features: [
          // One database per plugin, as in production.
          createServiceFactory({
            service: coreServices.database,
            deps: {},
            async factory() {
              return mockServices.database({
                knex: await databases.init(databaseId),
              });
            },
          }),
          httpAuthWithActors,
          catalogPlugin,
          catalogModuleMlops,
          catalogModuleMlflow,
          permissionPlugin,
          permissionModuleConvergencePolicy,
          permissionsServiceFactory,
          scorecardsPlugin,
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              catalog: {
                rules: [
                  {
                    allow: [
                      'Group',
                      'User',
                      'Model',
                      'Dataset',
                      'Pipeline',
                      'Location',
                    ],
                  },
                ],
                locations: [
                  {
                    type: 'file',
                    target: path.resolve(
                      __dirname,
                      '__fixtures__/fuzz-entities.yaml',
                    ),
                  },
                ],
                processingInterval: { seconds: 1 },
                providers: {
                  mlflow: {
                    fuzz: {
                      baseUrl: mlflowUrl,
                      webhookSecret: WEBHOOK_SECRET,
                      defaultOwner: 'group:default/fraud-ml',
                      schedule: never,
                    },
                    unsigned: {
                      baseUrl: mlflowUrl,
                      defaultOwner: 'group:default/fraud-ml',
                      schedule: never,
                    },
                  },
                },
              },
              scorecards: {
                schedule: never,
                // A campaign, so that the campaign routes meet a real id.
                campaigns: [
                  campaignConfigFixture({
                    id: 'fuzz-models-silver',
                    // Every model, whatever the fixtures' lifecycles.
                    filter: { kind: 'Model' },
                    owner: 'group:default/fraud-ml',
                  }),
                ],
              },
            },
          }),
          mockServices.userInfo.mock({
            async getUserInfo(credentials: any) {
              const ref = credentials.principal.userEntityRef;
              return {
                userEntityRef: ref,
                ownershipEntityRefs:
                  ref === OWNER ? [ref, 'group:default/fraud-ml'] : [ref],
              };
            },
          }).factory,
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      // Wait until the fixtures are processed and stitched (with relations).
      for (let i = 0; i < 150; i++) {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/model/default/fraud-detector')
          .set('Authorization', mockCredentials.user.header(OWNER));
        if (res.status === 200 && res.body.relations?.length) return;
        await new Promise(r => setTimeout(r, 200));
      }
      throw new Error('the fixture entities never appeared in the catalog');
    }, 60_000);

    afterAll(async () => {
      await stop?.();
      await new Promise(r => mlflow?.close(r));
    });

    // Not fuzzing, but this backend is the place to see it: the model's only
    // lineage is its pipeline's spec.produces; the catalog stores producedBy
    // on the model, and a refresh finds the pipeline through it.
    it('grades lineage declared by the pipeline only', async () => {
      const res = await request(server)
        .post('/api/scorecards/entities/model/default/fraud-detector/refresh')
        .set('Authorization', mockCredentials.user.header(OWNER));
      expect(res.status).toBe(200);
      const checks = res.body.results.flatMap((r: any) => r.checks);
      expect(
        checks.filter((c: any) =>
          ['model-produced-by-pipeline', 'lifecycle-consistent'].includes(
            c.checkId,
          ),
        ),
      ).toEqual([
        { checkId: 'model-produced-by-pipeline', status: 'pass' },
        { checkId: 'lifecycle-consistent', status: 'pass' },
      ]);
    });

    it(
      'answers every generated request below 500',
      async () => {
        const routes = scorecardsRoutes();
        const runs = runsOn(databaseId);
        let sent = 0;
        /** Answers >= 500, and connections the server broke off. */
        const failures: string[] = [];
        /** Requests that got no answer within the timeout, twice. */
        const timeouts: string[] = [];
        const outcomes = new Map<string, Map<string, number>>();

        async function send(r: Sent) {
          sent += 1;
          let outcome = await sendOnce(server, r);
          if (outcome.kind === 'timeout') outcome = await sendOnce(server, r);
          const key =
            outcome.kind === 'status' ? String(outcome.status) : outcome.kind;
          const byOutcome = outcomes.get(r.label) ?? new Map<string, number>();
          byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
          outcomes.set(r.label, byOutcome);
          if (outcome.kind === 'timeout') {
            timeouts.push(describeRequest(r));
          } else if (outcome.kind === 'error' || outcome.status >= 500) {
            failures.push(
              `${key} ${describeRequest(r)} -> ${outcome.text.slice(0, 400)}`,
            );
          }
        }

        /** The id of an exemption or exemption request the owner creates on fraud-detector. */
        const createAsOwner = async (
          what: 'exemptions' | 'exemption-requests',
          checkId: string,
          expiresAt: string,
        ): Promise<string> => {
          const res = await request(server)
            .post(
              `/api/scorecards/entities/model/default/fraud-detector/${what}`,
            )
            .set('Authorization', mockCredentials.user.header(OWNER))
            .send({ checkId, reason: 'fuzzing', expiresAt });
          expect(res.status).toBe(201);
          return res.body.id;
        };
        // A valid exemption, so that the revocation route meets a real id too.
        const exemptionId = await createAsOwner(
          'exemptions',
          'model-monitoring-link',
          '2099-01-01T00:00:00Z',
        );
        // A pending exemption request, for the approve and reject routes.
        const requestId = await createAsOwner(
          'exemption-requests',
          'model-card-complete',
          new Date(Date.now() + 7 * 86_400_000).toISOString(),
        );

        const batches = (arbitrary: fc.Arbitrary<Sent>) =>
          fc.asyncProperty(
            fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH }),
            async batch => {
              await Promise.all(batch.map(send));
            },
          );
        // Two thirds to the scorecards routes, a third to the webhook.
        await fc.assert(
          batches(
            scorecardsRequest(routes, [
              exemptionId,
              requestId,
              'fuzz-models-silver',
            ]),
          ),
          {
            numRuns: Math.ceil((runs * 2) / 3 / BATCH),
            seed: SEED,
          },
        );
        await fc.assert(batches(webhookRequest), {
          numRuns: Math.ceil(runs / 3 / BATCH),
          seed: SEED,
        });

        totals.sent += sent;
        totals.failures += failures.length;
        totals.timeouts += timeouts.length;
        totals.databases.push(databaseId);
        // eslint-disable-next-line no-console
        console.log(
          [
            `fuzz: ${sent} requests, ${failures.length} responses >= 500 (${databaseId}, seed ${SEED}, ${timeouts.length} timed out twice)`,
            ...[...outcomes].map(
              ([label, byOutcome]) =>
                `  ${label}: ${[...byOutcome]
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([outcome, n]) => `${outcome}×${n}`)
                  .join(' ')}`,
            ),
          ].join('\n'),
        );
        expect(failures).toEqual([]);
        if (timeouts.length) {
          throw new Error(
            `${timeouts.length} requests got no answer within ${
              REQUEST_TIMEOUT_MS / 1000
            } s, twice: the server hangs on them, or the machine is too loaded for this test (FUZZ_SEED=${SEED} replays them):\n${timeouts
              .slice(0, 20)
              .join('\n')}`,
          );
        }
        // Every planned request was sent; SQLite alone sends the 2,000 the
        // issue asks for, unless FUZZ_RUNS asks for a shorter run.
        expect(sent).toBeGreaterThanOrEqual(
          databaseId === 'SQLITE_3' && !process.env.FUZZ_RUNS
            ? Math.max(runs, 2000)
            : runs,
        );
      },
      // About 5 s on a quiet 2-core machine; room for two request timeouts.
      3 * 60_000,
    );
  },
);
