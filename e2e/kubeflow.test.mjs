// @ts-check
// Kubeflow Pipelines in the running portal: the provider reads a pipeline
// (compiled by the real kfp compiler) and the Pipeline page shows its
// schedule and last run.
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
import {
  PIPELINE_NAME,
  startKubeflowServer,
} from './fixtures/kubeflow-server.mjs';

/** @type {Awaited<ReturnType<typeof startKubeflowServer>> | undefined} */
let kubeflow;
/** @type {import('./lib.mjs').Browser} */
let browser;
before(async () => {
  kubeflow = await startKubeflowServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await kubeflow?.close();
});

/** @param {import('./lib.mjs').Entity} e */
const rels = e => (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);

test('a Kubeflow pipeline reaches the catalog with schedule, last run and lineage', async () => {
  const pipeline = await eventually(
    async () => {
      const e = await getAsGuest(
        `/api/catalog/entities/by-name/pipeline/default/${PIPELINE_NAME}`,
      );
      // Relations appear once the entity has been processed and stitched.
      return rels(e).includes('produces model:default/fraud-detector')
        ? e
        : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
  assert.equal(pipeline.spec.orchestrator, 'kubeflow');
  assert.equal(pipeline.spec.schedule, '0 3 * * 1');
  assert.equal(pipeline.spec.lastRun.status, 'failed');
  assert.equal(pipeline.spec.owner, 'group:fraud-ml');
  assert.ok(
    rels(pipeline).includes('consumes dataset:default/card-transactions'),
  );
  assert.ok(rels(pipeline).includes('ownedBy group:default/fraud-ml'));
  // The model's side of the lineage.
  const model = await getAsGuest(
    '/api/catalog/entities/by-name/model/default/fraud-detector',
  );
  assert.ok(
    rels(model).includes(`producedBy pipeline:default/${PIPELINE_NAME}`),
  );
});

test('the Pipeline page shows the Kubeflow schedule and last run', async () => {
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/catalog/default/pipeline/${PIPELINE_NAME}`);
  const schedule = page.getByText('At 03:00 AM, only on Monday');
  await schedule.waitFor();
  await schedule.scrollIntoViewIfNeeded();
  await page.getByText('failed', { exact: true }).first().waitFor();
  await page.getByRole('link', { name: 'open in kubeflow' }).waitFor();
  await screenshot(page, 'kubeflow-pipeline');
});
