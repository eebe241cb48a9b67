// Live co-editing, as three accounts in three browsers: the owner (A) shares a repl with two editors (B, C) through the
// API, and all three open the same file: it is co-edited (docs/protocol.md#co-editing). Each sees the others in the
// header with the file they have open. All three type at once, at random places and on the same line; C's connection
// drops for 3 s in the middle of its typing and C keeps typing. In the end every page holds the same text, every
// marker anyone typed is in it once, and the saved file (the files API) is that text. A screenshot shows two others'
// named, coloured cursors in A's editor. Stopped (its workspace stored, then removed) and started again from storage,
// the repl still has that text.
//
//   npm run build && node --test e2e/ide-coedit.test.mjs          # against dev/mock-server.mjs
//   PIER_WALKS=ide-coedit mvn … -pl e2e verify … IdeBrowserIT     # against a real Pier

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, START_MS, startTarget, stopTarget, launchBrowser, newUser, openNewRepl, apiCall, until, editorText,
  assertNoProblems, screenshotPath, PREVIEW_WAITING,
} from './harness.mjs';

const FILE = 'coedit.txt';
const START_TEXT = 'line one\nline two\nline three\n';
const MARKERS_EACH = 10;
const DROP_MS = 3000;

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

/**
 * Keeps every WebSocket the page opens, and refuses new ones while `__pierOffline` is set: how a walk drops a page's
 * connection for a while (closing the socket; the reconnects fail until it is back) on any Pier.
 */
const DROPPABLE_SOCKETS = () => {
  const Real = window.WebSocket;
  window.__pierSockets = [];
  window.__pierOffline = false;
  window.WebSocket = new Proxy(Real, {
    construct(target, args) {
      if (window.__pierOffline) args = ['ws://127.0.0.1:9/', ...args.slice(1)];
      const ws = new target(...args);
      window.__pierSockets.push(ws);
      return ws;
    },
  });
};

/** A file's text through the files API, with the page's cookies. */
const fileText = (page, slug, path) => page.evaluate(async ([slug, path]) => {
  const res = await fetch(`/api/repls/${slug}/files/${path}`, { credentials: 'same-origin', cache: 'no-store' });
  return { status: res.status, text: await res.text() };
}, [slug, path]);

const sharedTab = (page) => page.locator(`[data-testid="tab-${FILE}"][data-loading="false"][data-shared="true"]`);

/**
 * Where each account types: a line and its start or end. A and B both type on line 2 (at its end and its start), C
 * next to them (the end of line 1, the start of line 3). Never two at one place: two people typing letter by letter at
 * one position interleave their letters (the order of arrival decides, nothing is lost), which would split the markers
 * this walk counts.
 */
const PLACES = { A: [[2, 'End'], [3, 'End']], B: [[2, 'Home'], [1, 'Home']], C: [[1, 'End'], [3, 'Home']] };

/** Moves the cursor to one of its places (line 2 more often than not) and types a marker, key by key. */
async function typeMarkers(page, who, random, onHalf) {
  const markers = [];
  for (let i = 0; i < MARKERS_EACH; i++) {
    if (i === MARKERS_EACH / 2 && onHalf) await onHalf();
    const marker = `<${who}${String(i).padStart(2, '0')}>`;
    const [line, key] = PLACES[who][random() < 0.6 ? 0 : 1];
    await page.keyboard.press('Control+Home');
    for (let l = 1; l < line; l++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press(key);
    await page.keyboard.type(marker, { delay: 5 + Math.floor(random() * 20) });
    markers.push(marker);
    await page.waitForTimeout(Math.floor(random() * 120));
  }
  return markers;
}

/** A small seeded random source, so a failing walk can be run again as it was. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('three accounts co-edit one file at once; a dropped page catches up without losing what it typed', { timeout: 15 * 60 * 1000 }, async (t) => {
  const { base } = target;
  // A dropped connection logs the refused reconnects; the preview may answer 502 while the app starts.
  const expected = new RegExp(`WebSocket connection to 'ws://127\\.0\\.0\\.1:9/|${PREVIEW_WAITING.source}`);
  const users = [];
  for (let i = 0; i < 3; i++) users.push(await newUser(browser, base, { expected }));
  const [a, b, c] = users;
  for (const u of users) await u.context.addInitScript(DROPPABLE_SOCKETS);
  if (process.env.COEDIT_DEBUG) {
    for (const [i, u] of users.entries()) u.page.on('console', (m) => console.log(`${'ABC'[i]} ${Date.now() % 100000} ${m.type()}: ${m.text()}`));
  }
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };
  const seed = Number(process.env.COEDIT_SEED ?? Date.now() % 100000);
  console.log(`ide-coedit: seed ${seed} (COEDIT_SEED=${seed} repeats this walk)`);

  let slug = null;
  const typed = [];
  try {
    await step('A creates a repl, writes the file and shares the repl with B and C as editors', async () => {
      slug = await openNewRepl(a.page, base, 'node');
      const put = await a.page.evaluate(async ([slug, path, text]) => (await fetch(`/api/repls/${slug}/files/${path}`, {
        method: 'PUT', credentials: 'same-origin', body: text,
      })).status, [slug, FILE, START_TEXT]);
      assert.ok(put >= 200 && put < 300, `PUT ${FILE}: ${put}`);
      for (const u of [b, c]) {
        const shared = await apiCall(a.page, 'PUT', `/api/repls/${slug}/collaborators/${u.username}`, { role: 'editor' });
        assert.equal(shared.status, 200, JSON.stringify(shared.body));
      }
    });

    await step('all three open the file: it is co-edited, and each sees the other two there', async () => {
      for (const u of [b, c]) {
        await u.page.goto(`${base}/ide/${slug}`);
        await u.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
      }
      for (const u of users) {
        await u.page.click(`[data-testid="file-${FILE}"]`, { timeout: STEP_MS });
        await sharedTab(u.page).waitFor({ timeout: STEP_MS });
        assert.equal(await editorText(u.page), START_TEXT);
      }
      for (const u of users) {
        const others = users.filter((o) => o !== u).map((o) => o.username);
        await until(u.page, ([names, file]) => names.every((n) => document.querySelector(
          `[data-testid="presence-user"][data-user="${n}"][data-path="${file}"]`)), [others, FILE]);
      }
    });

    await step('all three type at once, on the same line too; C is cut off for 3 s halfway and keeps typing', async () => {
      const dropC = async () => {
        await c.page.evaluate(() => { window.__pierOffline = true; for (const ws of window.__pierSockets) ws.close(); });
        await c.page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor({ timeout: STEP_MS });
        // Back after DROP_MS, while C goes on typing.
        setTimeout(() => { void c.page.evaluate(() => { window.__pierOffline = false; window.dispatchEvent(new Event('online')); }); }, DROP_MS);
      };
      const results = await Promise.all(users.map((u, i) => {
        u.page.locator('[data-testid="editor"] .cm-content').focus();
        return typeMarkers(u.page, 'ABC'[i], seeded(seed + i), i === 2 ? dropC : null);
      }));
      for (const r of results) typed.push(...r);
      await c.page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: STEP_MS });
    });

    await step('every page ends with the same text, holding every marker once', async () => {
      const same = async () => {
        const texts = await Promise.all(users.map((u) => editorText(u.page)));
        return texts.every((x) => x === texts[0]) ? texts[0] : null;
      };
      const deadline = Date.now() + STEP_MS;
      let text = null;
      while (!(text = await same()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const texts = await Promise.all(users.map((u) => editorText(u.page)));
      assert.ok(text !== null, `the pages differ:\n${texts.join('\n----\n')}`);
      for (const m of typed) assert.equal(text.split(m).length - 1, 1, `${m} once in:\n${text}`);
      for (const line of ['line one', 'line two', 'line three']) {
        // Markers may land inside a line's words (typed at its start or end only, so never): the words stay whole.
        assert.ok(text.includes(line), `${line} kept in:\n${text}`);
      }
      for (const u of users) {
        await until(u.page, (file) => document.querySelector(`[data-testid="tab-${file}"]`)?.dataset.dirty === 'false', FILE);
      }
    });

    await step('the saved file is that text: after the write-behind, and after a save (Ctrl+S)', async () => {
      const text = await editorText(a.page);
      await until(a.page, async ([slug, path, want]) => {
        const res = await fetch(`/api/repls/${slug}/files/${path}`, { credentials: 'same-origin', cache: 'no-store' });
        return (await res.text()) === want;
      }, [slug, FILE, text]);
      await b.page.keyboard.press('Control+s');
      const read = await fileText(c.page, slug, FILE);
      assert.equal(read.status, 200);
      assert.equal(read.text, text);
    });

    await step('A sees B\'s and C\'s cursors, named and coloured', async () => {
      // B selects a word, C puts its cursor on line 1: A sees both.
      await b.page.keyboard.press('Control+Home');
      await b.page.keyboard.press('Shift+End');
      await c.page.keyboard.press('Control+End');
      await until(a.page, (names) => names.every((n) => document.querySelector(`.cm-remote-cursor[data-user="${n}"]`)),
        [b.username, c.username]);
      const colours = await a.page.evaluate(() => [...document.querySelectorAll('.cm-remote-cursor')].map((e) => e.style.borderLeftColor));
      assert.ok(new Set(colours).size >= 1 && colours.every((x) => x), `colours: ${colours}`);
      await a.page.locator('.cm-remote-selection').first().waitFor({ timeout: STEP_MS });
      await a.page.mouse.move(0, 0);
      await a.page.locator('.editor').screenshot({ path: screenshotPath('ide-coedit.png'), animations: 'disabled' });
    });

    for (const u of users) assertNoProblems(u.problems);

    await step('storage holds that text: stopped (its workspace stored, then removed) and started again, the repl has it', async () => {
      const text = await editorText(a.page);
      for (const u of users) await u.page.goto(`${base}/`);
      assert.equal((await apiCall(a.page, 'POST', `/api/repls/${slug}/stop`)).status, 200);
      const started = await apiCall(a.page, 'POST', `/api/repls/${slug}/start`);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const read = await fileText(b.page, slug, FILE);
      assert.equal(read.status, 200);
      assert.equal(read.text, text);
    });
  } finally {
    for (const u of users) await u.context.close();
  }
});
