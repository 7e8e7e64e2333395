// @ts-check
// AI agents: the portal's MCP server, driven by the official MCP client
// (@modelcontextprotocol/sdk) over its streamable HTTP transport, as an IDE
// assistant would. The answers are checked against the REST API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BACKEND_URL, eventually, getAsGuest, guestToken } from './lib.mjs';

// app-config.yaml: mcpActions.servers.convergence (mlops:* and scorecards:*).
const SERVER = `${BACKEND_URL}/api/mcp-actions/v1/convergence`;
const TEAM = 'group:default/ml-platform'; // the guest's team

const TOOLS = [
  'mlops.search-ml-assets',
  'mlops.get-ml-asset',
  'mlops.get-lineage',
  'mlops.validate-ml-entity',
  'scorecards.get-entity-scorecard',
  'scorecards.get-team-summary',
  'scorecards.what-to-fix-next',
  'scorecards.request-exemption',
  'scorecards.refresh-entity-scorecard',
];
const WRITES = [
  'scorecards.request-exemption',
  'scorecards.refresh-entity-scorecard',
];

/**
 * A connected MCP client; with `token`, it authenticates as that caller.
 * @param {string} [token]
 */
async function connect(token) {
  const client = new Client({ name: 'convergence-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(SERVER), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** @type {Client} */
let client;
before(async () => {
  client = await connect(await guestToken());
});
after(async () => {
  await client?.close();
});

/**
 * Calls a tool; returns its structured output, failing on a tool error.
 * @param {string} name
 * @param {Record<string, unknown>} args
 * @returns {Promise<any>}
 */
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  assert.ok(!result.isError, `${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

test('a client without a token is refused', async () => {
  await assert.rejects(connect(), /401|Unauthorized|authenticat/i);
});

test('the Convergence server lists every Convergence tool with its input schema and hints', async () => {
  const { tools } = await client.listTools();
  const byName = new Map(tools.map(t => [t.name, t]));
  for (const name of TOOLS) {
    const tool = byName.get(name);
    assert.ok(tool, `${name} missing from ${[...byName.keys()]}`);
    assert.equal(tool.inputSchema.type, 'object', name);
    assert.ok(tool.description, `${name} has no description`);
    const write = WRITES.includes(name);
    assert.equal(tool.annotations?.readOnlyHint, !write, name);
    assert.equal(tool.annotations?.destructiveHint, false, name);
  }
  // The focused server offers nothing else (the catalog's tools are on /v1).
  assert.deepEqual([...byName.keys()].sort(), [...TOOLS].sort());
  const search = byName.get('mlops.search-ml-assets');
  assert.ok(search?.inputSchema.properties?.owner, 'owner is an input');
});

/** The team's ML assets, paging through search-ml-assets 5 at a time. */
async function searchTeamAssets() {
  /** @type {string[]} */
  const refs = [];
  /** @type {string | undefined} */
  let cursor;
  do {
    const page = await call('mlops.search-ml-assets', {
      owner: TEAM,
      limit: 5,
      ...(cursor && { cursor }),
    });
    refs.push(...page.items.map((/** @type {any} */ i) => i.entityRef));
    cursor = page.nextCursor;
  } while (cursor);
  return refs.sort();
}

/** The team's ML assets from the catalog's REST API. */
async function catalogTeamAssets() {
  const filter = ['model', 'dataset', 'pipeline']
    .map(k => `filter=kind=${k},relations.ownedBy=${TEAM}`)
    .join('&');
  /** @type {import('./lib.mjs').EntityList} */
  const rest = await getAsGuest(
    `/api/catalog/entities/by-query?${filter}&limit=500`,
  );
  return rest.items
    .map(e =>
      `${e.kind}:${e.metadata.namespace ?? 'default'}/${
        e.metadata.name
      }`.toLowerCase(),
    )
    .sort();
}

// Other tests add entities while these run (the providers' tests, the
// templates'), so each comparison asks both sides again until they agree.
test("search-ml-assets finds the team's ML assets, as the catalog API does", async () => {
  const [viaMcp, viaRest] = await eventually(async () => {
    const both = [await searchTeamAssets(), await catalogTeamAssets()];
    return isDeepStrictEqual(both[0], both[1]) ? both : undefined;
  });
  assert.ok(viaRest.length >= 3, `${viaRest}`);
  assert.deepEqual(viaMcp, viaRest);
});

test("get-team-summary and what-to-fix-next answer as the scorecards API does for the guest's team", async () => {
  const [rest, next] = await eventually(async () => {
    const body = await getAsGuest(
      `/api/scorecards/summary?owner=${encodeURIComponent(TEAM)}`,
    );
    const summary = await call('scorecards.get-team-summary', { owner: TEAM });
    const fix = await call('scorecards.what-to-fix-next', { owner: TEAM });
    return body.summaries?.length &&
      isDeepStrictEqual(summary.summaries, body.summaries)
      ? [body, fix]
      : undefined;
  });
  assert.ok(next.items.length > 0, 'nothing to fix');
  /** @type {Map<string, { failing: number, affects?: number }>} */
  const failing = new Map();
  for (const s of rest.summaries) {
    for (const c of s.topFailingChecks) {
      failing.set(`${s.scorecardId}/${c.checkId}`, c);
    }
  }
  for (const item of next.items) {
    const expected = failing.get(`${item.scorecardId}/${item.checkId}`);
    assert.ok(expected, `${item.checkId} is not failing in the summary`);
    assert.equal(item.failing, expected.failing, item.checkId);
    assert.ok(item.why && item.howToFix, `${item.checkId} lacks why/howToFix`);
  }
  const affects = next.items.map((/** @type {any} */ i) => i.affects);
  assert.deepEqual(
    affects,
    [...affects].sort((a, b) => b - a),
  );
});

test('get-lineage answers what is downstream of the deprecated example dataset', async () => {
  const lineage = await call('mlops.get-lineage', {
    entityRef: 'dataset:default/card-transactions-2019',
  });
  const rest = await getAsGuest(
    '/api/mlops/lineage/dataset/default/card-transactions-2019',
  );
  assert.deepEqual(lineage, rest);
});

test('validate-ml-entity names the field a model lacks', async () => {
  const result = await call('mlops.validate-ml-entity', {
    yaml: [
      'apiVersion: convergence.dev/v1alpha1',
      'kind: Model',
      'metadata: { name: "no-owner" }',
      'spec: { type: classification, lifecycle: experimental }',
    ].join('\n'),
  });
  assert.equal(result.valid, false);
  assert.match(JSON.stringify(result.entities), /owner/);
});

test('request-exemption is refused to a non-owner and, for an owner, shows on the scorecard', async () => {
  // The guest is not an owner of the fraud team's model.
  const refused = await client.callTool({
    name: 'scorecards.request-exemption',
    arguments: {
      entityRef: 'model:default/fraud-detector',
      checkId: 'model-monitoring-link',
      reason: 'e2e: not ours',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    },
  });
  assert.equal(refused.isError, true);
  assert.match(JSON.stringify(refused.content), /NotAllowed/);

  // ml-platform owns the pipeline that trains on the deprecated dataset.
  const entityRef = 'pipeline:default/card-risk-training';
  const checkId = 'upstream-not-deprecated';
  const granted = await call('scorecards.request-exemption', {
    entityRef,
    checkId,
    reason: 'e2e: retraining on card-transactions before 2027-03-01',
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  assert.equal(granted.exemption.checkId, checkId);
  assert.equal(granted.exemption.author, 'user:default/guest');

  // The scorecard lists it at once; grading now (another tool) applies it.
  /** @type {{ exemptions: { id: string }[] }} */
  const listed = await getAsGuest(
    '/api/scorecards/entities/pipeline/default/card-risk-training',
  );
  assert.ok(
    listed.exemptions.some(e => e.id === granted.exemption.id),
    JSON.stringify(listed.exemptions),
  );
  const refreshed = await call('scorecards.refresh-entity-scorecard', {
    entityRef,
  });
  const check = refreshed.results
    .flatMap((/** @type {any} */ r) => r.checks)
    .find((/** @type {any} */ c) => c.checkId === checkId);
  assert.equal(check?.status, 'exempt', JSON.stringify(check));
  /** @type {{ results: { checks: { checkId: string, status: string }[] }[] }} */
  const rest = await getAsGuest(
    '/api/scorecards/entities/pipeline/default/card-risk-training',
  );
  assert.equal(
    rest.results.flatMap(r => r.checks).find(c => c.checkId === checkId)
      ?.status,
    'exempt',
  );
});
