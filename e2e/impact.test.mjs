// @ts-check
// Lineage impact in the running portal: the Impact card on the deprecated
// example dataset, a notice to the downstream owners, and the notice in the
// Notifications page of a member of a downstream team.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
  BACKEND_URL,
  browserForFile,
  eventually,
  getAsGuest,
  requestAsGuest,
  screenshot,
  signInAsGuest,
} from './lib.mjs';

/**
 * @typedef {import('@convergence/backstage-plugin-mlops-common').LineageResponse} LineageResponse
 * @typedef {import('@convergence/backstage-plugin-mlops-common').LineageNotice} LineageNotice
 */

// examples/datasets.yaml: deprecated, owned by ml-platform (the guest's team).
const DATASET = 'card-transactions-2019';
const LINEAGE = `/api/mlops/lineage/dataset/default/${DATASET}`;

const browser = browserForFile();

test('the lineage API answers what is downstream of the deprecated dataset, and refuses without a token', async () => {
  const anonymous = await fetch(`${BACKEND_URL}${LINEAGE}`);
  assert.equal(anonymous.status, 401);

  /** @type {LineageResponse} */
  const body = await eventually(async () => {
    /** @type {LineageResponse} */
    const answer = await getAsGuest(LINEAGE);
    // The catalog stitches the relations a few seconds after start.
    return answer.totals.byKind.Component ? answer : undefined;
  });
  assert.equal(body.root.lifecycle, 'deprecated');
  assert.ok((body.totals.byKind.Model ?? 0) >= 2, JSON.stringify(body.totals));
  assert.ok(body.totals.owners >= 3, JSON.stringify(body.totals));
  const service = body.entities.find(e => e.kind === 'Component');
  assert.ok(service, 'no service downstream');
  // The path ends at the service and passes through a model.
  assert.equal(service.path.at(-1)?.entityRef, service.entityRef);
  assert.ok(
    service.path.some(s => s.entityRef?.startsWith('model:')),
    JSON.stringify(service.path),
  );

  const bad = await requestAsGuest('GET', `${LINEAGE}?depth=99`);
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(await bad.json()), /depth/);
});

test('the scorecards name the deprecated dataset as the cause of the downstream failures', async () => {
  /** @type {LineageResponse} */
  const lineage = await getAsGuest(LINEAGE);
  const graded = lineage.entities.filter(
    e => e.kind === 'Model' || e.kind === 'Component',
  );
  assert.ok(graded.length >= 3, graded.map(e => e.entityRef).join());
  for (const e of graded) {
    const result = await eventually(async () => {
      /** @type {{ results: { checks: { checkId: string, status: string, causes?: string[] }[] }[] }} */
      const body = await getAsGuest(
        `/api/scorecards/entities/${e.kind.toLowerCase()}/${
          e.namespace
        }/${encodeURIComponent(e.name)}`,
      );
      return body.results
        .flatMap(r => r.checks)
        .find(c => c.checkId === 'upstream-not-deprecated');
    });
    assert.equal(result.status, 'fail', e.entityRef);
    assert.ok(
      result.causes?.includes(`dataset:default/${DATASET}`),
      `${e.entityRef}: ${JSON.stringify(result)}`,
    );
  }
});

test('a dataset owner sees the Impact card, notifies the downstream owners, and a downstream team member reads it in Notifications', async () => {
  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/catalog/default/dataset/${DATASET}`);
  await page.getByText('Impact', { exact: true }).waitFor();
  const summary = page.getByText(/\d+ downstream entities, owned by \d+ teams/);
  await summary.waitFor();
  const card = page.locator('.MuiCard-root').filter({ has: summary });
  // The models trained on the dataset, the service depending on one of them.
  for (const name of [
    'dispute-predictor',
    'basket-spend-forecaster',
    'transaction-enrichment',
  ]) {
    await card
      .getByRole('link', { name: new RegExp(name.replaceAll('-', '.'), 'i') })
      .first()
      .waitFor();
  }
  await page
    .getByRole('button', {
      name: 'Show the path to component:default/transaction-enrichment',
    })
    .click();
  await page
    .getByRole('cell', {
      name: 'Path to component:default/transaction-enrichment',
      exact: true,
    })
    .getByRole('link', { name: 'model:default/dispute-predictor' })
    .waitFor();
  await summary.evaluate(e => e.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'impact-card');

  // The guest is a member of ml-platform, which owns the dataset.
  await page.getByRole('button', { name: 'Notify downstream owners' }).click();
  await page.getByLabel('Deprecated from').fill('2099-03-01');
  await page.getByLabel('Message').fill('Use card-transactions-labeled.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText(/Sent to \d+ teams/).waitFor();
  await page.getByText('Deprecated from 2099-03-01').first().waitFor();

  /** @type {{ items: LineageNotice[] }} */
  const notices = await getAsGuest(`${LINEAGE}/notices`);
  const notice = notices.items[0];
  assert.equal(notice.type, 'deprecation');
  assert.equal(notice.sentBy, 'user:default/guest');
  // ml-platform owns a pipeline that consumes the dataset: the guest is a
  // member of a downstream team.
  assert.ok(
    notice.recipients.includes('group:default/ml-platform'),
    notice.recipients.join(),
  );
  assert.ok(notice.recipients.length >= 3, notice.recipients.join());

  await page.goto(`${APP_URL}/notifications`);
  await page
    .getByText(/deprecated from 2099-03-01/i)
    .first()
    .waitFor();
  await screenshot(page, 'impact-notification');
});

test('a notice from someone who does not own the entity is refused', async () => {
  // The guest is not an owner of the fraud team's model.
  const res = await requestAsGuest(
    'POST',
    '/api/mlops/lineage/model/default/fraud-detector/notices',
    { type: 'incident', message: 'e2e' },
  );
  assert.equal(res.status, 403);
});
