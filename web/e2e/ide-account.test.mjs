// The Account page, walked as a user would: reach it from the home page, change the password (a wrong current one is
// refused next to its field; then sign out and in with the new one), make an API key and use it as a bearer token to
// list repls, revoke it and see it refused, and delete the account: its repl is gone and signing in fails.
//
// Named ide-*.test.mjs so that IdeBrowserIT runs it against a real Pier (PIER_WALKS=ide-account); it needs no shell,
// so every step runs against the mock server too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, START_MS, PASSWORD, startTarget, stopTarget, launchBrowser, newUser, apiCall, until, assertNoProblems,
  screenshotPath,
} from './harness.mjs';

const NEW_PASSWORD = 'a brand new passphrase';

let target = null;
let browser = null;
let user = null;
let slug = null;
let key = null;
/** What the step now running expects the browser to log as an error. */
let expecting = null;

before(async () => {
  target = await startTarget();
  browser = await launchBrowser();
  user = await newUser(browser, target.base, { colorScheme: 'dark', expected: () => expecting });
  await user.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: target.base });
});

after(async () => {
  await browser?.close();
  stopTarget(target);
});

/** GET /api/repls with only a bearer token (no cookie): `{status, slugs}`. */
const listWithBearer = (page, token) => page.evaluate(async (token) => {
  const res = await fetch('/api/repls', { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  const body = await res.json().catch(() => null);
  return { status: res.status, slugs: (body?.repls ?? []).map((r) => r.slug) };
}, token);

/**
 * Signs in through a freshly loaded home page's form (no error left from an earlier try); waits for the home page, or
 * returns the inline error's text.
 */
async function signInWithForm(page, username, password) {
  await page.goto(`${target.base}/`);
  await page.locator('[data-testid="auth-form"]').waitFor({ timeout: STEP_MS });
  await page.fill('[data-testid="auth-username"]', username);
  await page.fill('[data-testid="auth-password"]', password);
  await page.click('[data-testid="auth-submit"]');
  const home = page.locator('[data-testid="user-name"]');
  const error = page.locator('[data-testid="auth-error"]:visible');
  await home.or(error).first().waitFor({ timeout: STEP_MS });
  return (await error.count()) ? error.textContent() : null;
}

test('the account page: password, API keys, deleting the account', { timeout: 15 * 60 * 1000 }, async (t) => {
  const { page, username } = user;
  const { base } = target;

  await t.test('a repl to delete with the account, running', async () => {
    const created = await apiCall(page, 'POST', '/api/repls', { template: 'node' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    slug = created.body.slug;
    const started = await page.evaluate(async (slug) => (await fetch(`/api/repls/${slug}/start`, { method: 'POST', cache: 'no-store' })).status, slug);
    assert.equal(started, 200);
  });

  await t.test('the home page links to the account page', async () => {
    await page.goto(`${base}/`);
    await page.click('[data-testid="account-link"]', { timeout: STEP_MS });
    await page.waitForURL(/\/account$/, { timeout: STEP_MS });
    assert.equal(await page.textContent('[data-testid="user-name"]', { timeout: STEP_MS }), username);
    await page.locator('[data-testid="keys-empty"]').waitFor({ timeout: STEP_MS });
  });

  await t.test('a wrong current password is refused next to its field', async () => {
    await page.fill('[data-testid="password-current"]', 'not my password');
    await page.fill('[data-testid="password-new"]', NEW_PASSWORD);
    await page.fill('[data-testid="password-again"]', NEW_PASSWORD);
    await page.click('[data-testid="password-submit"]');
    const error = page.locator('[data-testid="password-error"]:visible');
    await error.waitFor({ timeout: STEP_MS });
    assert.match(await error.textContent(), /current password is wrong/i);
    assert.equal(await page.getAttribute('[data-testid="password-current"]', 'aria-invalid'), 'true');
  });

  await t.test('two new passwords that differ are caught before sending', async () => {
    await page.fill('[data-testid="password-current"]', PASSWORD);
    await page.fill('[data-testid="password-again"]', `${NEW_PASSWORD}!`);
    await page.click('[data-testid="password-submit"]');
    await until(page, () => /differ/.test(document.querySelector('[data-testid="password-error"]')?.textContent ?? ''));
  });

  await t.test('the new password works and the old one no longer does', async () => {
    await page.fill('[data-testid="password-again"]', NEW_PASSWORD);
    await page.click('[data-testid="password-submit"]');
    await page.locator('[data-testid="toast"][data-kind="success"]').filter({ hasText: 'Password changed' }).waitFor({ timeout: STEP_MS });
    assert.equal(await page.inputValue('[data-testid="password-current"]'), '', 'the form is emptied');
    const me = await apiCall(page, 'GET', '/api/auth/me');
    assert.equal(me.status, 200, 'this browser stays signed in');

    await page.click('[data-testid="sign-out"]');
    await page.locator('[data-testid="auth-form"]').waitFor({ timeout: STEP_MS }); // signed out before going on
    assert.match(await signInWithForm(page, username, PASSWORD), /wrong username or password/i);
    assert.equal(await signInWithForm(page, username, NEW_PASSWORD), null);
  });

  await t.test('an API key is made, shown once, used as a bearer token, and revoked', async () => {
    await page.goto(`${base}/account`);
    await page.fill('[data-testid="key-name"]', 'walk key');
    await page.click('[data-testid="key-create"]');
    const value = page.locator('[data-testid="key-value"]');
    await value.waitFor({ timeout: STEP_MS });
    key = (await value.textContent()).trim();
    assert.match(key, /^pier_[0-9a-f]{16}_\S+$/);
    await page.click('[data-testid="key-copy"]');
    await until(page, () => /Copied|Ctrl\+C/.test(document.querySelector('[data-testid="key-copy"]')?.textContent ?? ''));
    const row = page.locator('[data-testid^="key-"][data-name="walk key"]');
    await row.waitFor({ timeout: STEP_MS });

    const used = await listWithBearer(page, key);
    assert.equal(used.status, 200);
    assert.deepEqual(used.slugs, [slug], 'the key lists its account\'s repls');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('account.png'), fullPage: true, animations: 'disabled' });

    await page.click('[data-testid="key-dismiss"]');
    assert.equal(await page.locator('[data-testid="key-value"]').count(), 0, 'the key is shown once');
    await row.locator('[data-testid="key-revoke"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    await page.locator('[data-testid="keys-empty"]').waitFor({ timeout: STEP_MS });
    assert.equal((await listWithBearer(page, key)).status, 401, 'a revoked key is refused');
  });

  await t.test('the account is deleted with its repl after typing its name and password', async () => {
    const submit = page.locator('[data-testid="delete-submit"]');
    await page.fill('[data-testid="delete-confirm"]', 'someone-else');
    await page.fill('[data-testid="delete-password"]', NEW_PASSWORD);
    assert.ok(await submit.isDisabled(), 'the name must be typed right');
    await page.fill('[data-testid="delete-confirm"]', username);
    await page.fill('[data-testid="delete-password"]', 'not my password');
    await submit.click();
    const error = page.locator('[data-testid="delete-error"]:visible');
    await error.waitFor({ timeout: STEP_MS });
    assert.match(await error.textContent(), /password is wrong/i);

    await page.fill('[data-testid="delete-password"]', NEW_PASSWORD);
    await submit.click();
    await page.locator('[data-testid="account-deleted"]').waitFor({ timeout: START_MS });
    assert.match(await page.textContent('[data-testid="account-deleted"]'), /1 repl/);
    assert.equal((await apiCall(page, 'GET', '/api/repls')).status, 401, 'signed out');

    await page.click('[data-testid="account-deleted-home"]');
    assert.match(await signInWithForm(page, username, NEW_PASSWORD), /wrong username or password/i);

    // Another account asks for the repl: gone (404), not someone else's (403).
    const other = await apiCall(page, 'POST', '/api/auth/signup', { username: `${username}x`, password: PASSWORD });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    expecting = /status of 404 .*\/api\/repls\//;
    const repl = await apiCall(page, 'GET', `/api/repls/${slug}`);
    expecting = null;
    assert.equal(repl.status, 404, JSON.stringify(repl.body));
    assert.equal(repl.body?.error, 'unknown_repl');
  });

  await t.test('no console errors or page errors', () => {
    assertNoProblems(user.problems);
  });
});
