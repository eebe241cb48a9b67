// The one harness of the browser tests: a Pier to test (PIER_URL, or dev/mock-server.mjs when it is unset), Debian's
// Chromium through playwright-core, pages that record every page error, console error and unexpected failed request,
// and the small helpers every walk needs (API calls with the page's cookies, waits, the editor's text).
//
//   PIER_URL=http://pier.localhost:8080 node --test e2e/     # against a real Pier (./pier up)
//   node --test e2e/                                          # against the mock server (build first: npm run build)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SHOTS = path.resolve(process.env.SCREENSHOT_DIR ?? path.join(here, '..', '..', 'docs', 'screenshots'));
export const STEP_MS = Number(process.env.STEP_TIMEOUT_MS ?? 60000);
export const START_MS = Number(process.env.START_TIMEOUT_MS ?? 120000);
export const PASSWORD = 'correct horse battery';

/** A fresh, unused account name. */
export const newUsername = () => `u${crypto.randomBytes(4).toString('hex')}`;

/**
 * The Pier under test: `{base, mock}`, where `mock` is the mock server's process when PIER_URL is unset (stop it with
 * `stopTarget`).
 */
export async function startTarget() {
  const given = process.env.PIER_URL?.replace(/\/+$/, '');
  if (given) return { base: given, mock: null };
  const webroot = path.join(here, '..', 'target', 'classes', 'webroot', 'ide.html');
  assert.ok(fs.existsSync(webroot), `no PIER_URL and no built webroot (${webroot}): build first (npm run build)`);
  const mock = spawn(process.execPath, [path.join(here, '..', 'dev', 'mock-server.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MOCK_START_MS: process.env.MOCK_START_MS ?? '1200' },
  });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    mock.stdout.on('data', (d) => {
      out += d;
      const m = /mock Pier on (http:\/\/\S+?)\/ /.exec(out);
      if (m) resolve(m[1]);
    });
    mock.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
  });
  console.log(`no PIER_URL: testing against the mock server at ${base}`);
  return { base, mock };
}

export function stopTarget(target) {
  target?.mock?.kill('SIGTERM');
}

export const launchBrowser = () => chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** What the browser logs on every walk and no walk need mention: 401/403 answers and refused sign-ins. */
const ALWAYS_EXPECTED = /status of 40[13]|HTTP Authentication failed/;

/**
 * Records what goes wrong in a page into `problems`: page errors and console errors (the browser logs every failed
 * request and refused WebSocket as one), each with the address it is about. `expected` says which else the walk
 * expects: a RegExp over the text, or a function returning one (or null) for what a step expects just then.
 */
export function watchPage(page, problems, expected = null) {
  const expecting = typeof expected === 'function' ? expected : () => expected;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url;
    const text = where && !m.text().includes(where) ? `${m.text()} (${where})` : m.text();
    if (ALWAYS_EXPECTED.test(text) || expecting()?.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  return page;
}

/** Fails the test when the pages recorded problems (call it at the end of a walk). */
export function assertNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported:\n${problems.join('\n')}`);
}

/** A call to Pier's API from the page, with its cookies: `{status, body}` (body is parsed JSON or null). */
export const apiCall = (page, method, url, body) => page.evaluate(async ([method, url, body]) => {
  const res = await fetch(url, {
    method, credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: json };
}, [method, url, body]);

/**
 * Waits until fn (run in the page, given arg) returns or resolves to a truthy value; fn may also be an expression.
 * Polled from here rather than with page.waitForFunction: that takes a returned promise as truthy at once, so an
 * async predicate (a fetch) was asked once and never again.
 */
export async function until(page, fn, arg, timeout = STEP_MS) {
  const check = typeof fn === 'function'
    ? `(async (arg) => Boolean(await (${fn})(arg)))`
    : `(async () => Boolean(await (${fn})))`;
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (await page.evaluate(([source, value]) => globalThis.eval(source)(value), [check, arg])) return;
    } catch (err) {
      // A navigation under way destroys the page's context: asked again in the next one, as waitForFunction did.
      if (!/context was destroyed|navigat/i.test(String(err?.message))) throw err;
    }
    if (Date.now() >= deadline) throw new Error(`not true within ${timeout} ms: ${String(fn).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The editor's whole text (the IDE's test hook), or what CodeMirror has rendered of it. */
export const EDITOR_TEXT = () => {
  const host = document.querySelector('[data-testid="editor"]');
  return host?.editorText ?? host?.querySelector('.cm-content')?.innerText ?? '';
};
export const editorText = (page) => page.evaluate(EDITOR_TEXT);

/** The text of the rows xterm drew in the element with this test id (no-break spaces as spaces, trailing blanks cut). */
export const rowsOf = (page, testid) => page.evaluate((sel) => {
  const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
  return rows ? [...rows.children].map((row) => row.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '')) : [];
}, testid);
export const editorHas = (page, text, timeout) => until(page, `(${EDITOR_TEXT})().includes(${JSON.stringify(text)})`, undefined, timeout);

/**
 * Selects the first occurrence of `needle` in the editor through the DOM selection, as a user's drag would. CodeMirror
 * draws only the lines in view: the editor is scrolled a screen at a time until one shows it.
 */
export async function selectInEditor(page, needle) {
  await page.evaluate(() => { document.querySelector('[data-testid="editor"] .cm-scroller').scrollTop = 0; });
  for (;;) {
    if (await selectDrawn(page, needle)) break;
    const moved = await page.evaluate(() => {
      const scroller = document.querySelector('[data-testid="editor"] .cm-scroller');
      const before = scroller.scrollTop;
      scroller.scrollTop = before + scroller.clientHeight * 0.8;
      return scroller.scrollTop > before;
    });
    assert.ok(moved, `"${needle}" is not in the editor`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  await until(page, (text) => document.getSelection()?.toString() === text, needle, 5000);
}

/** Selects `needle` if a line CodeMirror has drawn holds it: whether it did. */
function selectDrawn(page, needle) {
  return page.evaluate((text) => {
    const content = document.querySelector('[data-testid="editor"] .cm-content');
    for (const line of content.querySelectorAll('.cm-line')) {
      const nodes = [];
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let full = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, full.length]); full += n.data; }
      const at = full.indexOf(text);
      if (at < 0) continue;
      const locate = (offset) => {
        for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
        return [nodes[0][0], 0];
      };
      const [startNode, startOffset] = locate(at);
      const [endNode, endOffset] = locate(at + text.length);
      const scroller = content.closest('.cm-scroller');
      scroller.scrollTop = Math.max(0, line.offsetTop - scroller.clientHeight / 2);
      content.focus();
      document.getSelection().setBaseAndExtent(startNode, startOffset, endNode, endOffset);
      return true;
    }
    return false;
  }, needle);
}

/**
 * A preview (a repl's own host, `<slug>.<domain>`) answering 502/503 while its app starts or restarts: the preview pane
 * shows the edge's answer (it could not reach the app) until it loads again. Chromium reports such an answer in a frame that
 * shows its own error page (after an earlier load failed there) under that page's address, chrome-error://chromewebdata/.
 */
export const PREVIEW_WAITING = /status of 50[23] \([^)]*\) \((https?:\/\/[a-z]+-[a-z]+-[0-9a-f]{6}\.|chrome-error:\/\/chromewebdata\/\))/;

/**
 * A new signed-in account in its own browser context: `{context, page, username, problems}`. The page is on the home
 * page of `base` and watched (see `watchPage`; `expected` is passed on).
 */
export async function newUser(browser, base, { viewport = { width: 1440, height: 900 }, colorScheme, expected } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme });
  const problems = [];
  const page = watchPage(await context.newPage(), problems, expected);
  const username = newUsername();
  await page.goto(`${base}/`);
  const signup = await apiCall(page, 'POST', '/api/auth/signup', { username, password: PASSWORD });
  assert.equal(signup.status, 201, `signup: ${JSON.stringify(signup.body)}`);
  return { context, page, username, problems };
}

/** Creates a repl from `template` through the API and opens its IDE, waiting until the session is connected. */
export async function openNewRepl(page, base, template) {
  const created = await apiCall(page, 'POST', '/api/repls', { template });
  assert.equal(created.status, 201, `create: ${JSON.stringify(created.body)}`);
  const slug = created.body.slug;
  await page.goto(`${base}/ide/${slug}`);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: START_MS });
  return slug;
}

/** Opens a file from the tree and waits until its tab has loaded. */
export async function openFile(page, name) {
  await page.click(`[data-testid="file-${name}"]`, { timeout: STEP_MS });
  await page.locator(`[data-testid="tab-${name}"][data-loading="false"]`).waitFor({ timeout: STEP_MS });
}

export function screenshotPath(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, name);
}
