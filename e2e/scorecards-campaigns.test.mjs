// @ts-check
// Scorecards that move teams, in the running portal: a person creates a
// campaign on the Campaigns page and sees its progress; requests an exemption
// on a failing check of an entity the campaign covers; an owner approves it;
// the check shows exempt and the campaign's progress moves. Then the weekly
// digest: the e2e portal runs it every 10 seconds, yet the guest's team
// receives it once this week.
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
 * @typedef {import('@convergence/backstage-plugin-scorecards-common').CampaignDetails} CampaignDetails
 * @typedef {import('@convergence/backstage-plugin-scorecards-common').CampaignSummary} CampaignSummary
 * @typedef {import('@convergence/backstage-plugin-scorecards-common').EntityScorecardResult} EntityScorecardResult
 */

// examples/datasets.yaml: ml-platform's (the guest's team) support tickets
// hold personal data without a retention period.
const DATASET = 'support-tickets';
const CHECK = 'dataset-pii-retention';
const TEAM = 'group:default/ml-platform';
const run = Date.now().toString(36).slice(-5);
const TITLE = `E2E retention ${run}`;

const browser = browserForFile();

/** The dataset's stored status of the check. */
async function checkStatus() {
  /** @type {{ results: EntityScorecardResult[] }} */
  const body = await getAsGuest(
    `/api/scorecards/entities/dataset/default/${DATASET}`,
  );
  return body.results.flatMap(r => r.checks).find(c => c.checkId === CHECK)
    ?.status;
}

test('the campaigns API refuses a caller without a token', async () => {
  for (const path of [
    '/api/scorecards/campaigns',
    '/api/scorecards/campaigns/production-models-silver',
    '/api/scorecards/exemption-requests',
  ]) {
    const res = await fetch(`${BACKEND_URL}${path}`);
    assert.equal(res.status, 401, path);
  }
});

test('the configured campaign is listed with its progress', async () => {
  /** @type {{ items: CampaignSummary[] }} */
  const body = await getAsGuest('/api/scorecards/campaigns?state=all');
  const configured = body.items.find(c => c.id === 'production-models-silver');
  assert.ok(configured, JSON.stringify(body.items.map(c => c.id)));
  assert.equal(configured.source, 'config');
  assert.ok(configured.progress.total + configured.progress.ungraded > 0);
});

test('a person creates a campaign, requests an exemption, an owner approves it, and the progress moves', async () => {
  // The example estate is graded a few seconds after start.
  await eventually(
    async () => ((await checkStatus()) === 'fail' ? true : undefined),
    {
      timeoutMs: 120_000,
    },
  );

  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/campaigns`);
  // The guest is in ml-platform, an admin group: allowed to manage campaigns.
  await page.getByTestId('new-campaign-button').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Title').fill(TITLE);
  await dialog
    .getByLabel('Description')
    .fill('Every dataset of ours with personal data says how long it is kept.');
  await dialog.getByLabel('Scorecard').selectOption('ml-production-readiness');
  await dialog.getByLabel('Target').selectOption('checks');
  await dialog.getByTestId(`campaign-check-${CHECK}`).check();
  await dialog
    .getByLabel('Entities (catalog filter, JSON)')
    .fill(JSON.stringify({ kind: 'Dataset', 'spec.owner': TEAM }));
  const deadline = new Date(Date.now() + 30 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  await dialog.getByLabel('Deadline').fill(deadline);
  await dialog.getByLabel('Owner (group)').fill(TEAM);
  await dialog.getByTestId('campaign-create-submit').click();

  // The new campaign's page.
  await page.getByRole('heading', { name: TITLE }).first().waitFor();
  const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  assert.match(id, /^e2e-retention-/);
  /** @type {CampaignDetails} */
  const before = await getAsGuest(`/api/scorecards/campaigns/${id}`);
  const { done, total } = before.campaign.progress;
  assert.ok(done < total, JSON.stringify(before.campaign.progress));
  assert.ok(
    before.entities.some(
      e =>
        e.entityRef === `dataset:default/${DATASET}` &&
        !e.done &&
        e.failingChecks.includes(CHECK),
    ),
    JSON.stringify(before.entities),
  );
  await page
    .getByTestId('campaign-progress-text')
    .filter({ hasText: `${done} of ${total}` })
    .waitFor();
  await page
    .getByTestId(`campaign-failing-dataset:default/${DATASET}`)
    .getByText('Personal data has a retention period')
    .waitFor();
  await screenshot(page, 'campaign-progress');

  // The dataset's scorecard: request an exemption from the failing check.
  await page.goto(`${APP_URL}/catalog/default/dataset/${DATASET}`);
  await page.getByTestId(`request-exemption-${CHECK}`).click();
  const request = page.getByRole('dialog');
  await request
    .getByLabel('Reason')
    .fill(
      'Tickets are deleted by the help desk after 18 months; retention lands in Q1.',
    );
  await request.getByRole('button', { name: 'Submit' }).click();
  const pending = page.getByTestId(`exemption-request-${CHECK}`);
  await pending.getByText('Exemption requested · pending').waitFor();
  await pending.evaluate(e => e.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'exemption-request');

  // The guest also belongs to the dataset's owners: it may decide.
  await page.getByTestId(`approve-exemption-${CHECK}`).click();
  await page
    .getByTestId(`exemption-${CHECK}`)
    .getByText(/exempt until .* approved by/)
    .waitFor();
  await page
    .getByTestId(`exemption-${CHECK}`)
    .evaluate(e => e.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'exemption-approved');
  assert.equal(await checkStatus(), 'exempt');

  /** @type {{ requests: { status: string, decidedBy?: string }[] }} */
  const requests = await getAsGuest(
    `/api/scorecards/entities/dataset/default/${DATASET}/exemption-requests`,
  );
  assert.equal(requests.requests[0]?.status, 'approved');
  assert.equal(requests.requests[0]?.decidedBy, 'user:default/guest');

  // The campaign moved by one.
  /** @type {CampaignDetails} */
  const after = await getAsGuest(`/api/scorecards/campaigns/${id}`);
  assert.deepEqual(
    [after.campaign.progress.done, after.campaign.progress.total],
    [done + 1, total],
  );
  await page.goto(`${APP_URL}/campaigns/${id}`);
  await page
    .getByTestId('campaign-progress-text')
    .filter({ hasText: `${done + 1} of ${total}` })
    .waitFor();
  const team = after.teams.find(t => t.owner === TEAM);
  assert.ok(team, JSON.stringify(after.teams));
  await page
    .getByTestId(`campaign-team-${TEAM}-text`)
    .filter({ hasText: `${team.done} of ${team.total}` })
    .waitFor();

  // The list shows it with its days left; the team's page, its open campaigns.
  await page.goto(`${APP_URL}/campaigns`);
  await page.getByTestId(`campaign-progress-${id}-text`).waitFor();
  await page
    .getByTestId(`campaign-time-${id}`)
    .getByText(/days left/)
    .waitFor();
  await screenshot(page, 'campaigns');
  await page.goto(`${APP_URL}/catalog/default/group/ml-platform`);
  await page.getByTestId(`group-campaign-${id}-text`).waitFor();
});

test('a second pending request for the same check is refused, and a non-owner cannot decide one', async () => {
  // merchant-risk-scorer has no model card: it fails model-card-complete.
  const path = `/api/scorecards/entities/model/default/merchant-risk-scorer/exemption-requests`;
  const body = {
    checkId: 'model-card-complete',
    reason: `e2e ${run}: monitoring moves to the new stack`,
    expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  };
  const first = await requestAsGuest('POST', path, body);
  assert.equal(first.status, 201, await first.clone().text());
  const second = await requestAsGuest('POST', path, body);
  assert.equal(second.status, 409);
  // Too far ahead: scorecards.exemptions.maxDays is 90.
  const tooLong = await requestAsGuest('POST', path, {
    ...body,
    expiresAt: new Date(Date.now() + 120 * 86_400_000).toISOString(),
  });
  assert.equal(tooLong.status, 400);
  assert.match(await tooLong.text(), /expiresAt/);
  // The guest does not own fraud-ml's model: it may ask, not approve (the
  // e2e portal leaves exemptions to the owners, app-config.e2e.yaml).
  const { id } = await first.json();
  const decide = (/** @type {string} */ decision) =>
    requestAsGuest(
      'POST',
      `/api/scorecards/exemption-requests/${id}/${decision}`,
      { comment: 'not ours' },
    );
  assert.equal((await decide('approve')).status, 403);
  /** @type {{ requests: { id: string, status: string }[] }} */
  const listed = await getAsGuest(
    '/api/scorecards/exemption-requests?status=pending&owner=group:default/fraud-ml',
  );
  assert.ok(
    listed.requests.some(r => r.id === id && r.status === 'pending'),
    JSON.stringify(listed.requests),
  );
  // As its requester, it may withdraw it.
  const withdrawn = await decide('reject');
  assert.equal(withdrawn.status, 200, await withdrawn.clone().text());
  assert.equal((await withdrawn.json()).request.status, 'rejected');
});

test('the weekly digest reaches the guest’s team once, though it runs every 10 seconds', async () => {
  const title = 'Weekly scorecards: ml-platform';
  /** @type {{ totalCount: number, notifications: { payload: { title: string, description?: string } }[] }} */
  const first = await eventually(
    async () => {
      /** @type {{ totalCount: number, notifications: { payload: { title: string, description?: string } }[] }} */
      const body = await getAsGuest(
        '/api/notifications/notifications?topic=scorecards-digest',
      );
      return body.notifications.some(n => n.payload.title === title)
        ? body
        : undefined;
    },
    { timeoutMs: 120_000 },
  );
  // Three more runs of the task.
  await new Promise(resolve => setTimeout(resolve, 35_000));
  /** @type {{ notifications: { payload: { title: string } }[] }} */
  const later = await getAsGuest(
    '/api/notifications/notifications?topic=scorecards-digest',
  );
  assert.equal(
    later.notifications.filter(n => n.payload.title === title).length,
    1,
    JSON.stringify(later.notifications.map(n => n.payload.title)),
  );
  const digest = first.notifications.find(n => n.payload.title === title);
  assert.ok(digest?.payload.description, 'the digest says something');

  const page = await signInAsGuest(browser.context);
  await page.goto(`${APP_URL}/notifications`);
  await page.getByText(title).first().waitFor();
  // The whole digest, for the screenshot.
  const more = page.locator('tr', { hasText: title }).getByText('Show more');
  if (await more.count()) await more.first().click();
  await screenshot(page, 'weekly-digest');
});
