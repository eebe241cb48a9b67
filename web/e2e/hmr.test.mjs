// Hot reload of the react-vite template in a real browser, through Pier's edge-proxy (Debian's Chromium driven by
// playwright-core):
//
//   PIER_URL=http://pier.localhost:8080 node --test e2e/hmr.test.mjs      # against a real Pier (./pier up)
//
// It creates a react-vite repl through the API, starts it, opens its preview URL (http://<slug>.<domain>:<port>/)
// directly, clicks the counter and marks the window, edits src/App.jsx through the IDE session WebSocket
// (fs.write, docs/protocol.md), and waits for the new text to show with the mark and the count still there: the
// change came over Vite's HMR WebSocket through the edge-proxy, without a page reload. Then it deletes the repl.
// Without PIER_URL it is skipped (the mock server runs no apps). It signs up a user of its own unless PIER_TOKEN
// gives one. KEEP_REPL=1 keeps the repl afterwards.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import dns from 'node:dns';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const base = process.env.PIER_URL?.replace(/\/+$/, '');
const START_MS = Number(process.env.START_TIMEOUT_MS ?? 150000);
const STEP_MS = Number(process.env.STEP_TIMEOUT_MS ?? 60000);
const GREETING = 'Hello from Pier on React';
const EDITED = 'Hello from hot reload';

let browser = null;
let slug = null;
let token = null;

// Browsers resolve *.localhost to loopback by themselves; Node asks the system resolver, which may not.
const lookup = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    const v4 = { address: '127.0.0.1', family: 4 };
    return options?.all ? callback(null, [v4]) : callback(null, v4.address, v4.family);
  }
  return dns.lookup(hostname, options, callback);
};

/** A JSON request to Pier's API; resolves to {status, body}. */
function api(method, path, body, timeoutMs = START_MS) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = http.request(`${base}${path}`, {
      method, lookup, timeout: timeoutMs,
      headers: {
        ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: json ?? text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** One IDE session (docs/protocol.md): request(op, args) resolves to the reply. */
async function session(replSlug) {
  const url = `${base.replace(/^http/, 'ws')}/api/repls/${replSlug}/session`;
  const ws = new WebSocket(url, {
    lookup, handshakeTimeout: 30000, headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const pending = new Map();
  let nextId = 0;
  const hello = new Promise((resolve, reject) => {
    ws.on('message', (data, binary) => {
      if (binary) return;
      const message = JSON.parse(data.toString());
      if (message.event === 'hello') resolve(message);
      if (message.id !== undefined && pending.has(message.id)) {
        pending.get(message.id)(message);
        pending.delete(message.id);
      }
    });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`session closed (${code}) before hello`)));
  });
  await hello;
  return {
    request(op, args = {}) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${op} got no reply`)), 30000);
        pending.set(id, (reply) => { clearTimeout(timer); resolve(reply); });
        ws.send(JSON.stringify({ ...args, id, op }));
      });
    },
    close: () => ws.close(),
  };
}

after(async () => {
  await browser?.close();
  if (slug && process.env.KEEP_REPL !== '1') {
    const deleted = await api('DELETE', `/api/repls/${slug}`).catch((e) => ({ status: String(e) }));
    console.log(`# deleted ${slug}: ${deleted.status}`);
  }
});

test('react-vite hot reloads through the preview URL without a page reload', {
  skip: base ? false : 'no PIER_URL: the mock server runs no apps',
  timeout: 6 * 60 * 1000,
}, async () => {
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  // A user of our own (signing up signs in; the token also opens the session), or PIER_TOKEN's.
  token = process.env.PIER_TOKEN || null;
  if (!token) {
    const user = `hmr-${process.pid}-${Date.now().toString(36)}`;
    const signedUp = await api('POST', '/api/auth/signup', { username: user, password: `pw-${user}-long-enough` });
    assert.equal(signedUp.status, 201, JSON.stringify(signedUp.body));
    token = signedUp.body.token;
  }

  const created = await api('POST', '/api/repls', { template: 'react-vite' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  slug = created.body.slug;
  const previewUrl = created.body.previewUrl;
  assert.match(previewUrl, new RegExp(`^https?://${slug}\\.`), previewUrl);
  console.log(`# created ${slug} (${previewUrl}) at ${since()}`);

  const started = await api('POST', `/api/repls/${slug}/start`, undefined);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  console.log(`# started at ${since()}`);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext()).newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`page error: ${e.message}`));
  let loads = 0;
  page.on('load', () => { loads += 1; });
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));

  // npm install and Vite's first start may outlast the start call: ask until the app itself answers.
  const deadline = Date.now() + START_MS;
  for (;;) {
    const response = await page.goto(previewUrl, { waitUntil: 'load', timeout: STEP_MS }).catch((e) => e);
    if (response?.status?.() === 200 && (await page.locator('#root').count()) > 0) break;
    assert.ok(Date.now() < deadline, `the preview did not serve the app within ${START_MS} ms: ${response?.status?.() ?? response}`);
    await page.waitForTimeout(1000);
  }
  await page.getByText(GREETING).waitFor({ timeout: STEP_MS });
  // Vite's client says so once its HMR WebSocket (on the page's own host and port) is open.
  const connected = Date.now() + STEP_MS;
  while (!consoleLines.some((l) => l.includes('[vite] connected'))) {
    assert.ok(Date.now() < connected, `Vite's HMR client did not connect:\n${consoleLines.join('\n')}`);
    await page.waitForTimeout(100);
  }
  // ... through the edge-proxy: to the preview's own host and port, not straight to the dev server.
  const preview = new URL(previewUrl);
  assert.ok(sockets.some((u) => new URL(u).host === preview.host), `HMR WebSockets: ${sockets.join(', ')}`);
  console.log(`# preview shows "${GREETING}", HMR connected (WebSocket to ${preview.host}), at ${since()}`);

  // State that a reload would lose: a mark on the window and the counter's count.
  await page.evaluate(() => { window.__marker = 1; });
  await page.getByRole('button').click();
  await page.getByText('Clicked 1 times').waitFor({ timeout: 5000 });
  const loadsBefore = loads;

  const ide = await session(slug);
  try {
    const read = await ide.request('fs.read', { path: 'src/App.jsx' });
    assert.equal(read.ok, true, JSON.stringify(read));
    assert.ok(read.content.includes(GREETING), read.content);
    const edited = Date.now();
    const written = await ide.request('fs.write', {
      path: 'src/App.jsx', content: read.content.replace(GREETING, EDITED), baseVersion: read.version,
    });
    assert.equal(written.ok, true, JSON.stringify(written));
    await page.waitForFunction((text) => document.body.innerText.includes(text), EDITED, { timeout: STEP_MS, polling: 50 })
      .catch((e) => { throw new Error(`the edit did not show: ${e.message}\n${consoleLines.join('\n')}`); });
    console.log(`# hot reload: the edit showed ${Date.now() - edited} ms after fs.write was sent`);
  } finally {
    ide.close();
  }

  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page reloaded: the window mark is gone');
  assert.equal(loads, loadsBefore, 'the page reloaded');
  assert.ok(await page.getByText('Clicked 1 times').isVisible(), 'React Fast Refresh kept the count');
  assert.ok(!(await page.getByText(GREETING).count()), 'the old text is gone');
  assert.ok(consoleLines.some((l) => l.includes('[vite] hot updated: /src/App.jsx')), consoleLines.join('\n'));
  console.log(`# done at ${since()}`);
});
