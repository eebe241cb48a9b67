// The IDE's chrome as a Replit user expects it: a light theme that follows the system and a System / Light / Dark
// switch, the preview's address bar with its own back and forward, one Public/Private toast however often it is
// toggled, a narrow screen with Files / Code / Preview / Terminal tabs and nothing overflowing, and (real Pier only)
// a long command wrapped by the shell that comes back whole after a reload at another width.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, startTarget, stopTarget, launchBrowser, newUser, openNewRepl, until, assertNoProblems, screenshotPath,
  PREVIEW_WAITING, rowsOf,
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

const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);
const background = (page, sel) => page.evaluate((s) => getComputedStyle(document.querySelector(s)).backgroundColor, sel);
/** Whether a color is light (its mean channel over 200). */
const isLightColor = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return (r + g + b) / 3 > 200; };
/** The preview frame's own address (Playwright reads it across origins). */
const previewAddress = (page) => page.frames().find((f) => f.parentFrame() === page.mainFrame() && f.name() !== 'x')?.url() ?? '';
const previewPathIs = async (page, path) => {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const url = previewAddress(page);
    try { if (new URL(url).pathname === path) return; } catch { /* about:blank */ }
    if (Date.now() > deadline) assert.fail(`the preview shows ${url}, not ${path}`);
    await page.waitForTimeout(100);
  }
};

test('the IDE in light and narrow, with a preview address bar', { timeout: 15 * 60 * 1000 }, async (t) => {
  const { base, mock } = target;
  const user = await newUser(browser, base, { colorScheme: 'light', expected: PREVIEW_WAITING });
  const { page, problems } = user;
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };

  await step('the home page follows the system: light', async () => {
    await page.goto(`${base}/`);
    await page.locator('[data-testid="scheme-switch"]').waitFor({ timeout: STEP_MS });
    assert.equal(await theme(page), 'light');
    assert.ok(isLightColor(await background(page, 'body')), 'the home page is light');
  });

  let slug = null;
  await step('the IDE is light too: page, editor and terminal', async () => {
    slug = await openNewRepl(page, base, 'node');
    assert.equal(await theme(page), 'light');
    await page.locator('.cm-editor').first().waitFor({ timeout: STEP_MS });
    assert.ok(isLightColor(await background(page, '.cm-editor')), 'the editor is light');
    await page.locator('.xterm').first().waitFor({ timeout: STEP_MS });
    assert.ok(isLightColor(await background(page, '.panel')), 'the terminal pane is light');
    await page.screenshot({ path: screenshotPath('ide-light.png'), animations: 'disabled' });
  });

  await step('Dark is chosen, remembered over a reload, and System follows the system again', async () => {
    await page.click('[data-testid="scheme-dark"]');
    assert.equal(await theme(page), 'dark');
    assert.ok(!isLightColor(await background(page, '.cm-editor')), 'the editor is dark');
    await page.reload();
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: STEP_MS });
    assert.equal(await theme(page), 'dark');
    assert.equal(await page.evaluate(() => localStorage.getItem('pier.colorScheme')), 'dark');
    await page.click('[data-testid="scheme-system"]');
    assert.equal(await theme(page), 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await until(page, () => document.documentElement.dataset.theme === 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await until(page, () => document.documentElement.dataset.theme === 'light');
  });

  await step('the preview address bar loads a path, with its own back and forward', async () => {
    const pathInput = page.locator('[data-testid="preview-path"]');
    await previewPathIs(page, '/');
    const pageHistory = await page.evaluate(() => history.length);
    assert.ok(await page.locator('[data-testid="preview-back"]').isDisabled(), 'nothing to go back to yet');
    await pathInput.fill('about');
    await pathInput.press('Enter');
    await previewPathIs(page, '/about');
    assert.equal(await pathInput.inputValue(), '/about');
    await pathInput.fill('/contact?x=1');
    await pathInput.press('Enter');
    await previewPathIs(page, '/contact');
    await page.click('[data-testid="preview-back"]');
    await previewPathIs(page, '/about');
    assert.equal(await pathInput.inputValue(), '/about');
    await page.click('[data-testid="preview-back"]');
    await previewPathIs(page, '/');
    assert.ok(await page.locator('[data-testid="preview-back"]').isDisabled());
    await page.click('[data-testid="preview-forward"]');
    await previewPathIs(page, '/about');
    assert.equal(await page.evaluate(() => history.length), pageHistory, "the preview's loads are not the page's history");
    // Another site is not the app's: refused, and the preview stays where it was.
    await pathInput.fill('https://example.invalid/x');
    await pathInput.press('Enter');
    assert.equal(await pathInput.evaluate((el) => el.validity.valid), false);
    await previewPathIs(page, '/about');
    await pathInput.fill('/about');
    await pathInput.press('Enter');
    await page.locator('[data-testid="preview-path"]').blur();
    await page.screenshot({ path: screenshotPath('ide-preview-bar.png'), clip: await page.locator('.preview').boundingBox(), animations: 'disabled' });
  });

  await step('toggling Public/Private quickly leaves one toast, the last answer', async () => {
    for (const v of ['private', 'public', 'private', 'public']) {
      await page.click('[data-testid="preview-visibility"]');
      await page.locator(`[data-testid="preview-visibility"][data-visibility="${v}"]:not([disabled])`).waitFor({ timeout: STEP_MS });
    }
    const shown = await page.locator('[data-testid="toast"][data-topic="preview-visibility"]').allTextContents();
    assert.equal(shown.length, 1, `toasts: ${JSON.stringify(shown)}`);
    assert.match(shown[0], /public/);
  });

  await step('a narrow screen shows one pane at a time in tabs, and nothing overflows', async () => {
    await page.setViewportSize({ width: 390, height: 780 });
    await page.locator('[data-testid="narrow-tabs"]').waitFor({ state: 'visible', timeout: STEP_MS });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const visible = (sel) => page.locator(sel).first().isVisible();
    for (const [pane, shown, hidden] of [
      ['files', '.sidebar', '.editor'], ['preview', '.preview', '.sidebar'], ['terminal', '.panel', '.preview'], ['code', '.editor', '.panel'],
    ]) {
      await page.click(`[data-testid="narrow-tab-${pane}"]`);
      assert.ok(await visible(shown), `${pane}: ${shown} is shown`);
      assert.ok(!(await visible(hidden)), `${pane}: ${hidden} is not`);
      assert.ok((await overflow()) <= 0, `${pane}: the page overflows by ${await overflow()} px`);
      const header = await page.evaluate(() => { const e = document.querySelector('.ide-header'); return e.scrollWidth - e.clientWidth; });
      assert.ok(header <= 0, `${pane}: the header overflows by ${header} px`);
    }
    await page.screenshot({ path: screenshotPath('ide-narrow.png'), animations: 'disabled' });
    await page.goto(`${base}/`);
    await page.locator('[data-testid="scheme-switch"]').waitFor({ timeout: STEP_MS });
    assert.ok((await overflow()) <= 0, `the home page overflows by ${await overflow()} px`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/ide/${slug}`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: STEP_MS });
    assert.ok(!(await visible('[data-testid="narrow-tabs"]')), 'wide again: no pane tabs');
    assert.ok(await visible('.sidebar') && await visible('.preview') && await visible('.editor'), 'wide again: side by side');
  });

  await step('a long command the shell wrapped comes back whole after a reload at another width', async () => {
    if (mock) return; // the mock's shell draws no wrapped line
    await page.setViewportSize({ width: 1100, height: 760 });
    const tab = page.locator('[data-testid^="panel-tab-"]:not([data-testid="panel-tab-run"])').first();
    await tab.waitFor({ timeout: STEP_MS });
    await tab.click();
    const term = page.locator('[data-testid^="terminal-"]:visible').first();
    const id = await term.getAttribute('data-testid');
    await term.click();
    // The shell has the pane's new size before the command is typed: `stty size` says as many rows as xterm shows.
    const settled = (sel) => {
      const rows = [...document.querySelector(`[data-testid="${sel}"] .xterm-rows`).children];
      return rows.some((r) => r.textContent.replace(/\u00a0/g, ' ').trim() === `${rows.length} ${r.textContent.trim().split(/\s+/)[1]}`);
    };
    for (let i = 0; ; i++) {
      await page.keyboard.type('clear; stty size');
      await page.keyboard.press('Enter');
      try { await until(page, settled, id, 3000); break; } catch (e) { if (i === 5) throw e; }
    }
    const word = Array.from({ length: 24 }, (_, i) => `w${String(i).padStart(2, '0')}abcdefgh`).join('');
    const command = `echo ${word} | grep -c w23abcdefgh`;
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    const whole = async () => (await rowsOf(page, id)).join('');
    await until(page, (sel) => {
      const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
      return rows && [...rows.children].some((row) => row.textContent.trim() === '1');
    }, id);
    // Compared without spaces: a row that ends at the space after `echo` is drawn without it.
    const squeezed = command.replace(/\s/g, '');
    assert.ok((await whole()).replace(/\s/g, '').includes(squeezed), `the command is drawn at this width; the terminal shows:\n${(await rowsOf(page, id)).filter(Boolean).join('\n')}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.reload();
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: STEP_MS });
    await page.click(`[data-testid="panel-tab-${id.replace('terminal-', '')}"]`, { timeout: STEP_MS });
    await until(page, ([sel, text]) => {
      const rows = document.querySelector(`[data-testid="${sel}"] .xterm-rows`);
      return rows && [...rows.children].map((r) => r.textContent.replace(/\s/g, '')).join('').includes(text);
    }, [id, squeezed]).catch(async () => assert.fail(`after the reload the terminal shows:\n${(await rowsOf(page, id)).filter(Boolean).join('\n')}`));
  });

  await step('the browser reported no problem', async () => assertNoProblems(problems));
  await user.context.close();
});
