// Every template, walked in the browser as a new user would: create it from the home page, edit its greeting in the
// file the IDE opens, save, run, see the new greeting in the preview (a web app) or in the run pane (a console
// program), run a command in a terminal, stop the repl and start it again from the IDE, and find the edit again:
// in the editor and, read back through the files API, in what the repl got from storage when it started again.
//
// Against the mock server (no PIER_URL) the preview, the run's output and the shell are fakes: those checks run
// against a real Pier only (IdeBrowserIT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, START_MS, startTarget, stopTarget, launchBrowser, newUser, PREVIEW_WAITING, apiCall, until, editorHas, selectInEditor,
  assertNoProblems, screenshotPath,
} from './harness.mjs';

/** Template, the file its IDE opens first, whether it is a web app (else a console program). */
const STACKS = [
  ['node', 'index.js', true],
  ['node-express', 'index.js', true],
  ['react-vite', 'src/App.jsx', true],
  ['python-flask', 'main.py', true],
  ['python', 'main.py', false],
  ['cpp', 'main.cpp', false],
  ['go', 'main.go', true],
  ['java', 'Main.java', true],
  ['static', 'index.html', true],
];
/** WALK_TEMPLATES, a comma-separated list of template names, walks only those while working on one. */
const ONLY = (process.env.WALK_TEMPLATES ?? '').split(',').filter(Boolean);
// The greeting in the page's heading (or the program's output), not the <title> before it that no preview shows.
const OLD = 'Hello from Pier on';
const NEW = 'Hello from the walk on';

// Vite's client in the preview loses its HMR socket while Run restarts the dev server, logs that, and reloads the
// page once the server is back: the app's own messages, not Pier's.
const VITE_RECONNECTING = /\(https?:\/\/[a-z]+-[a-z]+-[0-9a-f]{6}\.[^)]*\/@vite\/client\)$/;

let target = null;
let browser = null;
let user = null;

before(async () => {
  target = await startTarget();
  browser = await launchBrowser();
  user = await newUser(browser, target.base, { expected: new RegExp(`${PREVIEW_WAITING.source}|${VITE_RECONNECTING.source}`) });
});

after(async () => {
  await browser?.close();
  stopTarget(target);
});

/** The text of the rows xterm drew in the element with this test id. */
const rowsOf = (page, testid) => page.evaluate((sel) => {
  const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
  return rows ? [...rows.children].map((row) => row.textContent.trim()) : [];
}, testid);

/** Reloads the preview pane until it shows `text`; `file` is read back when it never does, to tell where it stuck. */
async function previewShows(page, text, slug, file) {
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  const deadline = Date.now() + START_MS;
  for (;;) {
    await page.click('[data-testid="preview-reload"]');
    try {
      await frame.locator('body').filter({ hasText: text }).waitFor({ timeout: 3000 });
      return;
    } catch {
      if (Date.now() > deadline) {
        const seen = (await frame.locator('body').textContent({ timeout: 2000 }).catch(() => '')) ?? '';
        const run = (await rowsOf(page, 'run-output')).filter(Boolean).slice(-15).join('\n');
        const saved = await page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).text(), `/api/repls/${slug}/files/${file}`);
        assert.fail(`the preview never showed "${text}"; it shows: ${seen.trim().slice(0, 300)}\nrun pane:\n${run}\n${file} in the repl:\n${saved.slice(0, 400)}`);
      }
    }
  }
}

test('every template is created, edited, run, used from a terminal, stopped and started in the IDE', { timeout: 40 * 60 * 1000 }, async (t) => {
  const { page } = user;
  const { base, mock } = target;
  for (const [template, file, web] of STACKS.filter(([name]) => ONLY.length === 0 || ONLY.includes(name))) {
    await t.test(template, async () => {
      let slug = null;
      try {
        await page.goto(`${base}/`);
        await page.click(`[data-testid="template-${template}"]`, { timeout: STEP_MS });
        await page.waitForURL(/\/ide\/[a-z0-9-]+$/, { timeout: STEP_MS });
        slug = new URL(page.url()).pathname.split('/').pop();
        await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });

        // The file the template opens is open; its greeting is edited and saved.
        await page.locator(`[data-testid="tab-${file}"][data-loading="false"]`).waitFor({ timeout: STEP_MS });
        await editorHas(page, OLD);
        await selectInEditor(page, OLD);
        await page.keyboard.type(NEW);
        await editorHas(page, NEW);
        await page.keyboard.press('Control+S');
        await page.locator(`[data-testid="tab-${file}"][data-dirty="false"]`).waitFor({ timeout: STEP_MS });

        await page.click('[data-testid="run-button"]');
        if (!mock) {
          if (web) {
            await previewShows(page, NEW, slug, file);
          } else {
            await until(page, (text) => document.querySelector('[data-testid="run-output"] .xterm-rows')?.textContent.includes(text), NEW, START_MS);
            await page.locator('[data-testid="run-state"]', { hasText: 'Program finished' }).waitFor({ timeout: START_MS });
          }
        }

        // A terminal sees the saved file.
        await page.click('[data-testid="new-terminal"]');
        const term = page.locator('[data-testid^="terminal-"]:visible').last();
        await term.waitFor({ timeout: STEP_MS });
        const termId = await term.getAttribute('data-testid');
        await term.click();
        await page.keyboard.type(`grep -c "${NEW}" ${file} | sed s/^/count=/`);
        await page.keyboard.press('Enter');
        if (!mock) {
          await until(page, (sel) => [...(document.querySelector(`[data-testid="${sel}"] .xterm-rows`)?.children ?? [])]
            .some((row) => row.textContent.trim() === 'count=1'), termId);
        }
        if (template === 'static') await page.screenshot({ path: screenshotPath('ide-static.png'), animations: 'disabled' });

        // Stopped and started from the IDE: the container is new, the files come back from storage.
        await page.click('[data-testid="repl-stop"]');
        await page.locator('[data-testid="start-progress"][data-step="stopped"]').waitFor({ timeout: START_MS });
        assert.equal((await apiCall(page, 'GET', `/api/repls/${slug}`)).body.state, 'stopped');
        await page.click('[data-testid="start-repl"]');
        await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
        await editorHas(page, NEW);
        if (!mock) {
          const stored = await page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).text(), `/api/repls/${slug}/files/${file}`);
          assert.ok(stored.includes(NEW) && !stored.includes(OLD), `${file} as the repl got it back from storage:\n${stored.slice(0, 500)}`);
        }
      } finally {
        // Deleted from the home page's side: an IDE open on it would knock on its session and be refused.
        await page.goto(`${base}/`);
        if (slug) await apiCall(page, 'DELETE', `/api/repls/${slug}`);
      }
    });
  }
  assertNoProblems(user.problems);
});
