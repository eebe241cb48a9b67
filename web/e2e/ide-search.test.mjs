// Finding things in the IDE: the Search view (Ctrl+Shift+F) finds a word in two files and not in node_modules, a hit
// opens its file at its line with the match selected, Go to file (Ctrl+P) opens a file by part of its name, and the
// command palette (Ctrl+Shift+P) runs an action (a new terminal).
//
//   npm run build && node --test e2e/ide-search.test.mjs        # against dev/mock-server.mjs
//   PIER_WALKS=ide-search mvn … -pl e2e verify … IdeBrowserIT    # against a real Pier

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, startTarget, stopTarget, launchBrowser, newUser, openNewRepl, until, assertNoProblems, screenshotPath,
} from './harness.mjs';

const WORD = 'pierNeedleWord';

let target = null;
let browser = null;
let user = null;

before(async () => {
  target = await startTarget();
  browser = await launchBrowser();
  user = await newUser(browser, target.base);
});

after(async () => {
  await browser?.close();
  stopTarget(target);
});

/** Writes files through a session of its own, as another tab would: `{path: content}`. */
const writeFiles = (page, slug, files) => page.evaluate(async ([slug, files]) => {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/api/repls/${encodeURIComponent(slug)}/session`);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('no session')); });
  let id = 0;
  const answers = new Map();
  ws.onmessage = (m) => {
    if (typeof m.data !== 'string') return;
    const msg = JSON.parse(m.data);
    if (msg.id != null) answers.get(msg.id)?.(msg);
  };
  for (const [path, content] of Object.entries(files)) {
    const reply = await new Promise((resolve) => {
      answers.set(++id, resolve);
      ws.send(JSON.stringify({ id, op: 'fs.write', path, content }));
    });
    if (!reply.ok) throw new Error(`fs.write ${path}: ${reply.error} ${reply.message}`);
  }
  ws.close();
}, [slug, files]);

test('search, go to file and the command palette', { timeout: 10 * 60 * 1000 }, async (t) => {
  const { page, problems } = user;
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };
  let slug = null;

  await step('a repl with the word in two files and in node_modules', async () => {
    slug = await openNewRepl(page, target.base, 'node');
    await writeFiles(page, slug, {
      'src/alpha.js': `// alpha\nconst a = 1;\nexport const ${WORD} = a;\n`,
      'lib/beta.txt': `beta\n  the ${WORD} again, and once more: ${WORD}\n`,
      'node_modules/dep/index.js': `module.exports = '${WORD}';\n`,
    });
  });

  await step('the magnifier above the files opens Search', async () => {
    assert.equal(await page.locator('[data-testid="search-input"]:visible').count(), 0);
    await page.click('[data-testid="tree-search"]');
    await page.locator('[data-testid="search-input"]').waitFor({ state: 'visible', timeout: STEP_MS });
  });

  await step('Ctrl+Shift+F searches the files and groups the hits by file', async () => {
    await page.click('[data-testid="editor"]');
    await page.keyboard.press('Control+Shift+F');
    await page.locator('[data-testid="search-input"]').waitFor({ state: 'visible', timeout: STEP_MS });
    await page.fill('[data-testid="search-input"]', WORD);
    await page.press('[data-testid="search-input"]', 'Enter');
    await until(page, () => document.querySelectorAll('[data-testid="search-file"]').length === 2);
    const files = await page.$$eval('[data-testid="search-file"]', (els) => els.map((e) => e.dataset.path).sort());
    assert.deepEqual(files, ['lib/beta.txt', 'src/alpha.js']);
    assert.equal(await page.locator('[data-testid="search-hit"]').count(), 3);
    assert.match(await page.textContent('[data-testid="search-summary"]'), /3 results in 2 files/);
    await page.screenshot({ path: screenshotPath('ide-search.png') });
  });

  await step('a hit opens its file at its line with the match selected', async () => {
    await page.click('[data-testid="search-hit"][data-path="src/alpha.js"]');
    await page.locator('[data-testid="tab-src/alpha.js"][data-loading="false"]').waitFor({ timeout: STEP_MS });
    await until(page, (w) => document.getSelection()?.toString() === w, WORD);
    assert.match(await page.textContent('.statusbar'), /Ln 3, Col/);
  });

  await step('Ctrl+P opens a file by part of its name', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('[data-testid="goto-file-input"]').waitFor({ timeout: STEP_MS });
    await page.fill('[data-testid="goto-file-input"]', 'betatx');
    await until(page, () => document.querySelector('[data-testid="goto-file-item"]')?.textContent.includes('beta.txt'));
    assert.equal(await page.locator('[data-testid="goto-file-item"]', { hasText: 'index.js' }).filter({ hasText: 'node_modules' }).count(), 0);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tab-lib/beta.txt"][data-loading="false"]').waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator('[data-testid="goto-file"]').count(), 0);
  });

  await step('Ctrl+Shift+P runs an action: a new terminal', async () => {
    const terminals = () => page.locator('[data-testid^="panel-tab-"]:not([data-testid="panel-tab-run"])').count();
    const before = await terminals();
    await page.keyboard.press('Control+Shift+P');
    await page.locator('[data-testid="palette-input"]').waitFor({ timeout: STEP_MS });
    await page.fill('[data-testid="palette-input"]', 'new term');
    await page.keyboard.press('Enter');
    await until(page, (n) => document.querySelectorAll('[data-testid^="panel-tab-"]:not([data-testid="panel-tab-run"])').length > n, before);
  });

  await step('in a terminal Ctrl+P stays the shell\'s (the previous command), not Go to file', async () => {
    const term = page.locator('[data-testid^="terminal-"]:visible').last();
    await term.click();
    await page.keyboard.press('Control+P');
    // The IDE's handler runs as the key goes down: had it taken the key, its dialog would be open now.
    assert.equal(await page.locator('[data-testid="goto-file-input"]').count(), 0);
    assert.ok(await page.evaluate(() => document.activeElement?.closest('.xterm') !== null), 'the terminal keeps the focus');
  });

  await step('nothing went wrong in the page', async () => {
    assertNoProblems(problems);
  });

  if (slug && process.env.KEEP_REPL !== '1') {
    await page.evaluate((s) => fetch(`/api/repls/${s}`, { method: 'DELETE' }), slug).catch(() => {});
  }
});
