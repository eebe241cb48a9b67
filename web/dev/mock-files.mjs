// The mock's files REST API (docs/protocol.md#files-and-archives), what the IDE's uploads, downloads and image views
// use: a file's bytes (GET, ?download=true as an attachment, ?stat=true), a byte-exact PUT (?parents=true), a move
// (POST ?op=move&to=) and a folder as a zip (GET /archive/<folder>?format=zip, stored entries). Files are kept as
// text when they are UTF-8 without NUL, else as a Buffer (fs.read then answers "binary", as the node-agent does).
import zlib from 'node:zlib';

/** Whether these bytes are what the session protocol calls binary: a NUL, or not UTF-8. */
export function isBinary(buf) {
  if (buf.includes(0)) return true;
  try { new TextDecoder('utf-8', { fatal: true }).decode(buf); return false; } catch { return true; }
}

/** The bytes as the mock keeps a file: a string for text, the Buffer for binary. */
export const keep = (buf) => (isBinary(buf) ? Buffer.from(buf) : buf.toString('utf8'));

const bytesOf = (c) => (Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'));

function readRaw(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A zip of `entries` ([name, Buffer]), stored (not deflated). */
export function zip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt32LE(crc, 16); dir.writeUInt32LE(data.length, 20); dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(n.length, 28); dir.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * Answers /api/repls/<slug>/files/... and /archive/...; `parts` is the path split on '/', `m` the mock's helpers
 * ({send, fail, addParents, isDir, badPath, broadcast, version}).
 */
export async function filesApi(req, res, url, r, parts, m) {
  const p = parts.slice(4).map(decodeURIComponent).join('/');
  const q = url.searchParams;
  if (p && m.badPath(p)) return m.fail(res, 400, 'bad_path', `not a workspace path: ${p}`);
  const stat = (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (m.isDir(r, path)) return { name, path, type: 'dir', size: 0 };
    const c = r.files.get(path);
    return c === undefined ? null : { name, path, type: 'file', size: bytesOf(c).length };
  };
  if (parts[3] === 'archive' && req.method === 'GET') {
    if (!m.isDir(r, p)) return m.fail(res, 404, 'not_found', `no such folder: ${p}`);
    if ((q.get('format') ?? 'tar') !== 'zip') return m.fail(res, 400, 'bad_format', 'the mock makes zip archives only');
    const prefix = p ? `${p}/` : '';
    const entries = [...r.files].filter(([f]) => f.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b))
      .map(([f, c]) => [f.slice(prefix.length), bytesOf(c)]);
    const name = (p ? p.slice(p.lastIndexOf('/') + 1) : r.slug).replace(/[^A-Za-z0-9._-]/g, '_');
    return m.send(res, 200, zip(entries), 'application/zip', { 'Content-Disposition': `attachment; filename="${name}.zip"` });
  }
  if (parts[3] !== 'files') return m.fail(res, 405, 'method_not_allowed', 'GET');
  if (req.method === 'GET') {
    const s = stat(p);
    if (!s) return m.fail(res, 404, 'not_found', `no such file or folder: ${p}`);
    if (q.get('stat') === 'true') return m.send(res, 200, s);
    if (s.type === 'dir') {
      const names = new Map();
      const prefix = p ? `${p}/` : '';
      for (const d of r.dirs) if (d.startsWith(prefix) && d !== p && !d.slice(prefix.length).includes('/')) names.set(d, stat(d));
      for (const f of r.files.keys()) if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) names.set(f, stat(f));
      return m.send(res, 200, { path: p, entries: [...names.values()].sort((a, b) => a.name.localeCompare(b.name)), truncated: false });
    }
    const headers = q.get('download') === 'true'
      ? { 'Content-Disposition': `attachment; filename="${s.name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(s.name)}` } : {};
    return m.send(res, 200, bytesOf(r.files.get(p)), 'application/octet-stream', headers);
  }
  if (req.method === 'PUT') {
    const body = await readRaw(req);
    if (!p || m.isDir(r, p)) return m.fail(res, 409, 'is_a_dir', `a folder: ${p}`);
    const parent = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (!m.isDir(r, parent) && q.get('parents') !== 'true') return m.fail(res, 404, 'not_found', `no such folder: ${parent}`);
    if (r.files.has(parent)) return m.fail(res, 409, 'not_a_dir', `not a folder: ${parent}`);
    const existed = r.files.has(p);
    const content = keep(body);
    r.files.set(p, content);
    m.addParents(r, p);
    m.broadcast(r, { event: 'fs', changes: [{ path: p, type: 'file', kind: existed ? 'modified' : 'created', version: m.version(content) }] });
    return m.send(res, existed ? 200 : 201, { path: p, size: body.length, created: !existed });
  }
  if (req.method === 'POST' && q.get('op') === 'move') {
    const to = q.get('to') ?? '';
    if (!to || m.badPath(to)) return m.fail(res, 400, 'bad_path', `not a workspace path: ${to}`);
    if (!stat(p)) return m.fail(res, 404, 'not_found', `no such file or folder: ${p}`);
    if (stat(to)) return m.fail(res, 409, 'exists', `exists: ${to}`);
    if (to === p || to.startsWith(`${p}/`)) return m.fail(res, 400, 'bad_move', `${p} cannot move into itself`);
    for (const [f, c] of [...r.files]) if (f === p || f.startsWith(`${p}/`)) { r.files.delete(f); r.files.set(to + f.slice(p.length), c); m.addParents(r, to + f.slice(p.length)); }
    for (const d of [...r.dirs]) if (d === p || d.startsWith(`${p}/`)) { r.dirs.delete(d); r.dirs.add(to + d.slice(p.length)); }
    m.addParents(r, to);
    m.broadcast(r, { event: 'fs', changes: [{ path: p, type: 'file', kind: 'deleted' }, { path: to, type: m.isDir(r, to) ? 'dir' : 'file', kind: 'created' }] });
    return m.send(res, 200, { from: p, to });
  }
  return m.fail(res, 405, 'method_not_allowed', 'GET, PUT or POST op=move');
}
