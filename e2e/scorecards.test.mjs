// @ts-check
// Ownership scorecards in the running portal: the example estate is graded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, getAsGuest, requestAsGuest, runTemplate } from './lib.mjs';

/**
 * The answers of the scorecards API that these tests read.
 * @typedef {{ checks: { checkId: string, status: string }[] }} ScorecardResult
 * @typedef {{ results: ScorecardResult[] }} EntityResults
 * @typedef {{ owners: string[], summaries: { scorecardId: string, entities: number }[] }} Summary
 */

/**
 * The ids of the checks an entity fails (undefined while it is not graded).
 * @param {string} ref
 */
const failing = async ref => {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  /** @type {EntityResults} */
  const body = await getAsGuest(
    `/api/scorecards/entities/${kind}/${namespace}/${name}`,
  );
  const [result] = body.results;
  return (
    result && result.checks.filter(c => c.status === 'fail').map(c => c.checkId)
  );
};

test('the example estate is graded and the deliberate gaps fail', async () => {
  const clickstream = await eventually(
    () => failing('dataset:default/clickstream-events'),
    { timeoutMs: 120_000 },
  );
  assert.ok(clickstream.includes('dataset-classified'), `got ${clickstream}`);
  assert.ok(clickstream.includes('dataset-pii-retention'));
  assert.ok(
    (await failing('model:default/merchant-risk-scorer')).includes(
      'model-card-complete',
    ),
  );
  assert.ok(
    (await failing('model:default/churn-predictor')).includes(
      'lifecycle-consistent',
    ),
  );
  assert.ok(
    (await failing('pipeline:default/recsys-training')).includes(
      'pipeline-last-run-succeeded',
    ),
  );
  assert.deepEqual(await failing('model:default/fraud-detector'), []);
});

test("a parent team's summary includes its sub-teams", async () => {
  /** @type {Summary} */
  const parent = await getAsGuest(
    '/api/scorecards/summary?owner=group:default/product-ml',
  );
  assert.deepEqual([...parent.owners].sort(), [
    'group:default/fraud-ml',
    'group:default/product-ml',
    'group:default/recsys-ml',
  ]);
  /** @type {Summary} */
  const fraud = await getAsGuest(
    '/api/scorecards/summary?owner=group:default/fraud-ml',
  );
  /** @type {(s: Summary, id: string) => number} */
  const count = (s, id) =>
    s.summaries.find(x => x.scorecardId === id)?.entities ?? 0;
  assert.ok(
    count(parent, 'ml-production-readiness') >
      count(fraud, 'ml-production-readiness'),
  );
});

test('scorecard routes refuse unauthenticated requests and non-owners', async () => {
  const res = await fetch('http://localhost:7007/api/scorecards/summary');
  assert.equal(res.status, 401);
  // The guest belongs to ml-platform, not fraud-ml.
  const refresh = await requestAsGuest(
    'POST',
    '/api/scorecards/entities/model/default/fraud-detector/refresh',
  );
  assert.equal(refresh.status, 403);
  const own = await requestAsGuest(
    'POST',
    '/api/scorecards/entities/model/default/minilm-base/refresh',
  );
  assert.equal(own.status, 200);
});

/** @type {import('./lib.mjs').Browser} */
let browser;
test('a person sees the scorecard on a Model page and the ownership page with its trend', async t => {
  const { launchBrowser, signInAsGuest, screenshot, APP_URL } = await import(
    './lib.mjs'
  );
  browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await signInAsGuest(browser.context);

  await page.goto(`${APP_URL}/catalog/default/model/merchant-risk-scorer`);
  await page
    .getByText('ML production readiness', { exact: true })
    .first()
    .waitFor();
  await page
    .getByText(
      'Model card states intended use, limitations and evaluation data — missing',
    )
    .waitFor();
  await page
    .getByText(/How to fix: Fill spec\.card\.intendedUse/)
    .first()
    .waitFor();
  await screenshot(page, 'scorecard-card');

  await page.getByRole('link', { name: 'Ownership scorecards' }).click();
  await page.getByText('Teams (sub-teams included)').waitFor();
  await page.getByRole('button', { name: 'Product ML' }).click();
  await page.getByTestId('trend-chart').waitFor();
  await page.getByText('What to fix next').waitFor();
  await screenshot(page, 'ownership-scorecards');
});

test("a Pipeline's scorecard folds the checks that don't apply behind their count", async t => {
  const { launchBrowser, signInAsGuest, screenshot, APP_URL } = await import(
    './lib.mjs'
  );
  const own = await launchBrowser();
  t.after(() => own.close());
  const page = await signInAsGuest(own.context);
  const [result] = (
    await eventually(async () => {
      /** @type {EntityResults} */
      const body = await getAsGuest(
        '/api/scorecards/entities/pipeline/default/fraud-training',
      );
      return body.results.length ? body : undefined;
    })
  ).results;
  const na = result.checks.filter(c => c.status === 'na').length;
  const applying = result.checks.length - na;
  assert.ok(na > 1 && applying > 0, `got ${na} na of ${result.checks.length}`);

  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${APP_URL}/catalog/default/pipeline/fraud-training`);
    const toggle = page.getByRole('button', {
      name: `${na} checks don't apply`,
    });
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    const rows = page.locator('[data-testid^="check-"]');
    assert.equal(await rows.count(), applying, `at ${width} px`);
    if (width === 1440) {
      await toggle.evaluate(el => el.scrollIntoView({ block: 'center' }));
      await screenshot(page, 'scorecard-card-pipeline');
    }
    await toggle.click();
    await rows.nth(result.checks.length - 1).waitFor();
    assert.equal(await rows.count(), result.checks.length, `at ${width} px`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  }
});

// Issue 13, item 4: a new Model is graded within 60 seconds of reaching the
// catalog. The clock starts when the catalog answers for the model and stops
// when its page shows a level; the page is reloaded until it does, as a
// person would.
test('item 4: a Model added to the catalog shows its level on its page within 60 s', async t => {
  const { launchBrowser, signInAsGuest, screenshot, APP_URL } = await import(
    './lib.mjs'
  );
  const run = Date.now().toString(36).slice(-5);
  const model = `item4-model-${run}`;
  const ref = `model/default/${model}`;
  // The golden path publishes to tmp/e2e-local-git, whose provider reads
  // the new repository into the catalog at once.
  await runTemplate('training-pipeline', {
    name: `item4-training-${run}`,
    owner: 'group:default/ml-platform',
    orchestrator: 'kubeflow',
    schedule: '0 4 * * *',
    trainingDatasets: ['dataset:default/card-transactions-labeled'],
    evaluationDataset: 'dataset:default/fraud-holdout-2026q3',
    modelName: model,
    modelType: 'classification',
    ci: 'jenkins',
  });
  await eventually(
    async () => {
      const res = await requestAsGuest(
        'GET',
        `/api/catalog/entities/by-name/${ref}`,
      );
      return res.ok ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  const added = Date.now();

  // When the API has the result (reported, not asserted).
  const graded = eventually(
    async () => {
      const body = await getAsGuest(`/api/scorecards/entities/${ref}`);
      return body.results.length ? Date.now() : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  graded.catch(() => {}); // awaited below, once the page has its answer

  const own = await launchBrowser();
  t.after(() => own.close());
  const page = await signInAsGuest(own.context);
  const card = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Scorecards', { exact: true }) });
  const level = card.getByText(/^(Gold|Silver|Bronze|No level)$/).first();
  const notYet = card.getByText('Not graded yet');
  let shown;
  while (!shown && Date.now() - added < 180_000) {
    await page.goto(`${APP_URL}/catalog/default/model/${model}`);
    await level.or(notYet).first().waitFor();
    if (await level.isVisible()) shown = Date.now();
    else await new Promise(r => setTimeout(r, 1000));
  }
  assert.ok(shown, 'the level never showed within 3 minutes');
  const apiSeconds = ((await graded) - added) / 1000;
  const seconds = (shown - added) / 1000;
  // eslint-disable-next-line no-console
  console.log(
    `item 4: model added -> level shown in ${seconds.toFixed(
      1,
    )} s (the API had it after ${apiSeconds.toFixed(1)} s)`,
  );
  await level.evaluate(el => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'scorecard-new-model');
  assert.ok(seconds <= 60, `the level showed after ${seconds.toFixed(1)} s`);
});
