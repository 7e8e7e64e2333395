// @ts-check
// The golden-path templates in the running portal: each runs through the
// scaffolder API, publishes to the local Git repository and its entities
// appear in the catalog with their relations; one runs through the UI.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APP_URL,
  browserForFile,
  eventually,
  getAsGuest,
  requestAsGuest,
  runTemplate,
  screenshot,
  signInAsGuest,
} from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// e2e/app-config.e2e.yaml: scaffolder.localGit.baseDir (relative to packages/backend).
const LOCAL_GIT = path.join(ROOT, 'tmp/e2e-local-git');
// Names unique to this run: the local repositories outlive the portal.
const RUN = Date.now().toString(36).slice(-5);

const browser = browserForFile();

/** @param {import('./lib.mjs').Entity} e */
const rels = e => (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);

/**
 * The entity once it is in the catalog and `ready(entity)` holds.
 * @param {string} ref
 * @param {(e: import('./lib.mjs').Entity) => boolean} [ready]
 * @returns {Promise<import('./lib.mjs').Entity>}
 */
function entity(ref, ready = () => true) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return eventually(
    async () => {
      const e = await getAsGuest(
        `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      );
      return ready(e) ? e : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
}

/** @type {string[]} the clones, removed after the tests */
const clones = [];
after(() => {
  for (const dir of clones) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Clones a published repository with the real git client.
 * @param {string} name
 */
function clone(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clone-'));
  clones.push(dir);
  execFileSync('git', [
    'clone',
    '--quiet',
    path.join(LOCAL_GIT, `${name}.git`),
    dir,
  ]);
  return dir;
}

test('the serving-service template publishes a repository and registers its Component and API', async () => {
  const name = `fraud-scoring-${RUN}`;
  const output = await runTemplate('ml-serving-service', {
    name,
    description: 'Scores card payments',
    owner: 'group:default/fraud-ml',
    model: 'model:default/fraud-detector',
    modelAlias: 'champion',
    ci: 'github-actions',
    organization: 'acme',
  });
  assert.equal(output.links[0].entityRef, `component:default/${name}`);
  const dir = clone(name);
  assert.ok(fs.existsSync(path.join(dir, 'app/main.py')));
  assert.ok(fs.existsSync(path.join(dir, '.github/workflows/ci.yaml')));
  const component = await entity(`component:default/${name}`, e =>
    rels(e).includes('dependsOn model:default/fraud-detector'),
  );
  assert.ok(rels(component).includes('ownedBy group:default/fraud-ml'));
  assert.ok(rels(component).includes(`providesApi api:default/${name}-api`));
  const model = await entity('model:default/fraud-detector', e =>
    rels(e).includes(`dependencyOf component:default/${name}`),
  );
  assert.ok(model);
});

test('the training-pipeline template registers the Pipeline and the Model with their lineage', async () => {
  const name = `churn-training-${RUN}`;
  await runTemplate('training-pipeline', {
    name,
    owner: 'group:default/recsys-ml',
    orchestrator: 'kubeflow',
    schedule: '0 4 * * *',
    trainingDatasets: ['dataset:default/card-transactions-labeled'],
    evaluationDataset: 'dataset:default/fraud-holdout-2026q3',
    modelName: `churn-model-${RUN}`,
    modelType: 'classification',
    ci: 'jenkins',
  });
  assert.ok(fs.existsSync(path.join(clone(name), 'pipeline.py')));
  const pipeline = await entity(`pipeline:default/${name}`, e =>
    rels(e).includes(`produces model:default/churn-model-${RUN}`),
  );
  assert.ok(
    rels(pipeline).includes(
      'consumes dataset:default/card-transactions-labeled',
    ),
  );
  const model = await entity(`model:default/churn-model-${RUN}`, e =>
    rels(e).includes(`producedBy pipeline:default/${name}`),
  );
  assert.ok(
    rels(model).includes('trainedOn dataset:default/card-transactions-labeled'),
  );
  assert.ok(
    rels(model).includes('evaluatedOn dataset:default/fraud-holdout-2026q3'),
  );
});

test('a bad answer fails the run before anything is published', async () => {
  const name = `orphan-data-${RUN}`;
  await assert.rejects(
    runTemplate('dataset-registration', {
      name,
      owner: 'group:default/no-such-team',
      type: 'table',
      sourceType: 's3',
      sourceUri: 's3://lake/orphan/',
      format: 'parquet',
      classification: 'internal',
      containsPii: false,
      retention: 'P1Y',
    }),
    /spec\.owner refers to group:default\/no-such-team, which is not in the catalog/,
  );
  assert.equal(fs.existsSync(path.join(LOCAL_GIT, `${name}.git`)), false);
});

test('the dataset-registration template runs through the UI', async () => {
  const name = `payments-events-${RUN}`;
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/create`);
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Dataset registration' })
    .filter({ hasNotText: 'Training pipeline' })
    .filter({ hasNotText: 'ML model serving service' });
  await card.getByRole('button', { name: 'Choose' }).click();
  await page.locator('#root_name').fill(name);
  await page
    .locator('#root_description')
    .fill('Payment events from the gateway');
  const owner = page.locator('#root_owner');
  await owner.click();
  await owner.fill('Data');
  await page.getByRole('option', { name: 'Data Engineering' }).click();
  await page.locator('#root_sourceUri').fill('kafka://events/payments');
  await page.getByRole('button', { name: 'Next' }).click();
  // Governance: the defaults (internal, no personal data, P1Y).
  await page.getByRole('button', { name: 'Review' }).click();
  await screenshot(page, 'template-review');
  await page.getByRole('button', { name: 'Create' }).click();
  await page
    .getByRole('link', { name: 'Open the dataset in the catalog' })
    .waitFor({ timeout: 120_000 });
  await screenshot(page, 'template-done');
  const dataset = await entity(`dataset:default/${name}`, e =>
    rels(e).includes('ownedBy group:default/data-engineering'),
  );
  const spec = /** @type {{ source: { uri: string } }} */ (dataset.spec);
  assert.equal(spec.source.uri, 'kafka://events/payments');
});
