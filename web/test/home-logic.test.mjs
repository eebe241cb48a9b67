// Fast tests (no browser) of the home page's repl list logic (search and sort) and of the mock server's name checks,
// which must refuse what the real API refuses (common ReplNames), with the same codes and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { checkTitle, checkDescription, touch } from '../dev/mock-names.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function load(relative) {
  const out = await build({
    entryPoints: [path.join(here, '..', 'src', 'ui', relative)], bundle: true, format: 'esm', write: false,
    platform: 'neutral', logLevel: 'silent',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { arrangeRepls, matchesQuery, replName } = await load('home/replquery.ts');

const repl = (slug, more = {}) => ({
  slug, template: 'node', owner: 'u', state: 'stopped', createdAt: '2026-01-01T00:00:00Z', lastActiveAt: '2026-01-01T00:00:00Z', ...more,
});
const a = repl('calm-otter-111111', { title: 'Aurora shop', description: 'Sells northern lights', createdAt: '2026-01-01T00:00:00Z', lastActiveAt: '2026-03-01T00:00:00Z' });
const b = repl('brave-heron-222222', { title: 'zebra notes', createdAt: '2026-02-01T00:00:00Z', lastActiveAt: '2026-02-01T00:00:00Z' });
const c = repl('eager-lynx-333333', { createdAt: '2026-01-15T00:00:00Z', lastActiveAt: '2026-01-15T00:00:00Z' });
const slugs = (list) => list.map((r) => r.slug);

test('a repl without a title goes by its slug', () => {
  assert.equal(replName(a), 'Aurora shop');
  assert.equal(replName(c), c.slug);
  assert.equal(replName({ ...c, title: '   ' }), c.slug);
});

test('the search matches every word in the title, slug or description, ignoring case', () => {
  assert.ok(matchesQuery(a, 'AURORA'));
  assert.ok(matchesQuery(a, 'northern shop'));
  assert.ok(matchesQuery(c, 'lynx-33'));
  assert.ok(!matchesQuery(a, 'aurora zebra'));
  assert.ok(matchesQuery(b, '   '));
  assert.deepEqual(slugs(arrangeRepls([a, b, c], 'notes', 'active')), [b.slug]);
});

test('the sort orders by last activity, by name (case-blind) or newest first', () => {
  assert.deepEqual(slugs(arrangeRepls([c, b, a], '', 'active')), [a.slug, b.slug, c.slug]);
  assert.deepEqual(slugs(arrangeRepls([c, b, a], '', 'name')), [a.slug, c.slug, b.slug]);
  assert.deepEqual(slugs(arrangeRepls([a, c, b], '', 'created')), [b.slug, c.slug, a.slug]);
});

test('equal times fall back to the newest, then the slug, so the order is stable', () => {
  const same = '2026-05-05T00:00:00Z';
  const x = repl('x-repl-000001', { lastActiveAt: same, createdAt: '2026-01-01T00:00:00Z' });
  const y = repl('y-repl-000002', { lastActiveAt: same, createdAt: '2026-01-02T00:00:00Z' });
  const z = repl('a-repl-000003', { lastActiveAt: same, createdAt: '2026-01-02T00:00:00Z' });
  assert.deepEqual(slugs(arrangeRepls([x, y, z], '', 'active')), [z.slug, y.slug, x.slug]);
});

test('the mock refuses titles and descriptions as the real API does', () => {
  assert.equal(checkTitle('  Aurora  '), 'Aurora');
  assert.equal(checkTitle('   '), null);
  assert.equal(checkTitle(null), null);
  assert.equal(checkTitle('é'.repeat(80)), 'é'.repeat(80));
  assert.throws(() => checkTitle('x'.repeat(81)), { code: 'invalid_title', message: '"title" is 81 characters; at most 80 are allowed' });
  assert.throws(() => checkTitle('two\nlines'), { code: 'invalid_title', message: '"title" may not contain control characters or line breaks' });
  assert.throws(() => checkTitle(5), { code: 'invalid_title', message: '"title" must be a string or null' });
  assert.equal(checkDescription('line one\nline two'), 'line one\nline two');
  assert.throws(() => checkDescription('bell\u0007'), { code: 'invalid_description', message: '"description" may not contain control characters (line breaks and tabs are fine)' });
  assert.throws(() => checkDescription('x'.repeat(501)), { code: 'invalid_description' });
});

test('the mock moves last-active at most once a minute', () => {
  const r = { lastActiveAt: '2026-01-01T00:00:00.000Z' };
  touch(r, '2026-01-01T00:00:30.000Z');
  assert.equal(r.lastActiveAt, '2026-01-01T00:00:00.000Z');
  touch(r, '2026-01-01T00:01:00.000Z');
  assert.equal(r.lastActiveAt, '2026-01-01T00:01:00.000Z');
});
