// The mock's co-editing and presence (docs/protocol.md#co-editing, #presence), as the node-agent does them: one
// authority per open file orders every editor's @codemirror/collab updates, refuses a push made on an old version (its
// client rebases), sends each accepted update to everyone with the file open (doc.update), writes the text back to the
// repl's files 300 ms after a change, and turns a change made by anything else into an update of its own.
import crypto from 'node:crypto';
import { ChangeSet, Text } from '@codemirror/state';

const MAX_HISTORY = 1000;
const WRITE_DELAY_MS = 300;
const COLORS = ['#e5484d', '#3e63dd', '#30a46c', '#f76b15', '#8e4ec6', '#12a594', '#d6409f', '#ffb224'];
const DISK = 'pier-disk';

/** The colour of an account, as the node-agent picks it (Java's String.hashCode, floorMod). */
export function colorOf(user) {
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (Math.imul(31, h) + user.charCodeAt(i)) | 0;
  return COLORS[((h % COLORS.length) + COLORS.length) % COLORS.length];
}

function changeBetween(a, b) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) { endA--; endB--; }
  return ChangeSet.of([{ from: start, to: endA, insert: b.slice(start, endB) }], a.length);
}

/**
 * @param deps.sendJson   (ws, msg) sends an event to one session
 * @param deps.broadcast  (r, msg) sends an event to every session of a repl
 * @param deps.version    (text) a file's version
 */
export function collabApi({ sendJson, broadcast, version }) {
  const docsOf = (r) => (r.docs ??= new Map());
  const presenceOf = (r) => (r.presence ??= new Map());

  function sendUpdate(r, doc, updates) {
    const msg = { event: 'doc.update', path: doc.path, version: doc.version, updates };
    for (const ws of doc.peers) sendJson(ws, msg);
  }

  function writeSoon(r, doc) {
    if (doc.timer) return;
    doc.timer = setTimeout(() => write(r, doc), WRITE_DELAY_MS);
  }

  function write(r, doc) {
    clearTimeout(doc.timer);
    doc.timer = null;
    if (docsOf(r).get(doc.path) !== doc) return null;
    const text = doc.text.toString();
    const existed = r.files.has(doc.path);
    doc.written = text;
    r.files.set(doc.path, text);
    const v = version(text);
    broadcast(r, { event: 'fs', changes: [{ path: doc.path, type: 'file', kind: existed ? 'modified' : 'created', version: v }] });
    return v;
  }

  function remember(doc, update) {
    doc.updates.push(update);
    doc.version++;
    if (doc.updates.length > MAX_HISTORY) doc.updates.shift();
  }

  function gone(r, path) {
    const doc = docsOf(r).get(path);
    if (!doc) return;
    clearTimeout(doc.timer);
    docsOf(r).delete(path);
    for (const ws of doc.peers) sendJson(ws, { event: 'doc.gone', path });
  }

  function presence(r) {
    const users = [...presenceOf(r).values()].map((p) => ({ session: p.ws.sessionId, user: p.ws.username, color: colorOf(p.ws.username), ...(p.path ? { path: p.path } : {}), ...(p.selection ? { selection: p.selection } : {}) }));
    broadcast(r, { event: 'presence', users });
  }

  return {
    /** A session joined: the others see it. */
    joined(r, ws) { presenceOf(r).set(ws, { ws }); presence(r); },

    /** A session left: it closes its documents and leaves the others' lists. */
    left(r, ws) {
      for (const doc of docsOf(r).values()) doc.peers.delete(ws);
      if (presenceOf(r).delete(ws)) presence(r);
    },

    /** Files changed (an fs event of the repl): documents follow the disk. */
    filesChanged(r, changes) {
      for (const c of changes ?? []) {
        if (c.kind === 'deleted') {
          for (const p of [...docsOf(r).keys()]) if (p === c.path || p.startsWith(`${c.path}/`)) gone(r, p);
          continue;
        }
        const doc = docsOf(r).get(c.path);
        const disk = r.files.get(c.path);
        if (!doc || typeof disk !== 'string' || disk === doc.written) continue;
        const now = doc.text.toString();
        if (disk === now) continue;
        const changesJson = changeBetween(now, disk);
        doc.text = changesJson.apply(doc.text);
        const update = { clientID: DISK, changes: changesJson.toJSON() };
        remember(doc, update);
        sendUpdate(r, doc, [update]);
      }
    },

    /** Answers doc.* and presence; false for any other op. */
    handle(r, ws, msg, reply, error) {
      const docs = docsOf(r);
      switch (msg.op) {
        case 'doc.open': {
          let doc = docs.get(msg.path);
          if (!doc) {
            const c = r.files.get(msg.path);
            if (c === undefined) { error('not_found', `no such file: ${msg.path}`); return true; }
            if (Buffer.isBuffer(c) || c.includes('\0')) { error('binary', 'binary file'); return true; }
            if (Buffer.byteLength(c) > 2 * 1024 * 1024) { error('too_large', `${msg.path} is larger than 2 MiB`); return true; }
            if (c.includes('\r')) { error('not_coeditable', `${msg.path} has CR line ends`); return true; }
            doc = { path: msg.path, id: crypto.randomBytes(4).toString('hex'), text: Text.of(c.split('\n')), version: 0, updates: [], peers: new Set(), timer: null, written: c };
            docs.set(msg.path, doc);
          }
          doc.peers.add(ws);
          const first = doc.version - doc.updates.length;
          const since = msg.version;
          if (typeof since === 'number' && msg.doc === doc.id && since >= first && since <= doc.version) {
            reply({ path: doc.path, doc: doc.id, version: doc.version, updates: doc.updates.slice(since - first) });
          } else {
            reply({ path: doc.path, doc: doc.id, version: doc.version, text: doc.text.toString() });
          }
          return true;
        }
        case 'doc.push': {
          const doc = docs.get(msg.path);
          if (!doc || !doc.peers.has(ws)) { error('not_open', `${msg.path} is not open for co-editing in this session`); return true; }
          if (msg.version !== doc.version) { reply({ accepted: false, version: doc.version }); return true; }
          let text = doc.text;
          try {
            for (const u of msg.updates) text = ChangeSet.fromJSON(u.changes).apply(text);
          } catch (e) { error('bad_request', String(e)); return true; }
          doc.text = text;
          for (const u of msg.updates) remember(doc, { clientID: u.clientID, changes: u.changes });
          sendUpdate(r, doc, msg.updates.map((u) => ({ clientID: u.clientID, changes: u.changes })));
          writeSoon(r, doc);
          reply({ accepted: true, version: doc.version });
          return true;
        }
        case 'doc.flush': {
          const doc = docs.get(msg.path);
          if (!doc) { error('not_open', `${msg.path} is not open for co-editing`); return true; }
          const v = write(r, doc);
          reply(v ? { version: v } : {});
          return true;
        }
        case 'doc.close': {
          docs.get(msg.path)?.peers.delete(ws);
          reply({});
          return true;
        }
        case 'presence': {
          presenceOf(r).set(ws, { ws, path: msg.path ?? null, selection: msg.selection ?? null });
          presence(r);
          reply({});
          return true;
        }
        default:
          return false;
      }
    },
  };
}
