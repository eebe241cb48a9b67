// The administrators' page (/admin) and what everyone else does not get: a user who is no administrator has no admin
// link, their home page never asks for /api/nodes, /admin tells them it is not for them, and no repl answer tells them
// a node id. An administrator (made as an operator would: PATCH /api/accounts/<name> with an administrator's token,
// PIER_ADMIN_TOKEN against a real Pier, the mock's demo account otherwise) finds the page from the home header, sees
// the fleet signal, the nodes and the users with their use, drains and undrains a node, and makes the user an
// administrator and takes that back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_MS, PASSWORD, startTarget, stopTarget, launchBrowser, newUser, apiCall, until, assertNoProblems, screenshotPath,
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

/** Requests of the administrators' API a page made. */
const FLEET_API = /\/api\/(nodes|fleet|accounts)(\/|\?|$)/;

/**
 * A token of an administrator, to act as the operator does (`./pier admin NAME`): PIER_ADMIN_TOKEN (IdeBrowserIT
 * passes its Pier's), or against the mock its demo administrator's; null when there is none.
 */
async function operatorToken(page, mock) {
  if (process.env.PIER_ADMIN_TOKEN) return process.env.PIER_ADMIN_TOKEN;
  if (!mock) return null;
  return page.evaluate(async () => {
    const res = await fetch('/api/auth/login', {
      method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: 'demo-password' }),
    });
    return (await res.json()).token;
  });
}

/** `PATCH /api/accounts/<username>` with the operator's token (not the page's cookie). */
const setAdminAsOperator = (page, token, username, admin) => page.evaluate(async ([token, username, admin]) => {
  const res = await fetch(`/api/accounts/${username}`, {
    method: 'PATCH', credentials: 'omit',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ admin }),
  });
  return { status: res.status, body: await res.json() };
}, [token, username, admin]);

test('the admin page, for administrators only', { timeout: 10 * 60 * 1000 }, async (t) => {
  const { base, mock } = target;
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try { await fn(); } catch (e) { failed = true; throw e; }
    });
  };
  const problems = [];

  const plain = await newUser(browser, base);
  problems.push(plain.problems);
  const asked = [];
  plain.page.on('request', (r) => { if (FLEET_API.test(new URL(r.url()).pathname)) asked.push(r.url()); });

  await step('a user who is no administrator: no admin link, and the home page never asks for the nodes', async () => {
    const { page } = plain;
    await page.goto(`${base}/`);
    await page.locator('[data-testid="user-name"]').waitFor({ timeout: STEP_MS });
    // The page lists the repls when it opens and again on each refresh, when an administrator's page asks for the
    // nodes too: two refreshes after the first list are two chances to ask.
    for (let i = 0; i < 3; i++) await page.waitForRequest((r) => new URL(r.url()).pathname === '/api/repls', { timeout: STEP_MS });
    assert.equal(await page.locator('[data-testid="admin-link"]').count(), 0, 'no admin link');
    assert.equal(await page.locator('[data-testid="fleet-status"]:visible').count(), 0, 'no node count');
    assert.deepEqual(asked, [], 'the home page of a user asked for the fleet');
  });

  await step('no repl answer tells them a node id', async () => {
    const created = await apiCall(plain.page, 'POST', '/api/repls', { template: 'node' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(!('node' in created.body), `a node in ${JSON.stringify(created.body)}`);
    const listed = await apiCall(plain.page, 'GET', '/api/repls');
    for (const r of listed.body.repls) assert.ok(!('node' in r), `a node in ${JSON.stringify(r)}`);
  });

  await step('/admin tells them it is not for them, and asks for nothing of the fleet', async () => {
    const { page } = plain;
    await page.goto(`${base}/admin`);
    await page.locator('[data-testid="admin-forbidden"]').waitFor({ timeout: STEP_MS });
    assert.match(await page.locator('[data-testid="admin-forbidden"]').innerText(), /Not allowed/);
    assert.deepEqual(asked, [], 'the admin page asked for the fleet for a user');
    await page.screenshot({ path: screenshotPath('admin-forbidden.png'), animations: 'disabled' });
    await plain.context.close();
  });

  const admin = await newUser(browser, base);
  problems.push(admin.problems);
  const { page } = admin;
  let operator = null;

  await step('an operator makes the second account an administrator; it signs in again', async (s) => {
    operator = await operatorToken(page, mock);
    if (!operator) return s.skip('no administrator token (PIER_ADMIN_TOKEN) for this Pier');
    const made = await setAdminAsOperator(page, operator, admin.username, true);
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.admin, true);
    const again = await apiCall(page, 'POST', '/api/auth/login', { username: admin.username, password: PASSWORD });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.admin, true);
  });

  await step('the administrator finds the admin page from the home header', async () => {
    if (!operator) return;
    await page.goto(`${base}/`);
    await page.click('[data-testid="admin-link"]', { timeout: STEP_MS });
    await page.waitForURL(`${base}/admin`, { timeout: STEP_MS });
    await page.locator('[data-testid="nodes"] tbody tr').first().waitFor({ timeout: STEP_MS });
  });

  let node = null;
  await step('it shows the fleet signal, the nodes with their load, and the users with their use', async () => {
    if (!operator) return;
    const signal = await page.locator('[data-testid="fleet-signal"]').innerText();
    assert.match(signal, /Nodes taking work/);
    assert.match(signal, /Utilisation/);
    node = (await page.locator('[data-testid="nodes"] tbody tr').first().getAttribute('data-testid')).replace(/^node-/, '');
    assert.match(await page.locator(`[data-testid="node-load-${node}"]`).innerText(), /\d+ \/ \d+ repls/);
    assert.match(await page.locator(`[data-testid="node-runtimes-${node}"]`).innerText(), /runc/);
    assert.equal(await page.locator(`[data-testid="node-state-${node}"]`).innerText(), 'Active');
    const user = page.locator(`[data-testid="user-${plain.username}"]`);
    await user.waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator(`[data-testid="user-repls-${plain.username}"]`).innerText(), '1');
    assert.equal(await page.locator(`[data-testid="user-running-${plain.username}"]`).innerText(), '0');
    assert.equal(await page.locator(`[data-testid="user-role-${plain.username}"]`).innerText(), 'user');
    assert.ok(await page.locator(`[data-testid="admin-toggle-${admin.username}"]`).isDisabled(), 'their own role is not changed here');
    await page.screenshot({ path: screenshotPath('admin.png'), animations: 'disabled', fullPage: true });
  });

  await step('the administrator drains the node, then undrains it', async () => {
    if (!operator) return;
    await page.click(`[data-testid="drain-${node}"]`);
    await page.click('[data-testid="confirm-ok"]', { timeout: STEP_MS });
    await until(page, (id) => document.querySelector(`[data-testid="node-state-${id}"]`)?.textContent === 'Draining', node);
    await page.locator(`[data-testid="undrain-${node}"]`).waitFor({ timeout: STEP_MS });
    const listed = await apiCall(page, 'GET', '/api/nodes');
    assert.equal(listed.body.nodes.find((n) => n.id === node).draining, true, 'the API says it drains');
    await page.click(`[data-testid="undrain-${node}"]`);
    await until(page, (id) => document.querySelector(`[data-testid="node-state-${id}"]`)?.textContent === 'Active', node);
    await page.locator(`[data-testid="drain-${node}"]`).waitFor({ timeout: STEP_MS });
    const after = await apiCall(page, 'GET', '/api/nodes');
    assert.equal(after.body.nodes.find((n) => n.id === node).draining, false, 'the API says it takes repls again');
  });

  await step('the administrator makes the user an administrator, and takes it back', async () => {
    if (!operator) return;
    const role = `[data-testid="user-role-${plain.username}"]`;
    await page.click(`[data-testid="admin-toggle-${plain.username}"]`);
    await page.click('[data-testid="confirm-ok"]', { timeout: STEP_MS });
    await until(page, (sel) => document.querySelector(sel)?.textContent === 'admin', role);
    await page.click(`[data-testid="admin-toggle-${plain.username}"]`, { timeout: STEP_MS });
    await page.click('[data-testid="confirm-ok"]', { timeout: STEP_MS });
    await until(page, (sel) => document.querySelector(sel)?.textContent === 'user', role);
  });

  await step('no console errors or page errors', async () => {
    assertNoProblems(problems.flat());
  });
  await admin.context.close();
});
