// @ts-check
// Shared helpers for the end-to-end tests: the running portal and a real
// headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
/** @import { BrowserContext, Page } from 'playwright-core' */
/**
 * @typedef {import('@backstage/catalog-model').Entity} Entity
 * @typedef {{ items: Entity[] }} EntityList the catalog's by-query answer
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';

export const APP_URL =
  process.env.CONVERGENCE_APP_URL ?? 'http://localhost:3000';
export const BACKEND_URL =
  process.env.CONVERGENCE_BACKEND_URL ?? 'http://localhost:7007';
// Git-ignored; scripts/screenshots.sh copies them into docs/screenshots/.
export const SCREENSHOT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../tmp/screenshots',
);

/**
 * A Backstage token for the guest user, as the sign-in page gets one.
 * @param {string} [backendUrl] another backend than the portal's
 */
export async function guestToken(backendUrl = BACKEND_URL) {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/**
 * GET a backend path as the guest; returns the parsed JSON body.
 * @param {string} pathAndQuery
 * @param {string} [token]
 * @returns {Promise<any>}
 */
export async function getAsGuest(pathAndQuery, token) {
  const res = await fetch(`${BACKEND_URL}${pathAndQuery}`, {
    headers: { Authorization: `Bearer ${token ?? (await guestToken())}` },
  });
  if (!res.ok) throw new Error(`GET ${pathAndQuery} answered ${res.status}`);
  return res.json();
}

/**
 * Sends a request to the backend as the guest; returns the Response.
 * @param {string} method
 * @param {string} pathAndQuery
 * @param {object} [body]
 * @returns {Promise<Response>}
 */
export async function requestAsGuest(method, pathAndQuery, body) {
  return fetch(`${BACKEND_URL}${pathAndQuery}`, {
    method,
    headers: {
      Authorization: `Bearer ${await guestToken()}`,
      ...(body && { 'Content-Type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
}

/**
 * Polls fn until it returns something other than undefined.
 * @template T
 * @param {() => T | undefined | Promise<T | undefined>} fn
 * @param {{ timeoutMs?: number, intervalMs?: number }} [options]
 * @returns {Promise<T>}
 */
export async function eventually(
  fn,
  { timeoutMs = 60_000, intervalMs = 1000 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/**
 * A launched browser: its one persistent context, and close().
 * @typedef {{ context: BrowserContext, close(): Promise<void> }} Browser
 */

/**
 * Launches headless Chromium with the flags this closed network needs.
 * @returns {Promise<Browser>}
 */
export async function launchBrowser() {
  const userDataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'convergence-chromium-'),
  );
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The browser of one test file: launched before its first test and closed
 * after its last (call it at the file's top level, where node:test hooks go).
 * @returns {{ readonly context: BrowserContext }}
 */
export function browserForFile() {
  /** @type {Browser | undefined} */
  let browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    get context() {
      assert.ok(browser, 'the browser is launched before the first test');
      return browser.context;
    },
  };
}

/**
 * Opens the portal and signs in through the guest sign-in page (a context that
 * is already signed in goes straight to the catalog).
 * @param {BrowserContext} context
 * @returns {Promise<Page>}
 */
export async function signInAsGuest(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  await page.goto(APP_URL);
  const enter = page.getByRole('button', { name: 'Enter' });
  // Signed in: the catalog (the landing page) shows its title.
  const catalog = page.getByRole('heading', { name: 'Acme ML Catalog' });
  await enter.or(catalog).first().waitFor();
  if (await enter.isVisible()) await enter.click();
  await catalog.waitFor();
  return page;
}

/**
 * Saves a screenshot of the page as tmp/screenshots/<name>.png.
 * @param {Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Runs a template through the scaffolder API; returns its output.
 * @param {string} name
 * @param {object} values
 * @returns {Promise<any>}
 */
export async function runTemplate(name, values) {
  const res = await requestAsGuest('POST', '/api/scaffolder/v2/tasks', {
    templateRef: `template:default/${name}`,
    values,
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = await res.json();
  const task = await eventually(
    async () => {
      const t = await getAsGuest(`/api/scaffolder/v2/tasks/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(t.status)
        ? t
        : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
  /** @type {{ type: string, body: { message?: string, output?: unknown } }[]} */
  const events = await getAsGuest(`/api/scaffolder/v2/tasks/${id}/events`);
  if (task.status !== 'completed') {
    throw new Error(
      `${name} ${task.status}:\n${events.map(e => e.body.message).join('\n')}`,
    );
  }
  return events.find(e => e.type === 'completion')?.body.output;
}
