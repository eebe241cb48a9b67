#!/usr/bin/env node
// Takes screenshots of the sign-in card, the home page and an IDE against a running Pier (or the mock), to look at
// while developing. Signs in as PIER_USER / PIER_PASSWORD (the mock's demo / demo-password by default).
//   PIER_URL=http://pier.localhost:18080 node dev/shoot.mjs /tmp/shots [slug]
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const base = process.env.PIER_URL ?? 'http://pier.localhost:18080';
const out = process.argv[2] ?? '/tmp/shots';
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(base + '/');
await page.waitForSelector('[data-testid="auth-submit"]');
await page.screenshot({ path: `${out}/signin.png` });
await page.fill('[data-testid="auth-username"]', process.env.PIER_USER ?? 'demo');
await page.fill('[data-testid="auth-password"]', process.env.PIER_PASSWORD ?? 'demo-password');
await page.click('[data-testid="auth-submit"]');
await page.waitForSelector('[data-testid="user-name"]');
await page.waitForSelector('[data-testid^="repl-"]');
await page.screenshot({ path: `${out}/home.png` });
let slug = process.argv[3];
if (!slug) {
  const res = await page.evaluate(() => fetch('/api/repls').then((r) => r.json()));
  slug = res.repls.find((r) => r.template === 'node')?.slug;
}
await page.goto(`${base}/ide/${slug}`);
await page.waitForTimeout(300);
await page.screenshot({ path: `${out}/starting.png` });
await page.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 30000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/ide.png` });
await browser.close();
console.log('slug', slug);
