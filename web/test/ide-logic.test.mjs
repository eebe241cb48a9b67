// Fast tests (no browser) of the IDE's pure logic: the start overlay's stopwatch, the preview's paths and history,
// and how a terminal replay is cut by the sizes it was drawn at. The TypeScript modules are bundled in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

async function load(relative) {
  const out = await build({
    entryPoints: [path.join(here, '..', 'src', 'ui', relative)], bundle: true, format: 'esm', write: false,
    platform: 'neutral', logLevel: 'silent',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { Stopwatch, elapsedLabel } = await load('ide/stopwatch.ts');
const { previewPath, PreviewHistory } = await load('ide/previewnav.ts');
const { replayChunks } = await load('ide/replay.ts');

test('the overlay stopwatch never goes back and keeps counting when started again while it runs', () => {
  let now = 0;
  const watch = new Stopwatch(() => now);
  watch.start();
  now = 8400;
  assert.equal(watch.seconds(), 8);
  watch.start(); // shown again (a reconnection) while up
  now = 9100;
  assert.equal(watch.seconds(), 9);
  now = 5000; // a clock that stepped back
  assert.equal(watch.seconds(), 9);
  watch.stop();
  now = 20000;
  watch.start();
  now = 21500;
  assert.equal(watch.seconds(), 1);
});

test('the elapsed label is empty for the first second, then seconds, then minutes', () => {
  assert.equal(elapsedLabel(0), '');
  assert.equal(elapsedLabel(7), '7s');
  assert.equal(elapsedLabel(65), '1m 05s');
});

test('a preview path is taken from a path, a bare name or an address of the app, never another site', () => {
  const base = 'http://calm-otter-1a2b3c.pier.localhost:8080/';
  assert.equal(previewPath(base, '/about'), '/about');
  assert.equal(previewPath(base, 'about?x=1#top'), '/about?x=1#top');
  assert.equal(previewPath(base, ''), '/');
  assert.equal(previewPath(base, 'http://calm-otter-1a2b3c.pier.localhost:8080/a/b'), '/a/b');
  assert.equal(previewPath(base, 'https://example.com/'), null);
  assert.equal(previewPath(base, '//example.com/x'), null);
  assert.equal(previewPath(base, 'javascript:alert(1)'), null);
});

test('the preview history goes back and forward, and a new place drops what was forward', () => {
  const h = new PreviewHistory();
  h.go('/a'); h.go('/b');
  assert.equal(h.back(), '/a');
  assert.equal(h.back(), '/');
  assert.equal(h.canGoBack, false);
  assert.equal(h.forward(), '/a');
  h.go('/c');
  assert.equal(h.canGoForward, false);
  assert.equal(h.back(), '/a');
  h.go('/a');
  assert.equal(h.current, '/a');
});

test('a replay is cut at each recorded size; bytes before the first are drawn at it', () => {
  assert.deepEqual(replayChunks(100, [{ at: 0, cols: 80, rows: 24 }, { at: 60, cols: 40, rows: 20 }]), [
    { from: 0, to: 60, cols: 80, rows: 24 }, { from: 60, to: 100, cols: 40, rows: 20 },
  ]);
  assert.deepEqual(replayChunks(50, [{ at: 10, cols: 30, rows: 10 }]), [{ from: 0, to: 50, cols: 30, rows: 10 }]);
  assert.deepEqual(replayChunks(50, []), []);
  assert.deepEqual(replayChunks(50, undefined), []);
  // Sizes past the end, or nonsense, are not trusted.
  assert.deepEqual(replayChunks(50, [{ at: 0, cols: 80, rows: 24 }, { at: 900, cols: 10, rows: 5 }, { at: 5, cols: -1, rows: 3 }]),
    [{ from: 0, to: 50, cols: 80, rows: 24 }]);
});
