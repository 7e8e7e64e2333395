// @ts-check
// Smoke test of the running portal (started by scripts/test.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
  BACKEND_URL,
  browserForFile,
  eventually,
  getAsGuest,
  screenshot,
  signInAsGuest,
} from './lib.mjs';

test('the catalog API refuses an unauthenticated request with 401', async () => {
  const res = await fetch(`${BACKEND_URL}/api/catalog/entities`);
  assert.equal(res.status, 401);
});

test('the example organisation is in the catalog for a signed-in user', async () => {
  /** @type {import('./lib.mjs').EntityList} */
  const groups = await getAsGuest(
    '/api/catalog/entities/by-query?filter=kind=group&limit=100',
  );
  const names = groups.items.map(g => g.metadata.name).sort();
  for (const team of [
    'ml-platform',
    'fraud-ml',
    'recsys-ml',
    'data-engineering',
  ]) {
    assert.ok(names.includes(team), `group ${team} missing; got ${names}`);
  }
  const services = await getAsGuest(
    '/api/catalog/entities/by-query?filter=kind=component,spec.type=service',
  );
  assert.ok(services.items.length >= 5, 'expected the example services');
});

const browser = browserForFile();

test('a person signs in as guest, browses the catalog and opens a team', async () => {
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/?filters[kind]=component&filters[user]=all`);
  await page
    .getByRole('link', { name: 'Fraud scoring service' })
    .first()
    .waitFor();
  await screenshot(page, 'catalog');

  await page.goto(`${APP_URL}/catalog/default/group/fraud-ml`);
  await page
    .getByRole('heading', { name: /Fraud ML/ })
    .first()
    .waitFor();
  // The team page lists its members.
  await page.getByText('Mei Tanaka').first().waitFor();
  await screenshot(page, 'group-page');
});

test('the Search page finds catalog entities although no documentation is indexed, with no 5xx', async t => {
  const page = await signInAsGuest(browser.context);
  t.after(() => page.setViewportSize({ width: 1440, height: 900 }));
  /** @type {string[]} */
  const failed = [];
  /** @param {import('playwright-core').Response} r */
  const onResponse = r => {
    if (r.status() >= 500) failed.push(`${r.status()} ${r.url()}`);
  };
  page.on('response', onResponse);
  t.after(() => page.off('response', onResponse));
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    // The catalog's documents are collated a few seconds after start.
    await eventually(
      async () => {
        await page.goto(`${APP_URL}/search?query=fraud`);
        await page
          .getByRole('link', { name: 'Fraud detector' })
          .first()
          .waitFor({ timeout: 10_000 });
        return true;
      },
      { timeoutMs: 120_000 },
    );
    if (width === 1440) {
      // Documentation, the other result type, has nothing indexed.
      await page.getByText('Documentation', { exact: true }).click();
      const empty = page.getByText(/no results were found/i);
      const error = page.getByText(/Error encountered while fetching/);
      await empty.or(error).first().waitFor();
      assert.deepEqual(failed, [], `at ${width} px`);
      assert.ok(await empty.isVisible(), 'Documentation shows an error');
      // Back to all result types (the first "All" on the page).
      await page.getByText('All', { exact: true }).first().click();
      await page
        .getByRole('link', { name: 'Fraud detector' })
        .first()
        .waitFor();
      await screenshot(page, 'search');
    }
    assert.deepEqual(failed, [], `at ${width} px`);
  }
});
