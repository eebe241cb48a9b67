// Names and the home page: a repl is created from a template in one click, renamed from the IDE header and from the
// home list, found by the search, sorted by name, creation and last activity, stopped and started from the home list
// (the API agrees), and an invalid title is refused inline in the dialog with the API's message.
//
//   npm run build && node --test e2e/ide-names.test.mjs          # against dev/mock-server.mjs
//   PIER_WALKS=ide-names mvn … -pl e2e verify … IdeBrowserIT     # against a real Pier

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, START_MS, startTarget, stopTarget, launchBrowser, newUser, apiCall, until, assertNoProblems, screenshotPath,
  PREVIEW_WAITING,
} from './harness.mjs';

const TITLE_A = 'Aurora shop';
const DESCRIPTION_A = 'Sells northern lights by the jar';
const TITLE_B = 'Zebra notes';
const DESCRIPTION_B = 'Stripes, counted and catalogued';

let target = null;
let browser = null;

before(async () => {
  target = await startTarget();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  stopTarget(target);
});

test('repls are named, found, sorted, stopped and started from the home page', { timeout: 15 * 60 * 1000 }, async (t) => {
  const { base } = target;
  // What the current step expects the browser to log besides the usual (the invalid title's 400).
  let stepExpects = null;
  const user = await newUser(browser, base, {
    expected: () => (stepExpects ? new RegExp(`${stepExpects.source}|${PREVIEW_WAITING.source}`) : PREVIEW_WAITING),
  });
  const { page, problems } = user;
  const api = (method, url, body) => apiCall(page, method, url, body);
  const rows = (p = page) => p.evaluate(() => [...document.querySelectorAll('[data-testid="repls"] .repl-row[data-slug]')].map((r) => r.dataset.slug));
  const row = (slug) => page.locator(`[data-testid="repl-${slug}"]`);
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };

  let slugA = null;
  let slugB = null;
  try {
    await step('a template creates a repl in one click, asking nothing; it has no title yet', async () => {
      await page.goto(`${base}/`);
      await page.locator('[data-testid="repls-empty"]').waitFor({ timeout: STEP_MS });
      await page.click('[data-testid="template-node"]');
      await page.waitForURL(/\/ide\/[a-z0-9-]+$/, { timeout: STEP_MS });
      slugA = new URL(page.url()).pathname.split('/').pop();
      await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      assert.equal(await page.textContent('[data-testid="repl-slug"]'), slugA);
      assert.equal(await page.locator('[data-testid="repl-title"]').count(), 0, 'no title: the header shows the slug alone');
      assert.equal((await api('GET', `/api/repls/${slugA}`)).body.title ?? null, null);
    });

    await step('the repl is renamed from the IDE header', async () => {
      await page.click('[data-testid="repl-name"]');
      const dialog = page.locator('[data-testid="rename-dialog"]');
      await dialog.waitFor({ timeout: STEP_MS });
      await page.fill('[data-testid="rename-title"]', TITLE_A);
      await page.fill('[data-testid="rename-description"]', DESCRIPTION_A);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: screenshotPath('ide-rename.png'), animations: 'disabled' });
      await page.click('[data-testid="rename-save"]');
      await dialog.waitFor({ state: 'detached', timeout: STEP_MS });
      await until(page, (title) => document.querySelector('[data-testid="repl-title"]')?.textContent === title, TITLE_A);
      assert.equal(await page.textContent('[data-testid="repl-slug"]'), slugA, 'the slug stays, beneath the title');
      assert.match(await page.title(), new RegExp(`^${TITLE_A}`));
      const stored = (await api('GET', `/api/repls/${slugA}`)).body;
      assert.equal(stored.title, TITLE_A);
      assert.equal(stored.description, DESCRIPTION_A);
    });

    await step('a second repl; the home list shows both, with the new title and the slug beneath', async () => {
      const created = await api('POST', '/api/repls', { template: 'python' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      slugB = created.body.slug;
      await page.goto(`${base}/`);
      await row(slugA).waitFor({ timeout: STEP_MS });
      await row(slugB).waitFor({ timeout: STEP_MS });
      assert.equal(await row(slugA).locator('[data-testid="repl-title"]').textContent(), TITLE_A);
      assert.equal(await row(slugA).locator('[data-testid="repl-slug"]').textContent(), slugA);
      assert.equal(await row(slugA).locator('[data-testid="repl-desc"]').textContent(), DESCRIPTION_A);
      assert.equal(await row(slugB).locator('[data-testid="repl-title"]').textContent(), slugB, 'no title: the slug');
      assert.ok(await page.evaluate(() => {
        const repls = document.querySelector('[data-testid="repls"]');
        const templates = document.querySelector('[data-testid="templates"]');
        return !!(repls.compareDocumentPosition(templates) & Node.DOCUMENT_POSITION_FOLLOWING);
      }), '"Your repls" comes before the templates');
    });

    await step('an invalid title is refused inline, with the API\'s message, and nothing changes', async () => {
      stepExpects = /status of 400/;
      await row(slugB).locator('[data-testid="repl-rename"]').click();
      const dialog = page.locator('[data-testid="rename-dialog"]');
      await dialog.waitFor({ timeout: STEP_MS });
      await page.fill('[data-testid="rename-title"]', 'x'.repeat(81));
      await page.click('[data-testid="rename-save"]');
      const error = page.locator('[data-testid="rename-title-error"]');
      await error.waitFor({ state: 'visible', timeout: STEP_MS });
      assert.match(await error.textContent(), /81 characters; at most 80/);
      assert.ok(await dialog.isVisible(), 'the dialog stays open');
      assert.equal((await api('GET', `/api/repls/${slugB}`)).body.title ?? null, null);
      // Typing again clears the error.
      await page.fill('[data-testid="rename-title"]', TITLE_B);
      await error.waitFor({ state: 'hidden', timeout: STEP_MS });
      stepExpects = null;
    });

    await step('the other repl is renamed from the home page', async () => {
      await page.fill('[data-testid="rename-description"]', DESCRIPTION_B);
      await page.click('[data-testid="rename-save"]');
      await page.locator('[data-testid="rename-dialog"]').waitFor({ state: 'detached', timeout: STEP_MS });
      await until(page, ([slug, title]) => document.querySelector(`[data-testid="repl-${slug}"] [data-testid="repl-title"]`)?.textContent === title, [slugB, TITLE_B]);
      assert.equal((await api('GET', `/api/repls/${slugB}`)).body.title, TITLE_B);
      // Still so after a reload: the list shows what the API stored.
      await page.reload();
      await row(slugB).locator('[data-testid="repl-title"]', { hasText: TITLE_B }).waitFor({ timeout: STEP_MS });
      assert.equal(await row(slugB).locator('[data-testid="repl-desc"]').textContent(), DESCRIPTION_B);
    });

    await step('the search finds a repl by title, slug or description', async () => {
      const search = page.locator('[data-testid="repl-search"]');
      await search.fill('zebra');
      await until(page, (slug) => [...document.querySelectorAll('.repl-row[data-slug]')].map((r) => r.dataset.slug).join() === slug, slugB);
      await search.fill('northern lights');
      await until(page, (slug) => [...document.querySelectorAll('.repl-row[data-slug]')].map((r) => r.dataset.slug).join() === slug, slugA);
      await search.fill(slugB.slice(0, -2));
      await until(page, (slug) => [...document.querySelectorAll('.repl-row[data-slug]')].map((r) => r.dataset.slug).join() === slug, slugB);
      await search.fill('no repl is called this');
      await page.locator('[data-testid="repls-no-match"]').waitFor({ timeout: STEP_MS });
      await search.fill('');
      await until(page, () => document.querySelectorAll('.repl-row[data-slug]').length === 2);
    });

    await step('the sort orders by name, by creation and by last activity, and is remembered', async () => {
      await page.selectOption('[data-testid="repl-sort"]', 'name');
      assert.deepEqual(await rows(), [slugA, slugB], 'Aurora before Zebra');
      await page.selectOption('[data-testid="repl-sort"]', 'created');
      assert.deepEqual(await rows(), [slugB, slugA], 'the newest first');
      await page.reload();
      await row(slugA).waitFor({ timeout: STEP_MS });
      assert.equal(await page.inputValue('[data-testid="repl-sort"]'), 'created');
      assert.deepEqual(await rows(), [slugB, slugA]);
      await page.selectOption('[data-testid="repl-sort"]', 'active');
      const listed = (await api('GET', '/api/repls')).body.repls;
      const expected = [...listed].sort((a, b) => Date.parse(b.lastActiveAt) - Date.parse(a.lastActiveAt) || Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .map((r) => r.slug);
      assert.deepEqual(await rows(), expected, `by lastActiveAt: ${JSON.stringify(listed.map((r) => [r.slug, r.lastActiveAt]))}`);
      const shown = await row(slugA).locator('[data-testid="repl-active"]').getAttribute('title');
      assert.match(shown, /^Last active /);
    });

    await step('Stop on the home list stops the repl: the row and the API say stopped', async () => {
      await row(slugA).locator('[data-testid="repl-stop"]').click();
      await page.locator(`[data-testid="repl-${slugA}"][data-state="stopped"]`).waitFor({ timeout: START_MS });
      await row(slugA).locator('[data-testid="repl-start"]').waitFor({ timeout: STEP_MS });
      assert.equal((await api('GET', `/api/repls/${slugA}`)).body.state, 'stopped');
    });

    await step('Start on the home list starts it again', async () => {
      await row(slugA).locator('[data-testid="repl-start"]').click();
      await page.locator(`[data-testid="repl-${slugA}"][data-state="running"]`).waitFor({ timeout: START_MS });
      await row(slugA).locator('[data-testid="repl-stop"]').waitFor({ timeout: STEP_MS });
      assert.equal((await api('GET', `/api/repls/${slugA}`)).body.state, 'running');
      await page.selectOption('[data-testid="repl-sort"]', 'name');
      await page.mouse.move(0, 0);
      await until(page, () => !document.querySelector('.toast'), undefined, STEP_MS);
      await page.screenshot({ path: screenshotPath('home-repls.png'), animations: 'disabled' });
    });

    await step('no console errors or page errors', async () => {
      assertNoProblems(problems);
    });
  } finally {
    for (const slug of [slugA, slugB]) if (slug) await api('DELETE', `/api/repls/${slug}`).catch(() => {});
  }
});
