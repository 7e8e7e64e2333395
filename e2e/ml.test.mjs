// @ts-check
// The ML kinds in the running portal: API, error reporting and the pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
  browserForFile,
  eventually,
  getAsGuest,
  requestAsGuest,
  screenshot,
  signInAsGuest,
} from './lib.mjs';

/** @param {import('./lib.mjs').Entity} e */
const rels = e => (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);

test('the example models come back from the catalog with their lineage both ways', async () => {
  /** @type {import('./lib.mjs').EntityList} */
  const models = await getAsGuest(
    '/api/catalog/entities/by-query?filter=kind=model&limit=100',
  );
  const names = models.items.map(m => m.metadata.name);
  assert.ok(models.items.length >= 8, `expected ≥ 8 models, got ${names}`);
  for (const m of models.items) {
    assert.ok(
      rels(m).some(r => r.startsWith('ownedBy ')),
      `${m.metadata.name} has no ownedBy`,
    );
  }
  const detector = models.items.find(m => m.metadata.name === 'fraud-detector');
  assert.ok(detector, `fraud-detector missing; got ${names}`);
  assert.ok(
    rels(detector).includes(
      'trainedOn dataset:default/card-transactions-labeled',
    ),
  );
  assert.ok(
    rels(detector).includes('producedBy pipeline:default/fraud-training'),
  );

  const dataset = await getAsGuest(
    '/api/catalog/entities/by-name/dataset/default/card-transactions-labeled',
  );
  assert.ok(
    rels(dataset).includes('trainingDataOf model:default/fraud-detector'),
  );
  const pipeline = await getAsGuest(
    '/api/catalog/entities/by-name/pipeline/default/fraud-training',
  );
  assert.ok(rels(pipeline).includes('produces model:default/fraud-detector'));
  assert.ok(
    rels(pipeline).includes(
      'consumes dataset:default/card-transactions-labeled',
    ),
  );
});

// e2e/app-config.e2e.yaml registers e2e/fixtures/malformed-models.yaml as a
// file location when scripts/test.sh starts the portal.
test('a malformed model from a file location is rejected with the field named; the valid one loads', async () => {
  await eventually(async () => {
    const res = await requestAsGuest(
      'GET',
      '/api/catalog/entities/by-name/model/default/e2e-valid-model',
    );
    return res.ok ? true : undefined;
  });
  const errors = await eventually(async () => {
    /** @type {Record<string, string>} */
    const found = {};
    for (const reason of ['failed', 'pending']) {
      /** @type {{ entities: { unprocessed_entity: import('./lib.mjs').Entity, errors?: { message: string }[] }[] }} */
      const body = await getAsGuest(
        `/api/catalog/entities/unprocessed/${reason}`,
      );
      for (const e of body.entities) {
        if (e.errors?.length)
          found[e.unprocessed_entity.metadata.name] = e.errors
            .map(x => x.message)
            .join('\n');
      }
    }
    return found['e2e-trained-on-number'] && found['e2e-no-owner']
      ? found
      : undefined;
  });
  assert.match(
    errors['e2e-trained-on-number'],
    /\/spec\/trainedOn must be array/,
  );
  assert.match(errors['e2e-no-owner'], /must have required property 'owner'/);
  for (const name of ['e2e-trained-on-number', 'e2e-no-owner']) {
    const res = await requestAsGuest(
      'GET',
      `/api/catalog/entities/by-name/model/default/${name}`,
    );
    assert.equal(res.status, 404, `${name} must not be in the catalog`);
  }
});

const browser = browserForFile();

test('a person opens a Model page and sees versions, the model card and lineage links', async () => {
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/catalog/default/model/fraud-detector`);
  // InfoCard titles are not heading roles.
  await page.getByText('Versions', { exact: true }).waitFor();
  await page.getByRole('cell', { name: 'champion', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Intended use' }).waitFor();
  await page.getByText('Real-time risk score for').waitFor();
  const lineage = page.getByTestId('lineage-Trained on').getByRole('link');
  assert.equal(
    await lineage.getAttribute('href'),
    '/catalog/default/dataset/card-transactions-labeled',
  );
  const usedBy = page.getByTestId('lineage-Used by').getByRole('link');
  assert.equal(
    await usedBy.getAttribute('href'),
    '/catalog/default/component/fraud-scoring-service',
  );
  await screenshot(page, 'model-page');

  await lineage.click();
  await page.getByRole('heading', { name: 'Schema' }).waitFor();
  await page.getByText('PII').first().waitFor();
  await screenshot(page, 'dataset-page');
});

test('a person filters the ML assets page by owner', async () => {
  const page = await signInAsGuest(browser.context);
  await page.getByRole('link', { name: 'ML assets' }).click();
  const all = page.getByText(/^ML assets \(\d+\)$/);
  await all.waitFor();
  // The examples hold 27; providers and templates in other tests add more.
  assert.ok(Number(/\d+/.exec(await all.innerText())?.[0]) >= 27);
  await page.getByLabel('Owner', { exact: true }).click();
  await page.getByRole('option', { name: 'group:default/recsys-ml' }).click();
  await page.getByText(/^ML assets \([1-9]\)$/).waitFor();
  const names = await page.locator('tbody tr td:first-child').allInnerTexts();
  assert.ok(names.includes('Home recommender'), `got ${names}`);
  assert.ok(!names.includes('Fraud detector'), `got ${names}`);
  await screenshot(page, 'ml-assets');
});

/**
 * Measures the Versions table against its card in the browser's own layout.
 * @param {import('playwright-core').Page} page
 */
const versionsTableFit = page =>
  page.evaluate(() => {
    const run = /** @type {HTMLTableCellElement} */ (
      [...document.querySelectorAll('th')].find(
        th => th.innerText.trim().toLowerCase() === 'run',
      )
    );
    const table = /** @type {HTMLTableElement} */ (run.closest('table'));
    const card = /** @type {HTMLElement} */ (table.closest('.MuiCard-root'));
    const c = card.getBoundingClientRect();
    const r = run.getBoundingClientRect();
    return {
      tableWidth: table.scrollWidth,
      cardWidth: card.clientWidth,
      runVisible: r.left >= c.left && r.right <= c.right + 0.5,
    };
  });

test('the Versions table fits its card at 1440 px, and its Run column can be scrolled to on a phone', async t => {
  const page = await signInAsGuest(browser.context);
  t.after(() => page.setViewportSize({ width: 1440, height: 900 }));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${APP_URL}/catalog/default/model/fraud-detector`);
  const run = page.getByRole('columnheader', { name: 'Run', exact: true });
  await run.waitFor();
  const wide = await versionsTableFit(page);
  assert.ok(
    wide.tableWidth <= wide.cardWidth,
    `at 1440 px the table is ${wide.tableWidth} px wide in a ${wide.cardWidth} px card`,
  );
  assert.ok(wide.runVisible, 'the Run column is cut off at 1440 px');
  await page.getByRole('cell', { name: '3b9c1f0e', exact: true }).waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${APP_URL}/catalog/default/model/fraud-detector`);
  await run.waitFor();
  // The table scrolls sideways inside its card.
  await run.scrollIntoViewIfNeeded();
  const narrow = await versionsTableFit(page);
  assert.ok(narrow.runVisible, 'the Run column cannot be reached at 390 px');
  await screenshot(page, 'model-versions-phone');
});

test('an ML entity without documentation offers no TechDocs tab; a documented entity does', async t => {
  const page = await signInAsGuest(browser.context);
  t.after(() => page.setViewportSize({ width: 1440, height: 900 }));
  for (const width of [1440, 800]) {
    await page.setViewportSize({ width, height: 900 });
    // The entity page's tabs are links to its sub-paths.
    /** @type {(path: string, sub: string) => import('playwright-core').Locator} */
    const tab = (path, sub) =>
      page.locator(`a[href="/catalog/default/${path}${sub}"]`);
    for (const path of [
      'model/fraud-detector',
      'dataset/card-transactions-labeled',
      'pipeline/fraud-training',
    ]) {
      await page.goto(`${APP_URL}/catalog/default/${path}`);
      await tab(path, '').filter({ hasText: 'Overview' }).waitFor();
      assert.equal(
        await tab(path, '/docs').count(),
        0,
        `${path} offers a TechDocs tab at ${width} px`,
      );
    }
    // e2e/fixtures/documented-component.yaml has backstage.io/techdocs-ref.
    const documented = 'component/e2e-documented-service';
    await page.goto(`${APP_URL}/catalog/default/${documented}`);
    await tab(documented, '/docs').filter({ hasText: 'TechDocs' }).waitFor();
  }
});
