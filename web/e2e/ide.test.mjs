// Browser test of the IDE against a running Pier, driven through Debian's Chromium by playwright-core.
//
//   PIER_URL=http://pier.localhost:8080 npm test     # against a real Pier (./pier up)
//   npm test                                          # without PIER_URL: against dev/mock-server.mjs
//
// It creates a fresh account through the sign-in card, creates a repl from the `node` template, edits the greeting in
// index.js, saves, restarts the app, sees the new greeting in the preview, runs a command in a terminal, reloads the
// page and finds the edit again. Made private, the preview still shows in the IDE, a stranger is sent to sign in and
// refused, and the owner gets in from another browser. Then: another account can neither list nor open the repl,
// signing out brings the sign-in card back and the API answers 401, and the IDE sends a signed-out user to sign in
// and back.
// Screenshots go to docs/screenshots/ (SCREENSHOT_DIR overrides). KEEP_REPL=1 keeps the repl afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SHOTS, STEP_MS, START_MS, PASSWORD, newUsername, startTarget, stopTarget, launchBrowser, watchPage,
  apiCall as apiCallFrom, until as untilIn, EDITOR_TEXT, assertNoProblems, selectInEditor as selectIn, PREVIEW_WAITING,
} from './harness.mjs';

const GREETING_OLD = 'Hello from Pier on Node.js';
const GREETING_NEW = 'Hello from the IDE test';
const USERNAME = newUsername();

let target = null;
let base = null;
let mock = null;
let browser = null;
let context = null;
let page = null;
let slug = null;
const problems = [];
/** The paths of every request the page made. */
const asked = [];

before(async () => {
  target = await startTarget();
  ({ base, mock } = target);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  // The preview pane loads while an app starts again (Run, Start, a fork's first start): its 502 "Waiting for the
  // app" page, which loads itself again, is expected.
  page = watchPage(await context.newPage(), problems, PREVIEW_WAITING);
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (slug && page && process.env.KEEP_REPL !== '1') {
    // Signed in or not by now: sign in again as the owner to delete the repl.
    if (!page.url().startsWith(base)) await page.goto(`${base}/`).catch(() => {});
    await apiCall('POST', '/api/auth/login', { username: USERNAME, password: PASSWORD }).catch(() => {});
    await apiCall('DELETE', `/api/repls/${slug}`).catch(() => {});
  }
  await browser?.close();
  stopTarget(target);
  if (problems.length) console.log(`# browser reported:\n${problems.map((p) => `#   ${p}`).join('\n')}`);
});

/** A call to Pier's API from the page (`p`, default the test's page), with its cookies: `{status, body}`. */
const apiCall = (method, url, body, p = page) => apiCallFrom(p, method, url, body);

/** Fills the sign-in card and submits it (in whichever mode it is). */
async function submitAuth(username, password, p = page) {
  await p.fill('[data-testid="auth-username"]', username);
  await p.fill('[data-testid="auth-password"]', password);
  await p.click('[data-testid="auth-submit"]');
}

/** Waits until fn (run in the page) returns a truthy value. */
const until = (fn, arg, timeout = STEP_MS) => untilIn(page, fn, arg, timeout);

const editorText = () => page.evaluate(EDITOR_TEXT);
const editorHas = (text, timeout) => until(`(${EDITOR_TEXT})().includes(${JSON.stringify(text)})`, undefined, timeout);

/** Selects the first occurrence of `needle` in the editor through the DOM selection, as a user's drag would. */
const selectInEditor = (needle) => selectIn(page, needle);

test('the IDE edits, saves, runs, previews and opens a terminal', { timeout: 15 * 60 * 1000 }, async (t) => {
  let failed = false;
  const step = (name, fn) => t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
    try { await fn(); } catch (e) { failed = true; throw e; }
  });

  await step('signed out, the home page shows the sign-in card and the API answers 401', async () => {
    await page.goto(`${base}/`);
    await page.locator('[data-testid="auth-submit"]').waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator('[data-testid="user-name"]').count(), 0);
    assert.equal((await apiCall('GET', '/api/auth/me')).status, 401);
    const list = await apiCall('GET', '/api/repls');
    assert.equal(list.status, 401);
    assert.equal(list.body?.error, 'unauthenticated');
    assert.equal((await apiCall('GET', '/api/templates')).status, 200, 'the templates are public');
    await page.screenshot({ path: path.join(SHOTS, 'signin.png'), animations: 'disabled' });
  });

  await step('wrong credentials show an inline error', async () => {
    await submitAuth(USERNAME, PASSWORD);
    const error = page.locator('[data-testid="auth-error"]');
    await error.waitFor({ timeout: STEP_MS });
    assert.match(await error.textContent(), /\S/);
    assert.equal(await page.locator('[data-testid="user-name"]').count(), 0);
  });

  await step('a new account is created through the sign-in card', async () => {
    await page.click('[data-testid="auth-toggle"]');
    assert.equal(await page.locator('[data-testid="auth-error"]:visible').count(), 0, 'switching clears the error');
    assert.match(await page.textContent('[data-testid="auth-submit"]'), /create/i);
    await submitAuth(USERNAME, 'short');
    await page.locator('[data-testid="auth-error"]').waitFor({ timeout: STEP_MS }); // checked before it is sent
    await submitAuth(USERNAME, PASSWORD);
    await until((name) => document.querySelector('[data-testid="user-name"]')?.textContent === name, USERNAME);
    await page.locator('[data-testid="sign-out"]').waitFor({ timeout: STEP_MS });
    const cookie = (await context.cookies(base)).find((c) => c.name === 'pier_token');
    assert.ok(cookie, 'the session cookie is set');
    assert.ok(cookie.httpOnly && cookie.sameSite === 'Lax' && cookie.path === '/', `cookie flags: ${JSON.stringify(cookie)}`);
    assert.ok(!cookie.domain.startsWith('.'), `the cookie is host-only (previews must not get it): ${cookie.domain}`);
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('pier_token'), 'scripts cannot read the cookie');
    const me = (await apiCall('GET', '/api/auth/me')).body;
    assert.equal(me.username, USERNAME);
    assert.equal(me.admin, false);
    assert.ok(!me.apiKey, 'signed in with a password, not a key');
  });

  await step('home page lists the templates and no repls yet', async () => {
    await page.locator('[data-testid="template-node"]:not([disabled])').waitFor({ timeout: STEP_MS });
    await until(() => !document.querySelector('.skeleton'));
    await page.locator('[data-testid="repls-empty"]').waitFor({ timeout: STEP_MS });
    assert.ok(!asked.includes('/api/nodes'), 'a user who administers nothing never asks for the nodes (a 403 each time)');
    assert.equal(await page.locator('[data-testid="fleet-status"]:visible').count(), 0, 'nor sees the fleet');
  });

  await step('the node template creates a repl and opens it in the IDE', async () => {
    await page.click('[data-testid="template-node"]');
    await page.waitForURL(/\/ide\/[a-z0-9-]+$/, { timeout: STEP_MS });
    slug = new URL(page.url()).pathname.split('/').pop();
    await page.locator('[data-testid="start-progress"]').first().waitFor({ state: 'attached', timeout: STEP_MS });
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
    assert.equal(await page.textContent('[data-testid="repl-slug"]'), slug);
  });

  await step('index.js opens from the file tree', async () => {
    await page.click('[data-testid="file-index.js"]', { timeout: STEP_MS });
    await page.locator('[data-testid="tab-index.js"][data-loading="false"]').waitFor({ timeout: STEP_MS });
    await editorHas(GREETING_OLD);
  });

  await step('the greeting is edited and saved with Ctrl+S', async () => {
    await selectInEditor(GREETING_OLD);
    await page.keyboard.type(GREETING_NEW);
    assert.ok((await editorText()).includes(GREETING_NEW), 'the editor shows the typed text');
    await page.keyboard.press('Control+S');
    await page.locator('[data-testid="tab-index.js"][data-dirty="false"]').waitFor({ timeout: STEP_MS });
    assert.ok(!(await editorText()).includes(GREETING_OLD));
  });

  await step('Run restarts the app and the preview shows the new greeting', async () => {
    await page.click('[data-testid="run-button"]');
    const frame = page.frameLocator('[data-testid="preview-frame"]');
    const deadline = Date.now() + STEP_MS;
    let seen = '';
    for (;;) {
      await page.click('[data-testid="preview-reload"]');
      try {
        await frame.locator('body').filter({ hasText: GREETING_NEW }).waitFor({ timeout: 3000 });
        break;
      } catch {
        seen = (await frame.locator('body').textContent({ timeout: 2000 }).catch(() => '')) ?? '';
        if (Date.now() > deadline) assert.fail(`the preview never showed "${GREETING_NEW}"; it shows: ${seen.trim().slice(0, 200)}`);
      }
    }
  });

  await step('made private, the preview still shows in the IDE; a stranger must sign in and only the owner gets in', async () => {
    // The pane reloads through the hand-over (preview host → apex → preview host), inside the iframe.
    const handedOver = mock ? null : page.waitForResponse((r) => new URL(r.url()).pathname === '/__pier/auth', { timeout: STEP_MS });
    await page.click('[data-testid="preview-visibility"]');
    await page.locator('[data-testid="preview-visibility"][data-visibility="private"]:not([disabled])').waitFor({ timeout: STEP_MS });
    const repl = (await apiCall('GET', `/api/repls/${slug}`)).body;
    assert.equal(repl.visibility, 'private');
    if (mock) return; // the mock's previews are open to everyone
    assert.equal((await handedOver).status(), 302);
    assert.ok((await context.cookies(repl.previewUrl)).some((c) => c.name === 'pier_preview'), 'the pane has its cookie');
    await page.frameLocator('[data-testid="preview-frame"]').locator('body').filter({ hasText: GREETING_NEW })
      .waitFor({ timeout: STEP_MS });

    const stranger = await browser.newContext();
    try {
      const p = await stranger.newPage();
      await p.goto(repl.previewUrl);
      await p.waitForURL((u) => u.pathname === '/' && (u.searchParams.get('next') ?? '').startsWith('/api/auth/preview?'), { timeout: STEP_MS });
      await p.locator('[data-testid="auth-submit"]').waitFor({ timeout: STEP_MS });
      assert.match(await p.textContent('[data-testid="auth-form"]'), new RegExp(slug));
      await p.click('[data-testid="auth-toggle"]');
      await submitAuth(`${USERNAME}y`, PASSWORD, p);
      await p.locator('text=This preview is private').waitFor({ timeout: STEP_MS });
      assert.ok(!(await p.content()).includes(GREETING_NEW));
    } finally {
      await stranger.close();
    }

    const owner = await browser.newContext();
    try {
      const p = await owner.newPage();
      await p.goto(repl.previewUrl);
      await p.locator('[data-testid="auth-submit"]').waitFor({ timeout: STEP_MS });
      await submitAuth(USERNAME, PASSWORD, p);
      await p.waitForURL(repl.previewUrl, { timeout: STEP_MS });
      await p.locator('body').filter({ hasText: GREETING_NEW }).waitFor({ timeout: STEP_MS });
      const cookie = (await owner.cookies(repl.previewUrl)).find((c) => c.name === 'pier_preview');
      assert.ok(cookie && cookie.httpOnly && !cookie.domain.startsWith('.'), `the preview cookie is host-only: ${JSON.stringify(cookie)}`);
      assert.ok(!(await owner.cookies(base)).some((c) => c.name === 'pier_preview'), 'the apex never gets it');
    } finally {
      await owner.close();
    }

    await page.click('[data-testid="preview-visibility"]');
    await page.locator('[data-testid="preview-visibility"][data-visibility="public"]:not([disabled])').waitFor({ timeout: STEP_MS });
    assert.equal((await apiCall('GET', `/api/repls/${slug}`)).body.visibility, 'public');
    // Toggled back and forth at once: one answer stays on screen, the last one, not two that disagree.
    for (const v of ['private', 'public']) {
      await page.click('[data-testid="preview-visibility"]');
      await page.locator(`[data-testid="preview-visibility"][data-visibility="${v}"]:not([disabled])`).waitFor({ timeout: STEP_MS });
    }
    const shown = await page.locator('[data-testid="toast"]:not(.leaving)', { hasText: 'The preview is' }).allTextContents();
    assert.deepEqual(shown.map((t) => t.includes('public')), [true], `toasts: ${JSON.stringify(shown)}`);
  });

  await step('a terminal evaluates echo $((6*7))', async () => {
    const tab = page.locator('[data-testid^="panel-tab-"]:not([data-testid="panel-tab-run"])').first();
    await tab.waitFor({ timeout: STEP_MS });
    await tab.click();
    const term = page.locator('[data-testid^="terminal-"]:visible').first();
    await term.waitFor({ timeout: STEP_MS });
    const id = await term.getAttribute('data-testid');
    await term.click();
    await page.keyboard.type('echo $((6*7))');
    await page.keyboard.press('Enter');
    await until((sel) => {
      const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
      return rows && [...rows.children].some((row) => row.textContent.trim() === '42');
    }, id);
    await page.screenshot({ path: path.join(SHOTS, 'ide.png'), animations: 'disabled' });
  });

  await step('a secret set in the IDE is listed by name only and reaches a new terminal', async () => {
    const secretValue = `s3cr3t-${Date.now().toString(36)}`;
    await page.click('[data-testid="secrets-button"]');
    await page.locator('[data-testid="env-dialog"]').waitFor({ timeout: STEP_MS });
    await page.fill('[data-testid="env-name"]', '1BAD');
    await page.click('[data-testid="env-save"]');
    await page.locator('[data-testid="env-problem"]:has-text("letters")').waitFor({ timeout: STEP_MS });
    await page.fill('[data-testid="env-name"]', 'API_TOKEN');
    await page.fill('[data-testid="env-value"]', secretValue);
    await page.click('[data-testid="env-save"]');
    await page.locator('[data-testid="env-row-API_TOKEN"]').waitFor({ timeout: STEP_MS });
    assert.ok(!(await page.locator('[data-testid="env-dialog"]').innerText()).includes(secretValue), 'the secret is not shown');
    const listed = await apiCall('GET', `/api/repls/${slug}/env`);
    assert.deepEqual(listed.body.env.map((v) => [v.name, v.secret, v.value]), [['API_TOKEN', true, undefined]]);
    await page.screenshot({ path: path.join(SHOTS, 'ide-secrets.png'), animations: 'disabled' });
    await page.click('[data-testid="env-close"]');
    if (mock) return; // the mock's shell has no environment
    await page.click('[data-testid="new-terminal"]');
    const term = page.locator('[data-testid^="terminal-"]:visible').last();
    await term.waitFor({ timeout: STEP_MS });
    const id = await term.getAttribute('data-testid');
    await term.click();
    // Printed reversed, so that the typed command line cannot be what matches.
    await page.keyboard.type('echo "$API_TOKEN" | rev');
    await page.keyboard.press('Enter');
    const reversed = [...secretValue].reverse().join('');
    await until(([sel, text]) => {
      const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
      return rows && [...rows.children].some((row) => row.textContent.trim() === text);
    }, [id, reversed]);
  });

  await step('after a reload the editor shows the saved edit', async () => {
    await page.reload();
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
    await editorHas(GREETING_NEW);
    await page.locator('[data-testid="tab-index.js"]').waitFor({ timeout: STEP_MS });
  });

  await step('Stop repl in the IDE shows it stopped and keeps it so; Start brings it back with the edit', async () => {
    await page.click('[data-testid="repl-stop"]');
    await page.locator('[data-testid="start-progress"][data-step="stopped"]').waitFor({ timeout: START_MS });
    await page.locator('[data-testid="start-repl"]').waitFor({ timeout: STEP_MS });
    await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: STEP_MS });
    // The session tried to reconnect meanwhile (the socket dropped): the repl must still be stopped.
    assert.equal((await apiCall('GET', `/api/repls/${slug}`)).body.state, 'stopped');
    await page.screenshot({ path: path.join(SHOTS, 'ide-stopped.png'), animations: 'disabled' });
    await page.click('[data-testid="start-repl"]');
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
    assert.equal((await apiCall('GET', `/api/repls/${slug}`)).body.state, 'running');
    await editorHas(GREETING_NEW);
  });

  await step('Fork opens a copy of the repl with the saved edit and without its secret', async () => {
    await page.click('[data-testid="repl-fork"]');
    await page.waitForURL((url) => /\/ide\/[a-z0-9-]+$/.test(url.pathname) && !url.pathname.endsWith(`/${slug}`), { timeout: START_MS });
    const fork = new URL(page.url()).pathname.split('/').pop();
    try {
      await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      const made = (await apiCall('GET', `/api/repls/${fork}`)).body;
      assert.equal(made.template, 'node');
      assert.match(made.title, / \(fork\)$/);
      assert.deepEqual((await apiCall('GET', `/api/repls/${fork}/env`)).body.env, [], 'the secret stays with the original');
      await page.click('[data-testid="file-index.js"]', { timeout: STEP_MS });
      await page.locator('[data-testid="tab-index.js"][data-loading="false"]').waitFor({ timeout: STEP_MS });
      await editorHas(GREETING_NEW);
    } finally {
      // Deleted from the home page's side: an IDE open on it would knock on its session and be refused.
      await page.goto(`${base}/`);
      await apiCall('DELETE', `/api/repls/${fork}`);
    }
  });

  await step('the home page lists the new repl', async () => {
    await page.goto(`${base}/`);
    await page.locator(`[data-testid="repl-${slug}"]`).waitFor({ timeout: STEP_MS });
    await until(() => !document.querySelector('.skeleton'));
    const list = await apiCall('GET', '/api/repls');
    assert.deepEqual(list.body.repls.map((r) => r.slug), [slug], 'a fresh account lists only its own repl');
    assert.equal(await page.locator(`[data-testid="repl-${slug}"] .repl-node`).count(), 0, 'no node id for a user who administers nothing');
    await page.mouse.move(0, 0);
    // The whole page: "Your repls" above all the templates.
    await page.screenshot({ path: path.join(SHOTS, 'home.png'), animations: 'disabled', fullPage: true });
    // Stop from the list: the row says stopped and offers no Stop any more.
    const row = page.locator(`[data-testid="repl-${slug}"]`);
    await row.locator('[data-testid="repl-stop"]').click();
    await page.locator(`[data-testid="repl-${slug}"][data-state="stopped"]`).waitFor({ timeout: START_MS });
    assert.equal(await row.locator('[data-testid="repl-stop"]').count(), 0);
    assert.equal((await apiCall('GET', `/api/repls/${slug}`)).body.state, 'stopped');
  });

  await step('a console program\'s run says it finished, with no app to preview', async () => {
    const created = await apiCall('POST', '/api/repls', { template: 'python' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const program = created.body.slug;
    try {
      await page.goto(`${base}/ide/${program}`);
      await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      await page.locator('[data-testid="preview-console"]').waitFor({ timeout: STEP_MS });
      await page.click('[data-testid="run-button"]');
      await page.locator('[data-testid="run-state"]', { hasText: 'Program finished' }).waitFor({ timeout: START_MS });
      assert.equal(await page.locator('text=The app is not running').count(), 0);
      assert.equal(await page.locator('[data-testid="run-state"].run-exited').count(), 0, 'no red "exited" for a run that succeeded');
      await page.screenshot({ path: path.join(SHOTS, 'ide-console.png'), animations: 'disabled' });
    } finally {
      // Away from its IDE first: deleted under an open IDE, its next requests would rightly fail.
      await page.goto(`${base}/`); // where the next steps begin
      await apiCall('DELETE', `/api/repls/${program}`);
    }
  });

  await step('another account neither lists nor opens the repl', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await other.newPage();
      await p.goto(`${base}/`);
      const signup = await apiCall('POST', '/api/auth/signup', { username: `${USERNAME}x`, password: PASSWORD }, p);
      assert.equal(signup.status, 201);
      assert.deepEqual((await apiCall('GET', '/api/repls', undefined, p)).body.repls, []);
      assert.equal((await apiCall('GET', `/api/repls/${slug}`, undefined, p)).status, 403);
      assert.equal((await apiCall('POST', `/api/repls/${slug}/start`, undefined, p)).status, 403);
      await p.goto(`${base}/ide/${slug}`);
      await p.locator('[data-testid="forbidden"]').waitFor({ timeout: STEP_MS });
      const again = await apiCall('POST', '/api/auth/signup', { username: `${USERNAME}x`, password: PASSWORD }, p);
      assert.equal(again.status, 409);
      assert.equal(again.body?.error, 'username_taken');
    } finally {
      await other.close();
    }
  });

  await step('after signing out the home page shows the sign-in card and the API answers 401', async () => {
    await page.click('[data-testid="sign-out"]');
    await page.locator('[data-testid="auth-submit"]').waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator('[data-testid="user-name"]').count(), 0);
    const list = await apiCall('GET', '/api/repls');
    assert.equal(list.status, 401);
    assert.equal(list.body?.error, 'unauthenticated');
    assert.equal((await apiCall('GET', `/api/repls/${slug}`)).status, 401);
  });

  await step('signed out, the IDE sends you to sign in and back', async () => {
    await page.goto(`${base}/ide/${slug}`);
    await page.waitForURL(`${base}/?next=/ide/${slug}`, { timeout: STEP_MS });
    await page.locator('[data-testid="auth-submit"]').waitFor({ timeout: STEP_MS });
    assert.match(await page.textContent('[data-testid="auth-form"]'), new RegExp(slug));
    await submitAuth(USERNAME, PASSWORD);
    await page.waitForURL(`${base}/ide/${slug}`, { timeout: STEP_MS });
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
    await editorHas(GREETING_NEW);
  });

  await step('a session refused for want of a cookie sends the IDE to sign in (mock only)', async () => {
    if (!mock) return; // needs the mock's hook to drop the session
    await context.clearCookies();
    assert.equal((await apiCall('POST', `/__mock/drop/${slug}`)).status, 200);
    await page.waitForURL(`${base}/?next=/ide/${slug}`, { timeout: STEP_MS });
    await submitAuth(USERNAME, PASSWORD);
    await page.waitForURL(`${base}/ide/${slug}`, { timeout: STEP_MS });
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
    const leaks = (await apiCall('POST', '/__mock/preview-cookies')).body;
    assert.equal(leaks.count, 0, 'previews never receive the session cookie');
  });

  await step('the walk left no page error and no console error it did not expect', async () => {
    assertNoProblems(problems);
  });
});

process.on('exit', () => { if (mock && mock.exitCode === null) mock.kill('SIGKILL'); });
