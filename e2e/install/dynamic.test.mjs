// @ts-check
// Convergence as Red Hat Developer Hub dynamic plugins (docs/rhdh/README.md).
//
// scripts/export-dynamic.sh exports the plugins and modules with the RHDH CLI
// into dist-dynamic/; this test copies the backend ones into a dynamic plugins
// root outside the repository and starts packages/backend-dynamic, a backend
// that imports no Convergence package and loads them through Backstage's own
// dynamic loader (@backstage/backend-dynamic-feature-service). It refuses to
// take an @convergence/* module from the repository, so each plugin must
// carry what it needs. The frontend exports are checked against
// docs/rhdh/dynamic-plugins.yaml.
//
//   CONVERGENCE_DYNAMIC_EXPORTED=1  dist-dynamic/ is fresh: skip the export
//                                   (the frontend check is skipped when it
//                                   was made with --no-frontend)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { eventually, guestToken } from '../lib.mjs';
import { startServer, stopServer, waitForUrl } from './servers.mjs';

/**
 * @typedef {import('@backstage/catalog-model').Entity} Entity
 * @typedef {{ package: string, pluginConfig?: any }} DynamicPluginEntry
 */

const REPO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const DIST = path.join(REPO, 'dist-dynamic');
const BACKEND_PACKAGES = [
  'mlops-backend',
  'scorecards-backend',
  'scorecards-backend-module-mlflow',
  'scorecards-backend-module-kubeflow',
  'catalog-backend-module-mlops',
  'catalog-backend-module-mlflow',
  'catalog-backend-module-kubeflow',
  'scaffolder-backend-module-mlops',
];
const FRONTEND_PACKAGES = ['mlops', 'scorecards'];
/** The folder RHDH and export-dynamic.sh give a package. */
const folderOf = (/** @type {string} */ dir) =>
  `convergence-backstage-plugin-${dir}-dynamic`;
const exportHere = process.env.CONVERGENCE_DYNAMIC_EXPORTED !== '1';

/** @type {{ pluginsRoot: string, url: string, logFile: string, child: import('node:child_process').ChildProcess } | undefined} */
let backend;
let tmp = '';

/** A free TCP port, trying 7107 first. */
async function freePort() {
  /** @param {number} port @returns {Promise<number>} */
  const tryPort = port =>
    new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, () => {
        const address = server.address();
        server.close(() =>
          resolve(typeof address === 'object' && address ? address.port : 0),
        );
      });
    });
  try {
    return await tryPort(7107);
  } catch {
    return tryPort(0);
  }
}

/** The backend's log so far, without terminal colours. */
const backendLog = () =>
  // eslint-disable-next-line no-control-regex
  fs
    .readFileSync(backend?.logFile ?? '', 'utf8')
    .replace(/\x1b\[[0-9;]*m/g, '');

/**
 * GET a path of the dynamic backend as the guest.
 * @param {string} pathAndQuery
 * @returns {Promise<Response>}
 */
async function get(pathAndQuery) {
  return fetch(`${backend?.url}${pathAndQuery}`, {
    headers: {
      Authorization: `Bearer ${await guestToken(backend?.url)}`,
    },
  });
}

/**
 * What `pick` finds in the JSON answer to GET `pathAndQuery`, asked again
 * until it finds something: the backend reads the examples in the background.
 * @template B, T
 * @param {string} pathAndQuery
 * @param {(body: B) => T | undefined} pick
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
async function eventuallyGet(pathAndQuery, pick, timeoutMs = 120_000) {
  return eventually(
    async () => {
      const res = await get(pathAndQuery);
      return res.ok ? pick(await res.json()) : undefined;
    },
    { timeoutMs },
  );
}

/** @returns {DynamicPluginEntry[]} the entries of docs/rhdh/dynamic-plugins.yaml */
const yamlEntries = () =>
  parse(
    fs.readFileSync(path.join(REPO, 'docs/rhdh/dynamic-plugins.yaml'), 'utf8'),
  ).plugins;

before(async () => {
  if (exportHere) {
    const t0 = Date.now();
    const run = spawnSync(
      'bash',
      [path.join(REPO, 'scripts/export-dynamic.sh')],
      { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (run.status !== 0) {
      throw new Error(
        `scripts/export-dynamic.sh failed (${run.status}):\n${run.stdout.slice(
          -4000,
        )}\n${run.stderr.slice(-4000)}`,
      );
    }
    console.log(
      `export-dynamic.sh took ${Math.round((Date.now() - t0) / 1000)}s`,
    );
  }
  for (const dir of BACKEND_PACKAGES) {
    assert.ok(
      fs.existsSync(path.join(DIST, folderOf(dir), 'package.json')),
      `dist-dynamic/${folderOf(dir)} is missing: run scripts/export-dynamic.sh`,
    );
  }

  // The dynamic plugins root: outside the repository, so that nothing in it
  // finds the repository's node_modules by walking up.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convergence-dynamic-'));
  const pluginsRoot = path.join(tmp, 'dynamic-plugins-root');
  fs.mkdirSync(pluginsRoot);
  for (const dir of BACKEND_PACKAGES) {
    fs.cpSync(
      path.join(DIST, folderOf(dir)),
      path.join(pluginsRoot, folderOf(dir)),
      {
        recursive: true,
        verbatimSymlinks: true,
      },
    );
  }
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const configFile = path.join(tmp, 'app-config.local.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backend: { baseUrl: url, listen: { port } },
      dynamicPlugins: { rootDirectory: pluginsRoot },
      catalog: {
        locations: [
          { type: 'file', target: path.join(REPO, 'examples/all.yaml') },
        ],
      },
    }),
  );
  const logFile = path.join(tmp, 'backend.log');
  const t0 = Date.now();
  const child = startServer(
    REPO,
    [
      'yarn',
      'workspace',
      'backend-dynamic',
      'start',
      '--config',
      path.join(REPO, 'packages/backend-dynamic/app-config.yaml'),
      '--config',
      configFile,
    ],
    logFile,
    // The shared @backstage packages come from the host backend's
    // node_modules, as in RHDH.
    {
      ...process.env,
      NODE_PATH: path.join(REPO, 'node_modules'),
      CONVERGENCE_DYNAMIC_PLUGINS_ROOT: pluginsRoot,
    },
  );
  backend = { pluginsRoot, url, logFile, child };
  await waitForUrl(
    `${url}/.backstage/health/v1/readiness`,
    child,
    logFile,
    240_000,
  );
  console.log(
    `backend-dynamic with ${
      BACKEND_PACKAGES.length
    } dynamic plugins ready in ${Math.round((Date.now() - t0) / 1000)}s`,
  );
});

after(async () => {
  try {
    if (backend) await stopServer(backend.child);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
});

test('the dynamic plugins bring everything but @backstage/* themselves', () => {
  assert.ok(backend);
  assert.ok(
    path.relative(REPO, backend.pluginsRoot).startsWith('..'),
    backend.pluginsRoot,
  );
  // packages/backend-dynamic logs each module a plugin takes from elsewhere.
  const outside = backendLog()
    .split('\n')
    .filter(line => / takes '.*' from outside itself: /.test(line));
  assert.deepEqual(outside, []);
});

test('each Convergence backend plugin and module is loaded from the dynamic plugins root', () => {
  assert.ok(backend);
  const log = backendLog();
  for (const dir of BACKEND_PACKAGES) {
    const name = `@convergence/backstage-plugin-${dir}-dynamic`;
    /** @type {string} */
    const from = pathToFileURL(
      path.join(backend.pluginsRoot, folderOf(dir)),
    ).href;
    assert.ok(
      log.includes(`loaded dynamic backend plugin '${name}' from '${from}'`),
      `${name} was not loaded from ${from}:\n${log.slice(0, 6000)}`,
    );
  }
  assert.doesNotMatch(
    log,
    /an error occurred while loading dynamic backend plugin/,
  );
  assert.doesNotMatch(log, /Refusing to load '@convergence\//);
  // The scorecards plugin's database migrations are found in its dynamic package.
  assert.match(
    log,
    /Resolved '@convergence\/backstage-plugin-scorecards-backend\/package\.json' at .*convergence-backstage-plugin-scorecards-backend-dynamic\/package\.json/,
  );
});

test('the catalog holds the example Model with its ML relations', async () => {
  // Relation types: plugins/mlops-common/src/relations.ts.
  const model = await eventuallyGet(
    '/api/catalog/entities/by-name/model/default/fraud-detector',
    /** @param {Entity} entity */ entity => entity,
  );
  assert.equal(model.kind, 'Model');
  const relations = (model.relations ?? []).map(
    r => `${r.type} ${r.targetRef}`,
  );
  for (const expected of [
    'trainedOn dataset:default/card-transactions-labeled',
    'evaluatedOn dataset:default/fraud-holdout-2026q3',
    'producedBy pipeline:default/fraud-training',
    'ownedBy group:default/fraud-ml',
  ]) {
    assert.ok(relations.includes(expected), `${expected} in ${relations}`);
  }
  // The reverse relations the processor emits on the other side.
  const dataset = await eventuallyGet(
    '/api/catalog/entities/by-name/dataset/default/card-transactions-labeled',
    /** @param {Entity} entity */
    entity =>
      entity.relations?.some(r => r.type === 'trainingDataOf')
        ? entity
        : undefined,
    60_000,
  );
  assert.ok(
    dataset.relations?.some(
      r =>
        r.type === 'trainingDataOf' &&
        r.targetRef === 'model:default/fraud-detector',
    ),
  );
});

test('GET /api/scorecards/definitions answers with the built-in scorecards', async () => {
  const res = await get('/api/scorecards/definitions');
  assert.equal(res.status, 200);
  /** @type {{ scorecards: { id: string }[], checks: { id: string }[] }} */
  const body = await res.json();
  assert.deepEqual(body.scorecards.map(s => s.id).sort(), [
    'ml-production-readiness',
    'ml-service-readiness',
  ]);
  assert.ok(body.checks.some(c => c.id === 'owner-is-group'));
});

test('the scorecards plugin grades the example Model it reads from the catalog', async () => {
  const result = await eventuallyGet(
    '/api/scorecards/entities/model/default/fraud-detector',
    /** @param {{ results: { scorecardId: string, level: string }[] }} body */
    body => body.results.find(r => r.scorecardId === 'ml-production-readiness'),
  );
  assert.equal(result.level, 'Gold');
});

test('the lineage plugin answers what is downstream of an example dataset', async () => {
  const body = await eventuallyGet(
    '/api/mlops/lineage/dataset/default/card-transactions-labeled',
    /** @param {import('@convergence/backstage-plugin-mlops-common').LineageResponse} answer */
    answer => (answer.entities.length ? answer : undefined),
  );
  const refs = body.entities.map(e => e.entityRef);
  assert.ok(refs.includes('model:default/fraud-detector'), `${refs}`);
});

test('the scaffolder offers the actions of the dynamic scaffolder module', async () => {
  const res = await get('/api/scaffolder/v2/actions');
  assert.equal(res.status, 200);
  /** @type {{ id: string }[]} */
  const actions = await res.json();
  const ids = actions.map(a => a.id);
  for (const id of [
    'mlops:entities:validate',
    'mlflow:model:register',
    'publish:local-git',
  ]) {
    assert.ok(ids.includes(id), `${id} in ${ids}`);
  }
});

test('requests without a token are refused', async () => {
  assert.ok(backend);
  for (const p of [
    '/api/scorecards/definitions',
    '/api/mlops/lineage/dataset/default/card-transactions-labeled',
    '/api/catalog/entities/by-name/model/default/fraud-detector',
  ]) {
    /** @type {Response} */
    const res = await fetch(`${backend.url}${p}`);
    assert.equal(res.status, 401, p);
  }
});

test('docs/rhdh/dynamic-plugins.yaml installs exactly the exported packages', () => {
  const folders = yamlEntries().map(e => path.basename(e.package));
  assert.deepEqual(
    folders.sort(),
    [...BACKEND_PACKAGES, ...FRONTEND_PACKAGES].map(folderOf).sort(),
  );
});

test('the exported frontend plugins expose the modules and components named in dynamic-plugins.yaml', t => {
  const exported = FRONTEND_PACKAGES.every(dir =>
    fs.existsSync(path.join(DIST, folderOf(dir), 'dist-scalprum')),
  );
  if (!exported && !exportHere) {
    t.skip('dist-dynamic/ was exported with --no-frontend');
    return;
  }
  assert.ok(exported, 'frontend exports missing from dist-dynamic/');
  const entries = yamlEntries().filter(
    e => e.pluginConfig?.dynamicPlugins?.frontend,
  );
  assert.equal(entries.length, FRONTEND_PACKAGES.length);
  for (const entry of entries) {
    const dir = path.join(DIST, path.basename(entry.package));
    for (const [scalprumName, wiring] of Object.entries(
      entry.pluginConfig.dynamicPlugins.frontend,
    )) {
      /** @type {{ name: string, loadScripts: string[] }} */
      const manifest = JSON.parse(
        fs.readFileSync(
          path.join(dir, 'dist-scalprum/plugin-manifest.json'),
          'utf8',
        ),
      );
      assert.equal(manifest.name, scalprumName);
      /** @type {{ module?: string, importName?: string }[]} */
      const uses = [
        ...(wiring.dynamicRoutes ?? []),
        ...(wiring.mountPoints ?? []),
        ...(wiring.appIcons ?? []),
      ];
      assert.ok(uses.length > 0);
      // The webpack container maps each exposed module name to its chunks.
      const container = manifest.loadScripts
        .map(f => fs.readFileSync(path.join(dir, 'dist-scalprum', f), 'utf8'))
        .join('\n');
      for (const module of new Set(uses.map(u => u.module ?? 'PluginRoot'))) {
        assert.match(
          container,
          new RegExp(`[{,]"?${module}"?:\\(\\)=>`),
          module,
        );
      }
      // PluginRoot is the package root (scalprum.exposedModules): its exports.
      const types = fs.readFileSync(path.join(dir, 'dist/index.d.ts'), 'utf8');
      const rootExports = [
        ...types.matchAll(/^export \{([^}]*)\};?$/gm),
      ].flatMap(m =>
        m[1].split(',').map(s =>
          s
            .trim()
            .split(/\s+as\s+/)
            .pop(),
        ),
      );
      for (const use of uses) {
        assert.ok(
          rootExports.includes(use.importName),
          `${scalprumName}: ${use.importName} is not an export of the package root (${rootExports})`,
        );
      }
    }
  }
});
