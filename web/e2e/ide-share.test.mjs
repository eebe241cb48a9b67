// Sharing a repl, as two accounts in two browsers: its owner (A) opens the Share dialog, is refused an unknown account
// with the API's own message, and invites B as a viewer. B finds the repl under "Shared with you", opens it and gets a
// read-only IDE with a Viewer badge: files read but not changed, no controls to create files, Run and new terminals
// off, A's terminal watched but not typed into, and Pier itself refusing a viewer's write on the session. A makes B an
// editor: after a reload B edits and the edit is saved. A removes B: B's next load is refused (403). Shared again, B
// leaves from the dialog. A turns on the repl's fork link, and B forks it through the link into a repl of B's own.
//
//   npm run build && node --test e2e/ide-share.test.mjs          # against dev/mock-server.mjs
//   PIER_WALKS=ide-share mvn … -pl e2e verify … IdeBrowserIT     # against a real Pier

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, START_MS, startTarget, stopTarget, launchBrowser, newUser, newUsername, openNewRepl, openFile, apiCall,
  until, editorText, editorHas, assertNoProblems, screenshotPath, PREVIEW_WAITING, rowsOf,
} from './harness.mjs';

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

/** A file's text through the files API, with the page's cookies (a viewer may read). */
const fileText = (page, slug, path) => page.evaluate(async ([slug, path]) => {
  const res = await fetch(`/api/repls/${slug}/files/${path}`, { credentials: 'same-origin', cache: 'no-store' });
  return { status: res.status, text: await res.text() };
}, [slug, path]);

/** Opens a session of its own in the page, sends one request after hello and answers the reply. */
const sessionRequest = (page, slug, request) => page.evaluate(([slug, request]) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/repls/${slug}/session`);
  const timer = setTimeout(() => { ws.close(); reject(new Error('no reply in 20 s')); }, 20000);
  ws.onmessage = (m) => {
    if (typeof m.data !== 'string') return;
    const msg = JSON.parse(m.data);
    if (msg.event === 'hello') ws.send(JSON.stringify({ id: 1, ...request }));
    else if (msg.id === 1) { clearTimeout(timer); ws.close(); resolve(msg); }
  };
  ws.onerror = () => { clearTimeout(timer); reject(new Error('the session did not open')); };
}), [slug, request]);

const toastOf = (page, topic) => page.locator(`[data-testid="toast"][data-topic="${topic}"]`);

test('a repl is shared with a viewer, made an editor, and unshared', { timeout: 15 * 60 * 1000 }, async (t) => {
  const { base } = target;
  // What the current step expects a page to log besides the usual (the unknown account's 404).
  let stepExpects = null;
  const expected = () => (stepExpects ? new RegExp(`${stepExpects.source}|${PREVIEW_WAITING.source}`) : PREVIEW_WAITING);
  const a = await newUser(browser, base, { expected });
  const b = await newUser(browser, base, { expected });
  const pageA = a.page;
  const pageB = b.page;
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };
  const collaborators = async () => (await apiCall(pageA, 'GET', `/api/repls/${slug}/collaborators`)).body;
  const shareRow = (page, account) => page.locator(`[data-testid="share-row-${account}"]`);

  let slug = null;
  let channel = null;
  try {
    await step('A creates a repl; its IDE opens with a terminal, and a Share button but no role badge', async () => {
      slug = await openNewRepl(pageA, base, 'node');
      const term = pageA.locator('.term[data-channel]').first();
      await term.waitFor({ state: 'attached', timeout: STEP_MS });
      channel = await term.getAttribute('data-channel');
      await pageA.locator('[data-testid="share-button"]').waitFor({ timeout: STEP_MS });
      assert.equal(await pageA.locator('[data-testid="role-badge"]').count(), 0, 'the owner needs no badge');
      assert.equal((await apiCall(pageA, 'GET', `/api/repls/${slug}`)).body.role, 'owner');
    });

    await step('the Share dialog refuses an unknown account inline, with the API\'s message', async () => {
      stepExpects = /status of 404/;
      const nobody = newUsername();
      const refused = await apiCall(pageA, 'PUT', `/api/repls/${slug}/collaborators/${nobody}`, { role: 'viewer' });
      assert.equal(refused.status, 404);
      assert.equal(refused.body.error, 'unknown_account');
      await pageA.click('[data-testid="share-button"]');
      await pageA.locator('[data-testid="share-dialog"]').waitFor({ timeout: STEP_MS });
      await pageA.locator(`[data-testid="share-owner-${a.username}"]`).waitFor({ timeout: STEP_MS });
      await pageA.locator('[data-testid="share-empty"]').waitFor({ timeout: STEP_MS });
      await pageA.fill('[data-testid="share-account"]', nobody);
      await pageA.click('[data-testid="share-invite"]');
      const error = pageA.locator('[data-testid="share-invite-error"]');
      await error.waitFor({ state: 'visible', timeout: STEP_MS });
      assert.ok((await error.textContent()).includes(refused.body.message), `the inline error says the API's "${refused.body.message}"`);
      assert.deepEqual((await collaborators()).collaborators, []);
      stepExpects = null;
    });

    await step('A invites B as a viewer: the list shows B with that role, and so does the API', async () => {
      await pageA.fill('[data-testid="share-account"]', b.username);
      await pageA.locator('[data-testid="share-invite-error"]').waitFor({ state: 'hidden', timeout: STEP_MS });
      await pageA.selectOption('[data-testid="share-role"]', 'viewer');
      await pageA.click('[data-testid="share-invite"]');
      await pageA.locator(`[data-testid="share-row-${b.username}"][data-role="viewer"]`).waitFor({ timeout: STEP_MS });
      assert.equal(await pageA.inputValue(`[data-testid="share-role-${b.username}"]`), 'viewer');
      assert.equal(await pageA.inputValue('[data-testid="share-account"]'), '', 'the field is emptied for the next one');
      assert.deepEqual((await collaborators()).collaborators, [{ account: b.username, role: 'viewer' }]);
      await pageA.mouse.move(0, 0);
      await until(pageA, () => !document.querySelector('.toast'), undefined, STEP_MS);
      await pageA.locator('[data-testid="share-dialog"]').screenshot({ path: screenshotPath('ide-share-dialog.png'), animations: 'disabled' });
      await pageA.keyboard.press('Escape');
      await pageA.locator('[data-testid="share-dialog"]').waitFor({ state: 'detached', timeout: STEP_MS });
    });

    await step('B finds it under "Shared with you", with its owner and B\'s role, and not among B\'s own', async () => {
      await pageB.goto(`${base}/`);
      const row = pageB.locator(`[data-testid="shared-${slug}"]`);
      await row.waitFor({ timeout: STEP_MS });
      assert.equal(await row.getAttribute('data-role'), 'viewer');
      assert.equal(await row.locator('[data-testid="shared-owner"]').textContent(), a.username);
      assert.equal(await row.locator('[data-testid="shared-role"]').textContent(), 'Viewer');
      assert.equal(await pageB.locator(`[data-testid="repl-${slug}"]`).count(), 0, 'not one of B\'s own repls');
      const shared = (await apiCall(pageB, 'GET', '/api/repls?scope=shared')).body.repls;
      assert.deepEqual(shared.map((r) => [r.slug, r.role, r.owner]), [[slug, 'viewer', a.username]]);
      await pageB.mouse.move(0, 0);
      await pageB.screenshot({ path: screenshotPath('home-shared.png'), animations: 'disabled' });
    });

    await step('B opens it: a read-only IDE with a Viewer badge that says what a viewer can do', async () => {
      await pageB.locator(`[data-testid="shared-${slug}"] [data-testid="shared-open"]`).click();
      await pageB.waitForURL(new RegExp(`/ide/${slug}$`), { timeout: STEP_MS });
      await pageB.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      const badge = pageB.locator('[data-testid="role-badge"]');
      assert.equal(await badge.getAttribute('data-role'), 'viewer');
      await badge.hover();
      const tip = pageB.locator('[data-testid="role-tip"]');
      await tip.waitFor({ state: 'visible', timeout: STEP_MS });
      assert.match(await tip.textContent(), /viewer.*read files/i);
      for (const control of ['tree-new-file', 'tree-new-folder', 'tree-upload', 'new-terminal', 'secrets-button']) {
        assert.equal(await pageB.locator(`[data-testid="${control}"]`).count(), 0, `a viewer has no ${control}`);
      }
      assert.ok(await pageB.locator('[data-testid="run-button"]').isDisabled(), 'Run is off');
      assert.ok(!(await pageB.locator('[data-testid="repl-stop"]').isVisible()), 'no Stop repl');
      assert.ok(await pageB.locator('[data-testid="preview-visibility"]').isDisabled(), 'the preview\'s visibility is the owner\'s');
      await pageB.locator('[data-testid="read-only"]').waitFor({ timeout: STEP_MS });
    });

    await step('B reads a file but cannot change it: typing leaves the text as it was, and says why', async () => {
      await openFile(pageB, 'index.js');
      const disk = await fileText(pageB, slug, 'index.js');
      assert.equal(disk.status, 200, 'a viewer may read files over HTTP too');
      await until(pageB, (text) => document.querySelector('[data-testid="editor"]')?.editorText === text, disk.text);
      const before = await editorText(pageB);
      assert.ok(before.length > 0);
      // Near the start of the first line: a line is as wide as the longest, its middle may be out of view.
      await pageB.locator('[data-testid="editor"] .cm-line').first().click({ position: { x: 12, y: 5 } });
      await pageB.keyboard.type('zzz viewer was here');
      await pageB.keyboard.press('Enter');
      await toastOf(pageB, 'view-only').waitFor({ timeout: STEP_MS });
      assert.match(await toastOf(pageB, 'view-only').textContent(), /viewer.*not changed/i);
      assert.equal(await editorText(pageB), before, 'the text is unchanged');
      assert.equal(await pageB.locator('[data-testid="tab-index.js"]').getAttribute('data-dirty'), 'false');
      // Nor can the tree's menu create anything.
      await pageB.click('[data-testid="file-index.js"]', { button: 'right' });
      await pageB.locator('[data-testid="context-menu"]').waitFor({ timeout: STEP_MS });
      for (const item of ['menu-new-file', 'menu-new-folder', 'menu-rename', 'menu-delete']) {
        assert.equal(await pageB.locator(`[data-testid="${item}"]`).count(), 0, `no ${item} for a viewer`);
      }
      await pageB.keyboard.press('Escape');
      assert.equal((await fileText(pageA, slug, 'index.js')).text, disk.text, 'the file is as it was');
    });

    await step('B watches A\'s terminal but cannot type into it', async () => {
      await pageB.click(`[data-testid="panel-tab-${channel}"]`);
      const termB = pageB.locator(`[data-testid="terminal-${channel}"]`);
      await termB.waitFor({ timeout: STEP_MS });
      // A types; B sees the answer.
      await pageA.click(`[data-testid="panel-tab-${channel}"]`);
      await pageA.click(`[data-testid="terminal-${channel}"]`);
      await pageA.keyboard.type('echo $((6*7))');
      await pageA.keyboard.press('Enter');
      await until(pageB, (sel) => [...document.querySelectorAll(`[data-testid="${sel}"] .xterm-rows > div`)].some((r) => r.textContent.trim() === '42'), `terminal-${channel}`);
      // B types; nothing is sent, and B is told why.
      await termB.click();
      await pageB.keyboard.type('echo viewer-typed');
      await until(pageB, () => /terminals can be watched/i.test(document.querySelector('[data-testid="toast"][data-topic="view-only"]')?.textContent ?? ''));
      assert.ok(!(await rowsOf(pageB, `terminal-${channel}`)).some((r) => r.includes('viewer-typed')), 'B\'s keys reached no shell');
      await pageB.mouse.move(0, 0);
      await pageB.locator('[data-testid="role-badge"]').hover();
      await pageB.screenshot({ path: screenshotPath('ide-viewer.png'), animations: 'disabled' });
      await pageB.mouse.move(0, 0);
    });

    await step('Pier itself refuses a viewer: a write on the session, and stopping the repl', async () => {
      const reply = await sessionRequest(pageB, slug, { op: 'fs.write', path: 'viewer.txt', content: 'no' });
      assert.equal(reply.ok, false);
      assert.equal(reply.error, 'forbidden', JSON.stringify(reply));
      const read = await sessionRequest(pageB, slug, { op: 'fs.read', path: 'index.js' });
      assert.equal(read.ok, true, 'reading is a viewer\'s');
      assert.equal((await apiCall(pageB, 'POST', `/api/repls/${slug}/stop`)).status, 403);
      assert.equal((await apiCall(pageB, 'PUT', `/api/repls/${slug}/collaborators/${a.username}`, { role: 'editor' })).status, 403);
    });

    await step('A makes B an editor; after a reload B edits, and the edit is saved', async () => {
      await pageA.click('[data-testid="share-button"]');
      await shareRow(pageA, b.username).waitFor({ timeout: STEP_MS });
      await pageA.selectOption(`[data-testid="share-role-${b.username}"]`, 'editor');
      await pageA.locator(`[data-testid="share-row-${b.username}"][data-role="editor"]`).waitFor({ timeout: STEP_MS });
      assert.ok(!(await pageA.locator(`[data-testid="share-role-${b.username}"]`).isDisabled()), 'the change has settled');
      assert.deepEqual((await collaborators()).collaborators, [{ account: b.username, role: 'editor' }]);

      await pageB.reload();
      await pageB.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      assert.equal(await pageB.locator('[data-testid="role-badge"]').getAttribute('data-role'), 'editor');
      await pageB.locator('[data-testid="tree-new-file"]').waitFor({ timeout: STEP_MS });
      assert.ok(!(await pageB.locator('[data-testid="run-button"]').isDisabled()), 'an editor runs');
      assert.equal(await pageB.locator('[data-testid="secrets-button"]').count(), 0, 'secrets stay the owner\'s');
      await openFile(pageB, 'index.js');
      // Near the start of the first line: a line is as wide as the longest, its middle may be out of view.
      await pageB.locator('[data-testid="editor"] .cm-line').first().click({ position: { x: 12, y: 5 } });
      await pageB.keyboard.press('Control+Home');
      await pageB.keyboard.type('// edited by an editor\n');
      await editorHas(pageB, '// edited by an editor');
      await pageB.locator('[data-testid="tab-index.js"][data-dirty="false"][data-save="saved"]').waitFor({ timeout: STEP_MS });
      // Co-edited, the file reaches the workspace by the node's write-behind (300 ms after the node took the edit).
      await until(pageA, async ([slug, path]) => {
        const res = await fetch(`/api/repls/${slug}/files/${path}`, { credentials: 'same-origin', cache: 'no-store' });
        return (await res.text()).startsWith('// edited by an editor\n');
      }, [slug, 'index.js']);
    });

    await step('A removes B: B\'s next load is refused, and the repl is no longer listed as shared', async () => {
      // A real Pier may drop B's open session at once: its reconnection is refused (403).
      stepExpects = /403/;
      await pageA.click(`[data-testid="share-remove-${b.username}"]`);
      await shareRow(pageA, b.username).waitFor({ state: 'detached', timeout: STEP_MS });
      await pageA.locator('[data-testid="share-empty"]').waitFor({ timeout: STEP_MS });
      assert.deepEqual((await collaborators()).collaborators, []);
      await pageA.click('[data-testid="share-close"]');

      await pageB.reload();
      await pageB.locator('[data-testid="forbidden"]').waitFor({ timeout: STEP_MS });
      assert.match(await pageB.locator('[data-testid="forbidden"]').innerText(), /not shared with you/);
      assert.equal((await apiCall(pageB, 'GET', `/api/repls/${slug}`)).status, 403);
      await pageB.goto(`${base}/`);
      await pageB.locator('[data-testid="user-name"]').waitFor({ timeout: STEP_MS });
      assert.deepEqual((await apiCall(pageB, 'GET', '/api/repls?scope=shared')).body.repls, []);
      assert.ok(await pageB.locator('[data-testid="shared-section"]').isHidden(), 'no "Shared with you" when nothing is');
    });

    await step('shared again, B sees who has access from the IDE and leaves', async () => {
      assert.equal((await apiCall(pageA, 'PUT', `/api/repls/${slug}/collaborators/${b.username}`, { role: 'viewer' })).status, 200);
      await pageB.goto(`${base}/ide/${slug}`);
      await pageB.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      await pageB.click('[data-testid="share-button"]');
      await pageB.locator(`[data-testid="share-row-${b.username}"] [data-testid="share-role-text"]`).waitFor({ timeout: STEP_MS });
      assert.equal(await pageB.locator('[data-testid="share-account"]').count(), 0, 'only the owner invites');
      assert.equal(await pageB.locator(`[data-testid="share-remove-${b.username}"]`).count(), 0);
      await pageB.click('[data-testid="share-leave"]');
      await pageB.click('[data-testid="confirm-ok"]');
      await pageB.waitForURL(`${base}/`, { timeout: STEP_MS });
      assert.deepEqual((await collaborators()).collaborators, []);
      stepExpects = null;
    });

    await step('B, no longer sharing it, is refused its fork link until A turns the link on; then B forks it', async () => {
      stepExpects = /403/;
      assert.equal((await apiCall(pageB, 'GET', `/api/repls/${slug}/fork`)).status, 403);
      await pageA.click('[data-testid="share-button"]');
      await pageA.check('[data-testid="fork-link-toggle"]');
      await pageA.locator('[data-testid="fork-link-url"]').waitFor({ timeout: STEP_MS });
      const link = await pageA.locator('[data-testid="fork-link-url"]').inputValue();
      assert.equal(link, `${base}/?fork=${slug}`);
      assert.equal((await apiCall(pageA, 'GET', `/api/repls/${slug}`)).body.forkable, true);
      await pageA.click('[data-testid="share-close"]');

      await pageB.goto(link);
      await pageB.locator('[data-testid="fork-card"]').waitFor({ timeout: STEP_MS });
      assert.equal(await pageB.locator('[data-testid="fork-card-owner"]').innerText(), a.username);
      await pageB.click('[data-testid="confirm-ok"]');
      await pageB.waitForURL(/\/ide\/[^/]+$/, { timeout: START_MS });
      const fork = new URL(pageB.url()).pathname.split('/').pop();
      assert.notEqual(fork, slug);
      // Left for the home page: the fork's IDE would open a session while the API starts the fork below.
      await pageB.goto(`${base}/`);
      const forked = (await apiCall(pageB, 'GET', `/api/repls/${fork}`)).body;
      assert.equal(forked.owner, b.username);
      assert.equal(forked.forkable, false, 'a fork keeps no link of its own');
      // A fork starts stopped (the IDE offers Start); started, it has the original's files.
      assert.equal((await apiCall(pageB, 'POST', `/api/repls/${fork}/start`)).status, 200);
      assert.equal((await fileText(pageB, fork, 'index.js')).text, (await fileText(pageA, slug, 'index.js')).text);
      assert.equal((await apiCall(pageB, 'DELETE', `/api/repls/${fork}`)).status, 200);
      stepExpects = null;
    });

    await step('no console errors or page errors', async () => {
      assertNoProblems([...a.problems, ...b.problems]);
    });
  } finally {
    if (slug && !process.env.KEEP_REPL) await apiCall(pageA, 'DELETE', `/api/repls/${slug}`).catch(() => {});
    await a.context.close();
    await b.context.close();
  }
});
