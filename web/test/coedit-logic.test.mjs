// Fast tests (no browser) of co-editing's client (src/ui/ide/docsync.ts) against the mock's authority
// (dev/mock-collab.mjs, which orders updates as the node-agent does): editors typing at once converge on one text
// with everything each typed, and one whose connection drops keeps what it typed offline and catches up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { collabApi } from '../dev/mock-collab.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function load() {
  const out = await build({
    stdin: {
      contents: `export * from './ide/docsync'; export { EditorState } from '@codemirror/state';
        export { getSyncedVersion, sendableUpdates } from '@codemirror/collab';`,
      resolveDir: path.join(here, '..', 'src', 'ui'), loader: 'ts',
    },
    bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { DocSync, EditorState, changeBetween, sendableUpdates } = await load();

/** One repl of the mock, its files, and sessions whose frames arrive later, in order, as over a socket. */
function world(text) {
  const r = { files: new Map([['a.txt', text]]), sessions: new Set() };
  const queue = [];
  const sendJson = (ws, msg) => { if (ws.open) queue.push(() => ws.deliver(msg)); };
  const broadcast = (rr, msg) => { for (const ws of rr.sessions) sendJson(ws, msg); };
  const api = collabApi({ sendJson, broadcast, version: (c) => String(c.length) });
  return { r, queue, api };
}

/** A client: a fake Session over the mock, an EditorState held in a host, and its DocSync. */
async function client(w, name) {
  const listeners = new Map();
  let ws = null;
  let id = 0;
  const pending = new Map();
  const connect = () => {
    ws = { open: true, sessionId: name, username: name,
      deliver: (msg) => {
        if (!ws?.open) return;
        if (msg.id !== undefined) { const p = pending.get(msg.id); pending.delete(msg.id); return msg.ok ? p.resolve(msg) : p.reject(Object.assign(new Error(msg.message), { code: msg.error })); }
        for (const fn of listeners.get(msg.event) ?? []) fn(msg);
      } };
    w.r.sessions.add(ws);
  };
  connect();
  const session = {
    get connected() { return !!ws?.open; },
    request(op, args) {
      if (!ws?.open) return Promise.reject(Object.assign(new Error('Not connected'), { code: 'disconnected' }));
      const msgId = ++id;
      const me = ws;
      return new Promise((resolve, reject) => {
        pending.set(msgId, { resolve, reject });
        w.queue.push(() => {
          const reply = (body) => w.queue.push(() => me.deliver({ id: msgId, ok: true, ...body }));
          const error = (code, message) => w.queue.push(() => me.deliver({ id: msgId, ok: false, error: code, message }));
          w.api.handle(w.r, me, { op, ...args }, reply, error);
        });
      });
    },
  };
  const c = { name, session, state: null, sync: null,
    on: (event, fn) => { if (!listeners.has(event)) listeners.set(event, []); listeners.get(event).push(fn); },
    drop() {
      ws.open = false;
      w.r.sessions.delete(ws);
      w.api.left(w.r, ws);
      for (const [k, p] of pending) { pending.delete(k); p.reject(Object.assign(new Error('dropped'), { code: 'disconnected' })); }
    },
    /** Connects again and opens the file at the version it had; the frames run with the world's. */
    reconnect() { connect(); return c.sync.catchUp(); },
    type(at, text) {
      c.state = c.state.update({ changes: { from: Math.min(at, c.state.doc.length), insert: text } }).state;
      c.sync.push();
    },
  };
  c.on('doc.update', (e) => c.sync.onUpdate(e));
  const opening = DocSync.open(session, 'a.txt');
  await run(w);
  const opened = await opening;
  c.sync = opened.sync;
  c.state = EditorState.create({ doc: opened.text, extensions: c.sync.extensions(opened.version) });
  c.sync.attach({
    state: () => c.state,
    apply: (tr) => { c.state = tr.state; },
    reset: (text, extensions, local) => {
      c.state = EditorState.create({ doc: text, extensions });
      if (local) c.state = c.state.update({ changes: local }).state;
    },
  });
  return c;
}

/** Delivers every frame in flight (and those they cause), a few at a time, interleaved with the test's typing. */
async function run(w, max = Infinity) {
  let n = 0;
  while (w.queue.length && n++ < max) {
    w.queue.shift()();
    await new Promise((r) => setImmediate(r));
  }
}

function seeded(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('changeBetween turns one text into the other with one replacement', () => {
  for (const [a, b] of [['abc', 'abXc'], ['hello', ''], ['', 'x\ny'], ['same', 'same'], ['a\nb\nc', 'a\nc']]) {
    assert.equal(changeBetween(a, b).apply(EditorState.create({ doc: a }).doc).toString(), b);
  }
});

test('three editors typing at once converge on one text holding everything each typed; a dropped one catches up', async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const random = seeded(seed);
    const w = world('one\ntwo\nthree\n');
    const clients = [await client(w, 'a'), await client(w, 'b'), await client(w, 'c')];
    const typed = [];
    for (let i = 0; i < 40; i++) {
      const c = clients[Math.floor(random() * 3)];
      const marker = `<${c.name}${i}>`;
      // Whole markers at random places, which may fall inside another's marker: only its own must stay whole.
      const at = random() < 0.5 ? c.state.doc.length : Math.floor(random() * (c.state.doc.length + 1));
      c.type(at, marker);
      typed.push(marker);
      if (i === 12) clients[2].drop();
      if (i === 30) void clients[2].reconnect();
      await run(w, Math.floor(random() * 6));
    }
    await run(w);
    for (const c of clients) c.sync.push();
    await run(w);
    const texts = clients.map((c) => c.state.doc.toString());
    assert.ok(texts.every((t) => t === texts[0]), `seed ${seed}: ${texts.join(' | ')}`);
    for (const c of clients) assert.equal(sendableUpdates(c.state).length, 0, `seed ${seed}: ${c.name} has all confirmed`);
    const doc = w.r.docs.get('a.txt');
    assert.equal(doc.text.toString(), texts[0], `seed ${seed}: the authority holds the same text`);
    // A marker typed at a random place may land inside another's: the text holds exactly every character typed.
    const sorted = (t) => [...t].sort().join('');
    assert.equal(sorted(texts[0]), sorted('one\ntwo\nthree\n' + typed.join('')), `seed ${seed}: nothing lost, nothing doubled`);
  }
});

test('a client whose document was forgotten rebases what it typed offline over the node\'s new text', async () => {
  const w = world('base\n');
  const a = await client(w, 'a');
  const b = await client(w, 'b');
  a.drop();
  a.type(0, 'offline ');
  // The node forgets the document (nobody had it open long enough) and someone changes the file meanwhile.
  b.type(5, 'more\n');
  await run(w);
  w.r.docs.delete('a.txt');
  w.r.files.set('a.txt', 'base\nmore\nfrom disk\n');
  const caughtUp = a.reconnect();
  await run(w);
  await caughtUp;
  assert.equal(a.state.doc.toString(), 'offline base\nmore\nfrom disk\n');
  assert.equal(w.r.docs.get('a.txt').text.toString(), 'offline base\nmore\nfrom disk\n');
});
