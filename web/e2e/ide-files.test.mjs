// Files in and out of the IDE, walked in the browser: the static template's image opens as an image; a binary file
// uploaded with the upload button comes back byte-exact (from the API and as the browser's download) and opens as its
// size and a download link; a folder uploaded with the folder picker comes back as a zip whose entries are checked;
// a file dropped from the desktop lands in the folder it was dropped on; a row dragged onto a folder moves there (read
// back through the files API) and a folder never moves into itself.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  STEP_MS, startTarget, stopTarget, launchBrowser, newUser, openNewRepl, openFile, apiCall, until, assertNoProblems,
  screenshotPath,
} from './harness.mjs';

let target = null;
let browser = null;
let user = null;
/** What the step running now expects the browser to log (a stat of a path that is gone answers 404). */
let expecting = null;

before(async () => {
  target = await startTarget();
  browser = await launchBrowser();
  user = await newUser(browser, target.base, { expected: () => expecting });
});

after(async () => {
  await browser?.close();
  stopTarget(target);
});

/** A file's bytes read through the files API with the page's cookies, or its status when it is not there. */
async function bytesOf(page, slug, file) {
  const got = await page.evaluate(async (url) => {
    const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    return { status: res.status, bytes: res.ok ? [...new Uint8Array(await res.arrayBuffer())] : null };
  }, `/api/repls/${slug}/files/${file}`);
  return got.status === 200 ? Buffer.from(got.bytes) : got.status;
}

/** Clicks what starts a download and answers the downloaded bytes and the name the browser was given. */
/**
 * Drags the row `from` onto `to` the way the browser does it: dragstart on the row, dragenter and dragover on the
 * target, and the drop only when the target accepted the dragover (called preventDefault), then dragend; one
 * DataTransfer throughout. Dispatched in the page rather than with Playwright's dragAndDrop, whose drag in Chromium
 * sometimes never starts on a loaded machine (CI lost three drags in a row that way, the page reporting nothing).
 */
async function dragRow(page, from, to) {
  return page.evaluate(([fromSel, toSel]) => {
    const source = document.querySelector(fromSel);
    const target = document.querySelector(toSel);
    const data = new DataTransfer();
    const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    const started = fire(source, 'dragstart') && data.types.length > 0;
    fire(target, 'dragenter');
    const accepted = !fire(target, 'dragover');
    if (accepted) fire(target, 'drop');
    fire(source, 'dragend');
    return { started, accepted };
  }, [from, to]);
}

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_MS }), click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

/** The files of a zip: name → bytes, read through its central directory (stored or deflated entries). */
function unzip(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'not a zip: no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extra + comment;
    if (name.endsWith('/')) continue;
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    files.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
  }
  return files;
}

test('files go in and out of the IDE byte-exact; images and binary files show as what they are; rows move by dragging', { timeout: 10 * 60 * 1000 }, async (t) => {
  const { page, problems } = user;
  const slug = await openNewRepl(page, target.base, 'static');
  // Every byte value, and bytes that are not UTF-8: what a text path through the session would mangle.
  const blob = Buffer.concat([Buffer.from([...Array(256).keys()]), crypto.randomBytes(3000), Buffer.from([0xff, 0xfe, 0])]);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-upload-'));
  const assets = path.join(folder, 'assets');
  fs.mkdirSync(path.join(assets, 'sub'), { recursive: true });
  const notes = Buffer.from('notes of the assets\n');
  const raw = crypto.randomBytes(1500);
  fs.writeFileSync(path.join(assets, 'notes.txt'), notes);
  fs.writeFileSync(path.join(assets, 'sub', 'raw.bin'), raw);

  await t.test("the static template's image opens as an image", async () => {
    await openFile(page, 'pier.png');
    await page.locator('[data-testid="binary-image"][data-loaded="true"]').waitFor({ timeout: STEP_MS });
    const size = await page.evaluate(() => document.querySelector('[data-testid="binary-image"]').naturalWidth);
    assert.equal(size, 96);
    assert.match(await page.textContent('[data-testid="binary-size"]'), /96 × 96/);
    await page.screenshot({ path: screenshotPath('ide-image.png') });
  });

  await t.test('a binary file uploaded with the button comes back byte-exact and opens as its size and a download', async () => {
    await page.click('[data-testid="tree-upload"]');
    await page.locator('[data-testid="menu-upload-files"]').waitFor({ timeout: STEP_MS });
    const chooser = page.waitForEvent('filechooser', { timeout: STEP_MS });
    await page.click('[data-testid="menu-upload-files"]');
    await (await chooser).setFiles([{ name: 'blob.bin', mimeType: 'application/octet-stream', buffer: blob }]);
    await page.locator('[data-testid="file-blob.bin"]').waitFor({ timeout: STEP_MS });
    assert.deepEqual(await bytesOf(page, slug, 'blob.bin'), blob, 'the bytes the API has');
    const disposition = await page.evaluate((url) => fetch(url).then((r) => r.headers.get('content-disposition')),
      `/api/repls/${slug}/files/blob.bin?download=true`);
    assert.match(disposition ?? '', /^attachment; filename="blob\.bin"/, 'download=true asks the browser to save the file');

    await openFile(page, 'blob.bin');
    await page.locator('[data-testid="binary-view"][data-kind="binary"]').waitFor({ timeout: STEP_MS });
    await until(page, () => document.querySelector('[data-testid="binary-size"]')?.dataset.bytes);
    assert.equal(await page.getAttribute('[data-testid="binary-size"]', 'data-bytes'), String(blob.length));
    const viaView = await downloaded(page, () => page.click('[data-testid="binary-download"]'));
    assert.equal(viaView.name, 'blob.bin');
    assert.deepEqual(viaView.bytes, blob, 'the bytes the browser downloaded');

    await page.click('[data-testid="file-blob.bin"]', { button: 'right' });
    const viaMenu = await downloaded(page, () => page.click('[data-testid="menu-download"]'));
    assert.deepEqual(viaMenu.bytes, blob, 'the bytes downloaded from the tree menu');
  });

  await t.test('a folder uploaded with the folder picker comes back as a zip of the same files', async () => {
    await page.click('[data-testid="file-pier.png"]'); // uploads go to the selected row's folder: the workspace
    await page.click('[data-testid="tree-upload"]');
    const chooser = page.waitForEvent('filechooser', { timeout: STEP_MS });
    await page.click('[data-testid="menu-upload-folder"]');
    await (await chooser).setFiles(assets);
    await page.locator('[data-testid="upload-assets/sub/raw.bin"][data-state="done"]').waitFor({ timeout: STEP_MS });
    await page.locator('[data-testid="upload-assets/notes.txt"][data-state="done"]').waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: screenshotPath('ide-upload.png') });
    await page.locator('[data-testid="file-assets"]').waitFor({ timeout: STEP_MS });
    assert.deepEqual(await bytesOf(page, slug, 'assets/sub/raw.bin'), raw);

    await page.click('[data-testid="file-assets"]', { button: 'right' });
    const zip = await downloaded(page, () => page.click('[data-testid="menu-download"]'));
    assert.equal(zip.name, 'assets.zip');
    const entries = unzip(zip.bytes);
    assert.deepEqual([...entries.keys()].sort(), ['notes.txt', 'sub/raw.bin']);
    assert.deepEqual(entries.get('notes.txt'), notes);
    assert.deepEqual(entries.get('sub/raw.bin'), raw);
  });

  await t.test('a file dropped from the desktop onto a folder is uploaded into it', async () => {
    await page.evaluate(() => {
      const row = document.querySelector('[data-testid="file-assets"]');
      const data = new DataTransfer();
      data.items.add(new File(['dropped from the desktop\n'], 'dropped.txt', { type: 'text/plain' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        row.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    });
    // Asked for until the upload lands: the 404s before then are the walk's own.
    expecting = /status of 404/;
    await until(page, (s) => fetch(`/api/repls/${s}/files/assets/dropped.txt`).then((r) => r.ok), slug);
    expecting = null;
    assert.equal((await bytesOf(page, slug, 'assets/dropped.txt')).toString(), 'dropped from the desktop\n');
  });

  await t.test('a row dragged onto a folder moves there; a folder never moves into itself', async () => {
    expecting = /status of 404/;
    assert.equal(await page.getAttribute('[data-testid="file-blob.bin"]', 'draggable'), 'true', 'a row can be dragged');
    const drop = await dragRow(page, '[data-testid="file-blob.bin"]', '[data-testid="file-assets"]');
    assert.deepEqual(drop, { started: true, accepted: true }, 'the tree took the drag and offered the folder as a target');
    await until(page, (s) => fetch(`/api/repls/${s}/files/assets/blob.bin?stat=true`).then((r) => r.ok), slug);
    assert.deepEqual(await bytesOf(page, slug, 'assets/blob.bin'), blob, 'the moved file, read through the files API');
    assert.equal(await bytesOf(page, slug, 'blob.bin'), 404, 'nothing left where it was');
    // The tab open on it follows it.
    await page.locator('[data-testid="tab-assets/blob.bin"]').waitFor({ timeout: STEP_MS });

    await page.click('[data-testid="file-assets"]'); // expanded: its folder sub shows
    await page.locator('[data-testid="file-assets/sub"]').waitFor({ timeout: STEP_MS });
    const refused = await dragRow(page, '[data-testid="file-assets"]', '[data-testid="file-assets/sub"]');
    assert.deepEqual(refused, { started: true, accepted: false }, 'a folder is not offered as a target inside itself');
    const listing = await apiCall(page, 'GET', `/api/repls/${slug}/files/assets/sub`);
    assert.equal(listing.status, 200);
    assert.deepEqual(listing.body.entries.map((e) => e.name), ['raw.bin'], 'assets did not move into its own folder');
    assert.equal((await apiCall(page, 'GET', `/api/repls/${slug}/files/assets?stat=true`)).status, 200);
    expecting = null;
  });

  await t.test('the browser reported no problem', () => assertNoProblems(problems));
  fs.rmSync(folder, { recursive: true, force: true });
});
