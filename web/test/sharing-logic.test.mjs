// Fast tests (no browser) of sharing: what each role lets the pages offer (lib/access.ts), and the mock server's role
// checks, which must refuse what Pier refuses (scheduler OwnedRepls, CollaboratorRoutes) with the same codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { collaboratorsJson, refusal, roleOf, sessionRefusal } from '../dev/mock-sharing.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function load(relative) {
  const out = await build({
    entryPoints: [path.join(here, '..', 'src', 'ui', relative)], bundle: true, format: 'esm', write: false,
    platform: 'neutral', logLevel: 'silent',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { accessOf } = await load('lib/access.ts');

test('an owner manages and changes, an editor changes, a viewer only looks', () => {
  assert.deepEqual(accessOf({ role: 'owner' }), { role: 'owner', canChange: true, canManage: true });
  assert.deepEqual(accessOf({ role: 'editor' }), { role: 'editor', canChange: true, canManage: false });
  assert.deepEqual(accessOf({ role: 'viewer' }), { role: 'viewer', canChange: false, canManage: false });
});

test('a repl without a role (an API from before sharing) is its owner\'s', () => {
  assert.equal(accessOf({}).role, 'owner');
});

const repl = { slug: 'calm-otter-111111', owner: 'ann', collaborators: new Map([['vic', 'viewer'], ['eve', 'editor']]) };

test('the mock gives each account its role, and none to strangers', () => {
  assert.equal(roleOf(repl, 'ann'), 'owner');
  assert.equal(roleOf(repl, 'eve'), 'editor');
  assert.equal(roleOf(repl, 'vic'), 'viewer');
  assert.equal(roleOf(repl, 'sam'), null);
  assert.deepEqual(collaboratorsJson(repl), [{ account: 'eve', role: 'editor' }, { account: 'vic', role: 'viewer' }]);
});

test('the mock refuses a route below the role it needs with 403 forbidden, naming the role the caller has', () => {
  assert.equal(refusal(repl, 'vic', 'viewer'), null);
  assert.equal(refusal(repl, 'eve', 'editor'), null);
  assert.equal(refusal(repl, 'ann', 'owner'), null);
  assert.deepEqual(refusal(repl, 'vic', 'editor'), {
    status: 403, error: 'forbidden', message: 'you are a viewer of this repl; only its owner or an editor may do that',
  });
  assert.match(refusal(repl, 'eve', 'owner').message, /^you are an editor of this repl; only its owner may do that$/);
  assert.equal(refusal(repl, 'sam', 'viewer').message, 'this repl belongs to someone else');
});

test('on the session a viewer may look, not change; an editor may do both', () => {
  for (const op of ['fs.list', 'fs.read', 'fs.search', 'fs.files', 'term.attach']) assert.equal(sessionRefusal(repl, 'vic', op), null, op);
  for (const op of ['fs.write', 'fs.edit', 'fs.create', 'fs.rename', 'fs.delete', 'term.open', 'term.resize', 'term.close', 'run.start', 'run.stop', 'term.input']) {
    assert.match(sessionRefusal(repl, 'vic', op), /viewer/, op);
    assert.equal(sessionRefusal(repl, 'eve', op), null, op);
  }
  assert.match(sessionRefusal(repl, 'sam', 'fs.read'), /no longer shared/);
});
