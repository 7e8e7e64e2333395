// @ts-check
// docs/install.md ("Install Convergence into your Backstage app"), done on
// fresh apps from @backstage/create-app:
// one on the new frontend system (create-app's default) that is installed,
// started and driven in Chromium, and one on the legacy frontend system that is
// type-checked and rendered in Chromium against the first app's backend.
//
// Every command, snippet and config block comes from docs/install.md (the
// blocks after `<!-- install-test: NAME -->`), so that page cannot drift from
// what works. The packages come from dist-packs/ (scripts/pack.sh; the test
// command packs before this test). The apps live in a temporary folder outside
// the repository, so nothing resolves through this repository's node_modules.
//
// Environment: CONVERGENCE_INSTALL_DIR keeps the apps in that folder (and
// reuses what is there: a second run skips create and install);
// CONVERGENCE_INSTALL_KEEP=1 leaves the temporary folder in place.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, stopServer, waitForUrl } from './servers.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import semver from 'semver';

const REPO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const PACKS = path.join(REPO, 'dist-packs');
/** create-app of release 1.55.0 */
const CREATE_APP = '@backstage/create-app@0.9.2';
const BACKEND_PORT = 7017;
const APP_PORT = 3017;
const LEGACY_PORT = 3018;
const BACKEND = `http://localhost:${BACKEND_PORT}`;
// Read by e2e/lib.mjs, imported below once these are set.
process.env.CONVERGENCE_BACKEND_URL = BACKEND;
process.env.CONVERGENCE_APP_URL = `http://localhost:${APP_PORT}`;
const lib = await import('../lib.mjs');

const keep = Boolean(process.env.CONVERGENCE_INSTALL_DIR);
const WORK =
  process.env.CONVERGENCE_INSTALL_DIR ??
  fs.mkdtempSync(path.join(os.tmpdir(), 'convergence-install-'));
fs.mkdirSync(WORK, { recursive: true });
const APP = path.join(WORK, 'app');
const LEGACY = path.join(WORK, 'legacy');
const INSTALL_DOC = fs.readFileSync(path.join(REPO, 'docs/install.md'), 'utf8');

/** @type {{ name: string, dir: string, version: string, role: string, configSchema: boolean }[]} */
const PACKAGES = fs
  .readdirSync(path.join(REPO, 'plugins'))
  .map(dir => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(REPO, 'plugins', dir, 'package.json'), 'utf8'),
    );
    return {
      name: pkg.name,
      dir,
      version: pkg.version,
      role: pkg.backstage?.role,
      private: pkg.private,
      configSchema: fs.existsSync(
        path.join(REPO, 'plugins', dir, 'config.d.ts'),
      ),
    };
  })
  .filter(p => !p.private);

/**
 * The fenced block that follows `<!-- install-test: name -->` in docs/install.md.
 * @param {string} name
 */
function installBlock(name) {
  const marker = `<!-- install-test: ${name} -->`;
  const at = INSTALL_DOC.indexOf(marker);
  assert.ok(at >= 0, `docs/install.md has no block marked ${marker}`);
  const fence = INSTALL_DOC.slice(at + marker.length).match(
    /```\w*\n([\s\S]*?)\n```/,
  );
  assert.ok(fence, `docs/install.md: no fenced block after ${marker}`);
  return fence[1];
}

/** The shell commands of a docs/install.md block, continuation lines joined. */
function commandsOf(/** @type {string} */ block) {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'));
}

/**
 * Whether a `yarn add` command names the package with a range its current
 * version satisfies (after a release, docs/install.md's ranges must follow).
 * @param {string} command
 * @param {{ name: string, version: string }} pkg
 */
function satisfied(command, { name, version }) {
  const range = command
    .split(/\s+/)
    .find(word => word.startsWith(`${name}@`))
    ?.slice(name.length + 1);
  return range !== undefined && semver.satisfies(version, range);
}

/** @type {Record<string, string>} Node 22, the yarn shim and native-build settings come from the test command's bootstrap. */
const ENV = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([, v]) => v !== undefined),
  ),
  CONVERGENCE: REPO,
  // create-app and yarn ask nothing; the apps' yarn must not think it is in CI
  // with an immutable lockfile.
  CI: '',
  YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  YARN_ENABLE_PROGRESS_BARS: 'false',
  BROWSER: 'none',
};

/**
 * Runs a command to completion; rejects with the end of its output.
 * @param {string} cwd
 * @param {string} command a bash command line
 * @param {{ input?: string, log: string }} options
 */
function run(cwd, command, { input, log }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(path.join(WORK, log), 'a');
    fs.writeSync(out, `\n$ (${cwd}) ${command}\n`);
    const child = spawn('bash', ['-eo', 'pipefail', '-c', command], {
      cwd,
      env: ENV,
      stdio: ['pipe', out, out],
    });
    child.stdin?.end(input ?? '');
    child.on('error', reject);
    child.on('exit', code => {
      fs.closeSync(out);
      if (code === 0) resolve(undefined);
      else {
        const tail = fs
          .readFileSync(path.join(WORK, log), 'utf8')
          .split('\n')
          .slice(-40)
          .join('\n');
        reject(new Error(`\`${command}\` in ${cwd} exited ${code}:\n${tail}`));
      }
    });
  });
}

/** @type {import('node:child_process').ChildProcess[]} */
const servers = [];

/**
 * Starts a long-running bash command (logged to WORK/log), stopped at the end.
 * @param {string} cwd
 * @param {string} command
 * @param {string} log
 */
function startAppServer(cwd, command, log) {
  const child = startServer(
    cwd,
    ['bash', '-c', `exec ${command}`],
    path.join(WORK, log),
    ENV,
  );
  servers.push(child);
  return child;
}

/** Creates an app with create-app unless the folder has one. */
async function createApp(/** @type {string} */ dir, legacy = false) {
  if (fs.existsSync(path.join(dir, 'package.json'))) return;
  await run(
    WORK,
    `npx --yes ${CREATE_APP} --path ${JSON.stringify(dir)} --skip-install${
      legacy ? ' --legacy' : ''
    }`,
    { input: `${path.basename(dir)}\n`, log: 'create-app.log' },
  );
}

/** Step 1 of docs/install.md: the packs and the resolutions. */
async function addPacks(/** @type {string} */ dir) {
  await run(dir, installBlock('packs'), { log: `${path.basename(dir)}.log` });
  const { resolutions } = JSON.parse(installBlock('resolutions'));
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.resolutions = { ...pkg.resolutions, ...resolutions };
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Inserts text into a file after the first match of a pattern.
 * @param {string} file
 * @param {RegExp} anchor
 * @param {string} text
 */
function insertAfter(file, anchor, text) {
  const source = fs.readFileSync(file, 'utf8');
  const match = source.match(anchor);
  assert.ok(match?.index !== undefined, `${file}: no ${anchor}`);
  const at = match.index + match[0].length;
  fs.writeFileSync(
    file,
    `${source.slice(0, at)}\n${text}\n${source.slice(at)}`,
  );
}

/** Splits a docs/install.md snippet into its import statements and the rest. */
function splitImports(/** @type {string} */ code) {
  const statements = code.match(/^import [\s\S]*?from '[^']+';$/gm) ?? [];
  let rest = code;
  for (const s of statements) rest = rest.replace(s, '');
  return { imports: statements.join('\n'), rest: rest.trim() };
}

/** Merges a docs/install.md YAML block into an app-config file, key by key (lists replace). */
function mergeConfig(/** @type {string} */ file, /** @type {string} */ block) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  /** @param {unknown} value @param {string[]} at */
  const walk = (value, at) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    } else doc.setIn(at, value);
  };
  walk(YAML.parse(block), []);
  fs.writeFileSync(file, doc.toString());
}

/** Config the test adds (not a user step): ports, the example estate, guest sign-in. */
function writeTestConfig(
  /** @type {string} */ dir,
  /** @type {number} */ appPort,
) {
  const file = path.join(dir, 'app-config.install-test.yaml');
  fs.writeFileSync(
    file,
    YAML.stringify({
      app: { baseUrl: `http://localhost:${appPort}` },
      backend: {
        baseUrl: BACKEND,
        listen: { port: BACKEND_PORT },
        cors: {
          origin: [
            `http://localhost:${APP_PORT}`,
            `http://localhost:${LEGACY_PORT}`,
          ],
          methods: ['GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'DELETE'],
          credentials: true,
        },
      },
      catalog: {
        locations: [
          {
            type: 'file',
            target: path.join(REPO, 'examples/all.yaml'),
            rules: [
              {
                allow: [
                  'Location',
                  'Domain',
                  'System',
                  'Component',
                  'API',
                  'Resource',
                  'Group',
                  'User',
                  'Model',
                  'Dataset',
                  'Pipeline',
                ],
              },
            ],
          },
        ],
      },
    }),
  );
  return file;
}

/** @param {number} t0 */
const seconds = t0 => Math.round((Date.now() - t0) / 1000);

before(() => {
  assert.ok(
    fs.existsSync(PACKS) && fs.readdirSync(PACKS).length === PACKAGES.length,
    `dist-packs/ must hold ${PACKAGES.length} packs: run scripts/pack.sh first`,
  );
  console.log(`install test: apps in ${WORK}`);
});

after(async () => {
  try {
    for (const s of servers) await stopServer(s);
  } finally {
    if (!keep && !process.env.CONVERGENCE_INSTALL_KEEP) {
      fs.rmSync(WORK, { recursive: true, force: true, maxRetries: 3 });
    }
  }
});

test('docs/install.md names every package, backend module and config key', () => {
  const resolutions = Object.keys(
    JSON.parse(installBlock('resolutions')).resolutions,
  );
  const add = commandsOf(installBlock('add'));
  const backendAdd =
    add.find(c => c.startsWith('yarn --cwd packages/backend add')) ?? '';
  const appAdd =
    add.find(c => c.startsWith('yarn --cwd packages/app add')) ?? '';
  const backend = installBlock('backend');
  for (const p of PACKAGES) {
    assert.ok(resolutions.includes(p.name), `resolutions lack ${p.name}`);
    const pack = `convergence-${p.name.replace(/^@convergence\//, '')}.tgz`;
    assert.ok(
      fs.existsSync(path.join(PACKS, pack)),
      `dist-packs/ lacks ${pack}`,
    );
    if (p.role === 'backend-plugin' || p.role === 'backend-plugin-module') {
      assert.ok(
        satisfied(backendAdd, p),
        `packages/backend add lacks ${p.name}@<a range that ${p.version}, its version, satisfies>`,
      );
      assert.ok(
        backend.replace(/\s+/g, '').includes(`backend.add(import('${p.name}')`),
        `backend block lacks ${p.name}`,
      );
    }
    if (p.role === 'frontend-plugin') {
      assert.ok(
        satisfied(appAdd, p),
        `packages/app add lacks ${p.name}@<a range that ${p.version}, its version, satisfies>`,
      );
    }
    if (p.configSchema) {
      assert.ok(
        INSTALL_DOC.includes(`(../plugins/${p.dir}/README.md#configuration)`),
        `docs/install.md's configuration table lacks a link to ${p.dir}'s configuration`,
      );
    }
  }
});

test(
  'create-app makes a new-frontend-system app and a legacy one',
  { timeout: 5 * 60_000 },
  async () => {
    await createApp(APP);
    await createApp(LEGACY, true);
    const app = fs.readFileSync(
      path.join(APP, 'packages/app/src/App.tsx'),
      'utf8',
    );
    assert.match(app, /@backstage\/frontend-defaults/);
    const legacy = fs.readFileSync(
      path.join(LEGACY, 'packages/app/src/App.tsx'),
      'utf8',
    );
    assert.match(legacy, /@backstage\/app-defaults/);
  },
);

test(
  'the packs install into the new app as docs/install.md says',
  { timeout: 20 * 60_000 },
  async t => {
    if (fs.existsSync(path.join(APP, 'node_modules/@convergence'))) return;
    const t0 = Date.now();
    await addPacks(APP);
    for (const command of commandsOf(installBlock('add'))) {
      await run(APP, command, { log: 'app.log' });
    }
    const message = `install took ${seconds(
      t0,
    )} s (new frontend system app: packs, yarn up, yarn add)`;
    console.log(message);
    t.diagnostic(message);
  },
);

test('the app resolves each @backstage package Convergence uses to one version, within its range', () => {
  const lock = YAML.parse(fs.readFileSync(path.join(APP, 'yarn.lock'), 'utf8'));
  /** @type {Map<string, Set<string>>} name -> the ranges Convergence asks for */
  const wanted = new Map();
  /** Optional peers (test utilities): checked only when the app has them. */
  const optional = new Set();
  for (const p of PACKAGES) {
    const pkg = JSON.parse(
      fs.readFileSync(
        path.join(REPO, 'plugins', p.dir, 'package.json'),
        'utf8',
      ),
    );
    for (const [name, meta] of Object.entries(pkg.peerDependenciesMeta ?? {}))
      if (meta?.optional && !pkg.dependencies?.[name]) optional.add(name);
    for (const [name, range] of Object.entries({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    })) {
      if (!name.startsWith('@backstage/')) continue;
      wanted.set(name, (wanted.get(name) ?? new Set()).add(String(range)));
    }
  }
  assert.ok(
    wanted.size > 10,
    'read the @backstage dependencies of the packages',
  );
  /** @type {string[]} */
  const problems = [];
  for (const [name, ranges] of wanted) {
    const versions = new Set(
      Object.entries(lock)
        .filter(([key]) =>
          key.split(/,\s*/).some(d => d.startsWith(`${name}@npm:`)),
        )
        .map(([, v]) => String(v.version)),
    );
    if (versions.size === 0 && optional.has(name)) continue;
    if (versions.size !== 1) {
      problems.push(`${name}: ${[...versions].join(', ') || 'not installed'}`);
      continue;
    }
    const [version] = versions;
    for (const range of ranges) {
      if (!semver.satisfies(version, range)) {
        problems.push(`${name}: ${version} is outside ${range}`);
      }
    }
  }
  assert.deepEqual(
    problems,
    [],
    'the app and Convergence must share one copy of each',
  );
});

test(
  'the new app is wired as docs/install.md says and type-checks',
  { timeout: 5 * 60_000 },
  async () => {
    const index = path.join(APP, 'packages/backend/src/index.ts');
    if (!fs.readFileSync(index, 'utf8').includes('@convergence/')) {
      const source = fs.readFileSync(index, 'utf8');
      fs.writeFileSync(
        index,
        source.replace(
          '\nbackend.start();',
          `\n${installBlock('backend')}\n\nbackend.start();`,
        ),
      );
      const appFile = path.join(APP, 'packages/app/src/App.tsx');
      const { imports } = splitImports(installBlock('app'));
      const feature = imports.match(/import \{ (\w+) \}/)?.[1];
      assert.ok(feature, 'the docs/install.md app block imports no feature');
      const app = fs.readFileSync(appFile, 'utf8');
      fs.writeFileSync(
        appFile,
        `${imports}\n${app.replace(
          /features: \[([^\]]*)\]/,
          `features: [$1, ${feature}]`,
        )}`,
      );
      mergeConfig(
        path.join(APP, 'app-config.yaml'),
        installBlock('app-config'),
      );
    }
    await run(APP, 'yarn tsc', { log: 'app.log' });
  },
);

test(
  'the new app serves the kinds and the scorecards API',
  { timeout: 6 * 60_000 },
  async () => {
    const config = writeTestConfig(APP, APP_PORT);
    const t0 = Date.now();
    const backend = startAppServer(
      path.join(APP, 'packages/backend'),
      `yarn start --config ../../app-config.yaml --config ${config}`,
      'app-backend.log',
    );
    await waitForUrl(
      `${BACKEND}/.backstage/health/v1/readiness`,
      backend,
      path.join(WORK, 'app-backend.log'),
    );
    console.log(`backend up in ${seconds(t0)} s`);

    const unauthenticated = await fetch(
      `${BACKEND}/api/scorecards/definitions`,
    );
    assert.equal(unauthenticated.status, 401);
    const token = await lib.guestToken();
    const { scorecards } = await lib.getAsGuest(
      '/api/scorecards/definitions',
      token,
    );
    assert.ok(scorecards.length > 0, 'no scorecard definitions');

    /** @type {import('@backstage/catalog-model').Entity} */
    const model = await lib.eventually(
      async () => {
        const res = await fetch(
          `${BACKEND}/api/catalog/entities/by-name/model/default/fraud-detector`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        return res.ok ? res.json() : undefined;
      },
      { timeoutMs: 3 * 60_000 },
    );
    assert.ok(
      model.relations?.some(
        r =>
          r.type === 'trainedOn' &&
          r.targetRef === 'dataset:default/card-transactions-labeled',
      ),
      `fraud-detector lacks its trainedOn relation: ${JSON.stringify(
        model.relations,
      )}`,
    );
    // The scorecards backend grades it (its first pass runs at start).
    const graded = await lib.eventually(
      async () => {
        const res = await fetch(
          `${BACKEND}/api/scorecards/entities/model/default/fraud-detector`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        const body = res.ok ? await res.json() : undefined;
        return body?.results?.length ? body : undefined;
      },
      { timeoutMs: 3 * 60_000 },
    );
    // The lineage backend walks the catalog's relations downstream.
    const lineage = await lib.getAsGuest(
      '/api/mlops/lineage/dataset/default/card-transactions-labeled',
      token,
    );
    assert.ok(
      lineage.entities.some(
        (/** @type {{ entityRef: string }} */ e) =>
          e.entityRef === 'model:default/fraud-detector',
      ),
      `fraud-detector is not downstream: ${JSON.stringify(lineage.totals)}`,
    );
    const ids = new Set(
      scorecards.map((/** @type {{ id: string }} */ d) => d.id),
    );
    for (const result of graded.results) {
      assert.ok(
        ids.has(result.scorecardId),
        `unknown scorecard ${result.scorecardId}`,
      );
    }
  },
);

test(
  'the new app shows the ML pages in Chromium',
  { timeout: 10 * 60_000 },
  async () => {
    // docs/install.md's legacy snippet leaves the Group page as it is.
    await serveAndCheck(APP, APP_PORT, 'install-new-frontend', true);
  },
);

test(
  'the legacy app is wired as docs/install.md says, type-checks and renders',
  { timeout: 20 * 60_000 },
  async t => {
    if (!fs.existsSync(path.join(LEGACY, 'node_modules/@convergence'))) {
      const t0 = Date.now();
      // Only its frontend differs from the new app; the new app's backend serves it.
      fs.rmSync(path.join(LEGACY, 'packages/backend'), {
        recursive: true,
        force: true,
      });
      await addPacks(LEGACY);
      for (const command of commandsOf(installBlock('add'))) {
        if (!command.includes('packages/backend'))
          await run(LEGACY, command, { log: 'legacy.log' });
      }
      const message = `install took ${seconds(
        t0,
      )} s (legacy frontend system app, no backend package)`;
      console.log(message);
      t.diagnostic(message);

      const appImportsAndRest = splitImports(installBlock('legacy-app'));
      const routes = appImportsAndRest.rest.replace(/^\/\/.*$/m, '').trim();
      const appFile = path.join(LEGACY, 'packages/app/src/App.tsx');
      fs.writeFileSync(
        appFile,
        `${appImportsAndRest.imports}\n${fs.readFileSync(appFile, 'utf8')}`,
      );
      insertAfter(appFile, /<FlatRoutes>/, routes);

      const page = splitImports(installBlock('legacy-entity-page'));
      const [definitions, cases] = page.rest.split(
        /^\/\/ first inside entityPage's <EntitySwitch>:$/m,
      );
      assert.ok(
        cases,
        'docs/install.md legacy-entity-page block lacks the line "// first inside entityPage\'s <EntitySwitch>:"',
      );
      const pageFile = path.join(
        LEGACY,
        'packages/app/src/components/catalog/EntityPage.tsx',
      );
      const source = fs.readFileSync(pageFile, 'utf8');
      fs.writeFileSync(
        pageFile,
        `${page.imports}\n${source.replace(
          'export const entityPage = (',
          `${definitions.trim()}\n\nexport const entityPage = (`,
        )}`,
      );
      insertAfter(
        pageFile,
        /export const entityPage = \(\s*<EntitySwitch>/,
        cases.trim(),
      );
    }
    await run(LEGACY, 'yarn tsc', { log: 'legacy.log' });

    writeTestConfig(LEGACY, LEGACY_PORT);
    await serveAndCheck(LEGACY, LEGACY_PORT, 'install-legacy-frontend');
  },
);

/**
 * Starts an app's frontend dev server (with the config writeTestConfig wrote),
 * checks it in Chromium, stops it.
 * @param {string} dir the app
 * @param {number} port its app.baseUrl port
 * @param {string} name screenshot prefix
 * @param {boolean} [groupCards] whether Group pages show the ML assets card
 */
async function serveAndCheck(dir, port, name, groupCards = false) {
  const config = path.join(dir, 'app-config.install-test.yaml');
  const log = `${path.basename(dir)}-frontend.log`;
  const t0 = Date.now();
  const frontend = startAppServer(
    path.join(dir, 'packages/app'),
    `yarn start --config ../../app-config.yaml --config ${config}`,
    log,
  );
  await waitForUrl(`http://localhost:${port}`, frontend, path.join(WORK, log));
  console.log(`${path.basename(dir)} dev server up in ${seconds(t0)} s`);
  await checkInBrowser(`http://localhost:${port}`, name, groupCards);
  await stopServer(frontend);
}

/**
 * Saves a screenshot as tmp/screenshots/install/<name>.png (a subfolder, so
 * scripts/screenshots.sh does not copy them into docs/screenshots/).
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function shot(page, name) {
  const dir = path.join(lib.SCREENSHOT_DIR, 'install');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/**
 * Signs in as the guest when the app asks, then checks a Model page, the ML
 * assets page and the scorecards page.
 * @param {string} appUrl
 * @param {string} name screenshot prefix
 * @param {boolean} groupCards whether to check a Group page's ML assets card
 */
async function checkInBrowser(appUrl, name, groupCards) {
  const browser = await lib.launchBrowser();
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(90_000);
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    /**
     * Opens a page of the app, signing in as the guest when it asks first.
     * @param {string} url
     * @param {import('playwright-core').Locator} ready
     */
    const open = async (url, ready) => {
      await page.goto(url);
      const enter = page.getByRole('button', { name: 'Enter' });
      await enter.or(ready).first().waitFor();
      if (await enter.isVisible()) await enter.click();
      await ready.first().waitFor();
    };
    await open(
      `${appUrl}/catalog/default/model/fraud-detector`,
      page.getByText('Versions', { exact: true }),
    );
    await page.getByText('Scorecards', { exact: true }).first().waitFor();
    await shot(page, `${name}-model`);

    if (groupCards) {
      await open(
        `${appUrl}/catalog/default/group/fraud-ml`,
        // the card's title (the sidebar's "ML assets" is a link)
        page.getByRole('heading', { name: 'ML assets', exact: true }),
      );
      await shot(page, `${name}-group`);
    }

    await open(
      `${appUrl}/ml-assets`,
      page.getByText(/^ML assets \([1-9]\d*\)$/),
    );
    await page
      .getByRole('link', { name: 'Fraud detector', exact: true })
      .first()
      .waitFor();
    await shot(page, `${name}-ml-assets`);

    await open(
      `${appUrl}/scorecards`,
      page.getByText('ML production readiness'),
    );
    await shot(page, `${name}-scorecards`);
    assert.deepEqual(errors, [], 'uncaught errors in the page');
  } catch (e) {
    const page = browser.context.pages().at(-1);
    if (page) {
      await shot(page, `${name}-failed`).catch(() => {});
      const text = await page
        .locator('body')
        .innerText()
        .catch(() => '');
      throw new Error(
        `${e}\nat ${page.url()}, the page says:\n${text.slice(0, 1500)}`,
      );
    }
    throw e;
  } finally {
    await browser.close();
  }
}
