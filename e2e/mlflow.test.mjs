// @ts-check
// MLflow in the running portal: a real MLflow server, read by the portal's
// MLflow provider; the Model page shows the versions, metrics and links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
  eventually,
  getAsGuest,
  launchBrowser,
  screenshot,
  signInAsGuest,
} from './lib.mjs';
import { MODEL_NAME, startMlflowServer } from './fixtures/mlflow-server.mjs';

/** @type {Awaited<ReturnType<typeof startMlflowServer>> | undefined} */
let mlflow;
/** @type {import('./lib.mjs').Browser} */
let browser;
before(async () => {
  mlflow = await startMlflowServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  mlflow?.stop();
});

/** @param {import('./lib.mjs').Entity} e */
const rels = e => (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);

test('an MLflow registered model reaches the catalog with versions, metrics and datasets', async () => {
  const model = await eventually(
    async () => {
      const e = await getAsGuest(
        `/api/catalog/entities/by-name/model/default/${MODEL_NAME}`,
      );
      // The provider may crawl while the seeding is under way; wait for the
      // crawl that sees the champion alias.
      return rels(e).includes(
        'trainedOn dataset:default/payments-stream-2026',
      ) && e.spec.metrics?.auc === 0.962
        ? e
        : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
  assert.deepEqual(model.spec.metrics, { auc: 0.962, precision: 0.82 });
  assert.deepEqual(
    model.spec.versions.map(
      /** @param {{ version: string, aliases?: string[] }} v */
      v => [v.version, v.aliases ?? []],
    ),
    [
      ['2', ['champion']],
      ['1', []],
    ],
  );
  assert.equal(model.spec.owner, 'group:fraud-ml');
  assert.equal(model.spec.lifecycle, 'production');
  // The hand-written example dataset is linked, not duplicated.
  assert.ok(
    rels(model).includes('evaluatedOn dataset:default/fraud-holdout-2026q3'),
  );
  const dataset = await getAsGuest(
    '/api/catalog/entities/by-name/dataset/default/payments-stream-2026',
  );
  assert.equal(dataset.spec.source.uri, 's3://acme-data/payments/2026/');
});

test('the Model page shows the MLflow versions and metrics and links to MLflow', async () => {
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/catalog/default/model/${MODEL_NAME}`);
  const registered = page.getByText(`Registered in MLflow as ${MODEL_NAME}`);
  await registered.waitFor();
  await page.getByText('auc 0.962 · precision 0.82').first().waitFor();
  await page.getByText('contamination=0.02').waitFor();
  const open = page.getByRole('link', { name: /Open in MLflow/ });
  assert.match(
    (await open.getAttribute('href')) ?? '',
    new RegExp(`^http://127\\.0\\.0\\.1:7392/#/models/${MODEL_NAME}$`),
  );
  await registered.scrollIntoViewIfNeeded();
  await screenshot(page, 'mlflow-model');
});
