#!/usr/bin/env node
// A stand-in for Pier's edge-proxy, scheduler and node-agent, to develop and test the web front end alone.
// It serves the built webroot (target/classes/webroot), a fake REST API under /api, the IDE session protocol
// (docs/protocol.md) over WebSocket with files in memory, a fake shell and a fake run process, and previews at
// <slug>.<domain>:<port> by Host header.
//
//   node dev/mock-server.mjs [--port 18080] [--host 127.0.0.1]
//   PIER_URL=http://pier.localhost:18080 npm test
//
// Accounts as in Pier (the rest of them in mock-accounts.mjs: API keys, a new password, deleting an account; and
// bearer tokens): POST /api/auth/signup|login|logout, GET /api/auth/me, an HttpOnly `pier_token` cookie (host-only,
// so previews at <slug>.<domain> never get it), 401 `unauthenticated` on every other /api call without it (except
// GET /api/templates) and on the session upgrade, 403 `forbidden` for another user's repl (unless shared with them:
// mock-sharing.mjs, roles and collaborators), 429 `rate_limited` for too many logins or creates. Repl titles and descriptions are checked as the real API checks them (mock-names.mjs),
// and an owner's call on a repl moves its lastActiveAt (at most once a minute). Users live in memory; `demo` /
// `demo-password` (an admin) owns the two sample repls. Administrators get the admin page's API (dev/mock-admin.mjs)
// and the node of each repl; nobody else sees node ids.
//
// Environment: MOCK_START_MS (how long a start takes, default 1800), MOCK_FAIL_START (an error code the next start
// answers with once, e.g. no_capacity), PIER_DOMAIN (default pier.localhost), MOCK_SIGNUP_CLOSED=1 (sign-ups answer
// 403 signup_closed), MOCK_CREATE_LIMIT (repl creates per user per minute, default 10).
// Development hooks (not part of Pier): POST /__mock/drop/<slug> closes the repl's sessions; POST
// /__mock/write/<slug>?path=P writes the body to P as a process would; POST /__mock/stop/<slug> stops the repl
// behind the IDE's back. POST /__mock/preview-cookies answers how many preview requests carried a pier_token cookie
// (there must be none).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { filesApi, keep } from './mock-files.mjs';
import { NODES, adminApi, placeNode } from './mock-admin.mjs';
import { NameError, PATCH_FIELDS, checkDescription, checkTitle, touch } from './mock-names.mjs';
import { accountsApi } from './mock-accounts.mjs';
import { collaboratorsJson, refusal, roleOf, sessionRefusal, sharingApi } from './mock-sharing.mjs';
import { collabApi } from './mock-collab.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const PORT = Number(arg('port', process.env.PORT ?? 18080));
const HOST = arg('host', '127.0.0.1');
const DOMAIN = process.env.PIER_DOMAIN ?? 'pier.localhost';
const WEBROOT = path.resolve(arg('webroot', path.join(here, '..', 'target', 'classes', 'webroot')));
const TEMPLATES_DIR = path.resolve(arg('templates', path.join(here, '..', '..', 'templates')));
const START_MS = Number(process.env.MOCK_START_MS ?? 1800);
let failNextStart = process.env.MOCK_FAIL_START ?? '';
const SIGNUP_CLOSED = process.env.MOCK_SIGNUP_CLOSED === '1';
const CREATE_LIMIT = Number(process.env.MOCK_CREATE_LIMIT ?? 10);

const MAX_TERMINALS = 8;
const REPLAY_BYTES = 64 * 1024;

// ---- templates ---------------------------------------------------------------------------------------------

function readTree(dir, prefix = '') {
  const out = new Map();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readTree(path.join(dir, entry.name), rel)) out.set(k, v);
    else if (rel !== 'pier.json') out.set(rel, keep(fs.readFileSync(path.join(dir, entry.name))));
  }
  return out;
}

const templates = new Map();
for (const name of fs.existsSync(TEMPLATES_DIR) ? fs.readdirSync(TEMPLATES_DIR).sort() : []) {
  const manifest = path.join(TEMPLATES_DIR, name, 'pier.json');
  if (!fs.existsSync(manifest)) continue;
  templates.set(name, { manifest: JSON.parse(fs.readFileSync(manifest, 'utf8')), files: readTree(path.join(TEMPLATES_DIR, name)) });
}
if (!templates.size) {
  templates.set('node', {
    manifest: { name: 'node', title: 'Node.js', description: 'A plain Node.js HTTP server', run: 'node index.js', port: 3000, open: 'index.js', limits: { cpus: 1, memoryMb: 512, pids: 256 } },
    files: new Map([['index.js', 'console.log("<h1>Hello from Pier on Node.js</h1>");\n']]),
  });
}

// ---- accounts -----------------------------------------------------------------------------------------------

const users = new Map();   // username → { username, admin, salt, hash }
const tokens = new Map();  // pier_token → username
const USERNAME_RE = /^[a-z0-9_-]{3,32}$/;
const MIN_PASSWORD = 8;
const COOKIE = 'pier_token';

const hashPassword = (password, salt) => crypto.scryptSync(password, salt, 32, { N: 1024 }).toString('hex');

function addUser(username, password, admin = false) {
  const salt = crypto.randomBytes(12).toString('hex');
  const user = { username, admin, salt, hash: hashPassword(password, salt), createdAt: new Date().toISOString() };
  users.set(username, user);
  return user;
}

function checkPassword(user, password) {
  const a = Buffer.from(hashPassword(password, user.salt), 'hex');
  return crypto.timingSafeEqual(a, Buffer.from(user.hash, 'hex'));
}

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** The signed-in user of a request (its cookie, or a bearer token or API key, as programs send), or null. */
function whoIs(req) {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const name = bearer ? tokens.get(bearer) ?? accounts.keyOwner(bearer) : tokens.get(cookies(req)[COOKIE] ?? '');
  return name ? users.get(name) ?? null : null;
}

/** Signs the user out everywhere: their tokens stop working (sign-out, a change of role). */
function revoke(username) {
  for (const [token, name] of tokens) if (name === username) tokens.delete(token);
}

function setPassword(user, password) {
  user.salt = crypto.randomBytes(12).toString('hex');
  user.hash = hashPassword(password, user.salt);
}

const userJson = (u) => ({ username: u.username, admin: u.admin });
const sessionCookie = (token) => `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
const clearedCookie = `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

/** A sliding-window limiter: `hit(key)` is false once `max` hits fell within `ms`. */
function limiter(max, ms) {
  const hits = new Map();
  return {
    hit(key) {
      const t = Date.now();
      const list = (hits.get(key) ?? []).filter((x) => t - x < ms);
      const ok = list.length < max;
      if (ok) list.push(t);
      hits.set(key, list);
      return ok;
    },
  };
}
const loginLimit = limiter(10, 60_000);  // failed logins per username per minute
const createLimit = limiter(CREATE_LIMIT, 60_000);

addUser('demo', 'demo-password', true);

// Defined below (they are functions or maps); read when a request comes.
const sharing = sharingApi({ users, send: (...a) => send(...a), fail: (...a) => fail(...a), readJson: (...a) => readJson(...a) });
const accounts = accountsApi({
  users, tokens, get repls() { return repls; }, checkPassword, setPassword, stopRepl: (r) => stopRepl(r),
  forgetCollaborator: (username) => sharing.forget(repls, username),
  send: (...a) => send(...a), fail: (...a) => fail(...a), readJson: (...a) => readJson(...a),
  sessionCookie, clearedCookie, loginLimit, MIN_PASSWORD,
});

// ---- repls -------------------------------------------------------------------------------------------------

const repls = new Map();
const ADJ = ['brave', 'calm', 'eager', 'fancy', 'gentle', 'happy', 'jolly', 'lucky', 'mellow', 'quiet', 'swift', 'witty'];
const NOUN = ['otter', 'heron', 'badger', 'falcon', 'lynx', 'marten', 'orca', 'puffin', 'seal', 'tern', 'walrus', 'wren'];
const pick = (a) => a[crypto.randomInt(a.length)];
const version = (content) => crypto.createHash('sha1').update(content).digest('hex').slice(0, 12);
const now = () => new Date().toISOString();

function publicUrl(req) {
  const port = (req.headers.host ?? '').split(':')[1] ?? String(server.address().port);
  return { scheme: 'http', port };
}

function replJson(r, req) {
  const { port } = publicUrl(req);
  const role = roleOf(r, whoIs(req)?.username);
  return {
    // Which node runs a repl is told to administrators only, as Pier does.
    slug: r.slug, template: r.template, owner: r.owner, state: r.state, node: whoIs(req)?.admin ? r.node : undefined,
    createdAt: r.createdAt, lastActiveAt: r.lastActiveAt, limits: r.limits, visibility: r.visibility, labels: r.labels ?? {},
    title: r.title ?? null, description: r.description ?? null,
    collaborators: collaboratorsJson(r), forkable: !!r.forkable, ...(role ? { role } : {}),
    previewUrl: `http://${r.slug}.${DOMAIN}:${port}/`, ideUrl: `http://${DOMAIN}:${port}/ide/${r.slug}`,
  };
}

function createRepl(template, owner, names = {}) {
  let slug;
  do slug = `${pick(ADJ)}-${pick(NOUN)}-${crypto.randomBytes(3).toString('hex')}`; while (repls.has(slug));
  const t = templates.get(template);
  const r = {
    slug, template, owner, state: 'stopped', node: null, createdAt: now(), lastActiveAt: now(), visibility: 'public',
    title: names.title ?? null, description: names.description ?? null,
    limits: t.manifest.limits ?? { cpus: 1, memoryMb: 512, pids: 256 },
    files: new Map(t.files), dirs: new Set(), collaborators: new Map(),
    terminals: new Map(), sessions: new Set(),
    run: { state: 'stopped', code: null, buffer: [], snapshot: null, timers: [] },
  };
  for (const p of r.files.keys()) addParents(r, p);
  repls.set(slug, r);
  return r;
}

// Two repls to look at on a fresh mock, one of them running.
if (process.env.MOCK_EMPTY !== '1') {
  const names = [...templates.keys()];
  const a = createRepl(names.includes('python-flask') ? 'python-flask' : names[1] ?? names[0], 'demo');
  a.createdAt = a.lastActiveAt = new Date(Date.now() - 3 * 3600e3).toISOString();
  a.title = 'Todo API'; a.description = 'A small Flask API for the team\'s todo list.';
  const b = createRepl(names.includes('node') ? 'node' : names[0], 'demo');
  b.lastActiveAt = new Date(Date.now() - 4 * 60e3).toISOString();
  b.state = 'running'; b.node = NODES[0].id;
  startRun(b);
}

// ---- HTTP --------------------------------------------------------------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon' };

function send(res, status, body, type = 'application/json', headers = {}) {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(data), ...headers });
  res.end(data);
}
const fail = (res, status, error, message) => send(res, status, message === undefined ? { error } : { error, message });

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function serveStatic(res, urlPath) {
  let file = urlPath === '/' ? '/index.html' : urlPath;
  if (/^\/ide(\/|$)/.test(urlPath)) file = '/ide.html';
  if (urlPath === '/admin') file = '/admin.html';
  if (urlPath === '/account') file = '/account.html';
  const full = path.normalize(path.join(WEBROOT, file));
  if (!full.startsWith(WEBROOT) || !fs.existsSync(full) || fs.statSync(full).isDirectory()) {
    if (!fs.existsSync(WEBROOT)) return send(res, 500, `webroot not built: ${WEBROOT}\nRun npm run build first.\n`, 'text/plain');
    return send(res, 404, 'Not found\n', 'text/plain');
  }
  send(res, 200, fs.readFileSync(full), TYPES[path.extname(full)] ?? 'application/octet-stream');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function readJson(req, res) {
  const raw = await readBody(req);
  let body;
  try { body = JSON.parse(raw); } catch { fail(res, 400, 'invalid_request', 'The body is not JSON.'); return null; }
  if (!body || typeof body !== 'object' || Array.isArray(body)) { fail(res, 400, 'invalid_request', 'The body is not a JSON object.'); return null; }
  return body;
}

async function auth(req, res, what) {
  const method = req.method;
  if (what === 'me' && method === 'GET') {
    const u = whoIs(req);
    return u ? send(res, 200, userJson(u)) : fail(res, 401, 'unauthenticated', 'Sign in first.');
  }
  if (what === 'logout' && method === 'POST') {
    tokens.delete(cookies(req)[COOKIE] ?? '');
    return send(res, 200, {}, 'application/json', { 'Set-Cookie': clearedCookie });
  }
  if ((what === 'signup' || what === 'login') && method === 'POST') {
    const body = await readJson(req, res);
    if (!body) return;
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      return fail(res, 400, 'invalid_request', 'Give a username and a password.');
    }
    let user;
    if (what === 'signup') {
      if (SIGNUP_CLOSED) return fail(res, 403, 'signup_closed');
      if (!USERNAME_RE.test(username)) return fail(res, 400, 'invalid_username', 'Usernames are 3 to 32 characters: lower-case letters, digits, _ and -.');
      if (password.length < MIN_PASSWORD) return fail(res, 400, 'weak_password', `Passwords need at least ${MIN_PASSWORD} characters.`);
      if (users.has(username)) return fail(res, 409, 'username_taken', `The username ${username} is taken. Pick another one.`);
      user = addUser(username, password);
    } else {
      const found = users.get(username);
      if (!found || !checkPassword(found, password)) {
        if (!loginLimit.hit(username)) return send(res, 429, { error: 'rate_limited' }, 'application/json', { 'Retry-After': '60' });
        await sleep(150);
        return fail(res, 401, 'bad_credentials');
      }
      user = found;
    }
    const token = crypto.randomBytes(24).toString('base64url');
    tokens.set(token, user.username);
    return send(res, what === 'signup' ? 201 : 200, { ...userJson(user), token }, 'application/json', { 'Set-Cookie': sessionCookie(token) });
  }
  return fail(res, 404, 'not_found', 'no such endpoint');
}

async function api(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean); // ['api', ...]
  const method = req.method;
  if (parts[1] === 'auth' && parts.length === 3) return auth(req, res, parts[2]);
  if (parts[1] === 'templates' && parts.length === 2 && method === 'GET') return send(res, 200, { templates: [...templates.values()].map((t) => t.manifest) });
  const user = whoIs(req);
  if (!user) return fail(res, 401, 'unauthenticated', 'Sign in first.');
  if (await adminApi(req, res, parts, user, { send, fail, readJson, users, repls, revoke })) return;
  if (await accounts.handle(req, res, user, parts)) return;
  if (parts[1] !== 'repls') return fail(res, 404, 'not_found', 'no such endpoint');
  if (parts.length === 2) {
    if (method === 'GET') {
      const scope = url.searchParams.get('scope');
      if (scope !== null && scope !== 'own' && scope !== 'shared') {
        return fail(res, 400, 'invalid_request', 'scope must be "own" (the caller\'s repls) or "shared" (repls shared with the caller)');
      }
      const list = (scope === 'shared' ? sharing.sharedWith(repls, user.username) : [...repls.values()].filter((r) => r.owner === user.username))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => replJson(r, req));
      return send(res, 200, { repls: list });
    }
    if (method === 'POST') {
      const raw = await readBody(req);
      let body;
      try { body = JSON.parse(raw); } catch { return fail(res, 400, 'malformed_json', 'the body is not JSON'); }
      if (!body || typeof body !== 'object') return fail(res, 400, 'malformed_json', 'the body is not a JSON object');
      if (typeof body.template !== 'string') return fail(res, 400, 'invalid_request', 'template is missing');
      if (!templates.has(body.template)) return fail(res, 400, 'unknown_template', `no template ${body.template}`);
      let names;
      try {
        names = { title: checkTitle(body.title), description: checkDescription(body.description) };
      } catch (e) {
        if (e instanceof NameError) return fail(res, 400, e.code, e.message);
        throw e;
      }
      if (!createLimit.hit(user.username)) return send(res, 429, { error: 'rate_limited', message: 'You are creating repls too fast. Wait a minute.' }, 'application/json', { 'Retry-After': '60' });
      await sleep(250);
      const r = createRepl(body.template, user.username, names);
      res.setHeader('Location', `/api/repls/${r.slug}`);
      return send(res, 201, replJson(r, req));
    }
  }
  const r = repls.get(parts[2]);
  if (!r) return fail(res, 404, 'unknown_repl', `no repl ${parts[2]}`);
  // The role each route needs (as the scheduler's): looking and starting a viewer's, stopping and changing files an
  // editor's, the rest the owner's. The collaborator routes check their own.
  const reading = method === 'GET' || method === 'HEAD';
  const needed = parts.length === 3 ? (reading ? 'viewer' : 'owner')
    : parts[3] === 'start' || parts[3] === 'fork' ? 'viewer'
      : parts[3] === 'stop' ? 'editor'
        : parts[3] === 'files' || parts[3] === 'archive' ? (reading ? 'viewer' : 'editor')
          : parts[3] === 'collaborators' ? 'viewer' : 'owner';
  // A repl whose owner turned its fork link on may be looked at (its card) and forked by any signed-in account.
  const viaForkLink = parts.length === 4 && parts[3] === 'fork' && r.forkable;
  const refused = viaForkLink ? null : refusal(r, user.username, needed);
  if (refused) return fail(res, refused.status, refused.error, refused.message);
  // A call on a repl is use of it (as the scheduler notes it): its last-active time moves, at most once a minute.
  if (method !== 'DELETE') touch(r, now());
  if (await sharing.handle(req, res, r, user, parts)) return;
  if (parts.length === 3 && method === 'GET') return send(res, 200, replJson(r, req));
  if (parts.length === 3 && method === 'PATCH') {
    // The visibility, labels, title and description, checked as the real API does; the mock's previews stay open to
    // everyone whatever the visibility.
    let body;
    try { body = JSON.parse(await readBody(req)); } catch { body = null; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(res, 400, 'malformed_json', 'the body must be a JSON object such as {"visibility":"private"}');
    const keys = Object.keys(body);
    if (!keys.length) return fail(res, 400, 'invalid_request', 'nothing to change; send {"visibility":"public"|"private"}, {"labels":{...}}, {"title":"..."} or {"description":"..."}');
    const unknown = keys.find((k) => !PATCH_FIELDS.includes(k));
    if (unknown) return fail(res, 400, 'invalid_request', `unknown field '${unknown}'; accepted: [${PATCH_FIELDS.join(', ')}]`);
    if ('forkable' in body && typeof body.forkable !== 'boolean') return fail(res, 400, 'invalid_request', '"forkable" must be true or false');
    if ('visibility' in body && !['public', 'private'].includes(body.visibility)) return fail(res, 400, 'invalid_request', '"visibility" must be "public" or "private"');
    if ('labels' in body && (!body.labels || typeof body.labels !== 'object' || Array.isArray(body.labels) || Object.values(body.labels).some((v) => typeof v !== 'string'))) {
      return fail(res, 400, 'invalid_labels', '"labels" must be an object of names to string values');
    }
    let title;
    let description;
    try {
      title = checkTitle(body.title);
      description = checkDescription(body.description);
    } catch (e) {
      if (e instanceof NameError) return fail(res, 400, e.code, e.message);
      throw e;
    }
    await sleep(150);
    if ('visibility' in body) r.visibility = body.visibility;
    if ('forkable' in body) r.forkable = body.forkable;
    if ('labels' in body) r.labels = { ...body.labels };
    if ('title' in body) r.title = title;
    if ('description' in body) r.description = description;
    return send(res, 200, replJson(r, req));
  }
  if (parts.length === 3 && method === 'DELETE') {
    stopRepl(r);
    repls.delete(r.slug);
    return send(res, 200, { slug: r.slug, deleted: true });
  }
  if (parts.length === 4 && parts[3] === 'fork' && method === 'GET') {
    return send(res, 200, { slug: r.slug, title: r.title ?? null, description: r.description ?? null, template: r.template, owner: r.owner, forkable: !!r.forkable });
  }
  if (parts.length === 4 && parts[3] === 'fork' && method === 'POST') {
    // A new stopped repl of the caller's with a copy of the files, never the variables (as the real API).
    let body;
    const text = await readBody(req);
    try { body = text ? JSON.parse(text) : {}; } catch { body = null; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(res, 400, 'malformed_json', 'the body must be empty or a JSON object such as {"title":"..."}');
    let names;
    try {
      names = { title: checkTitle(body.title), description: checkDescription(body.description) };
    } catch (e) {
      if (e instanceof NameError) return fail(res, 400, e.code, e.message);
      throw e;
    }
    await sleep(200);
    const fork = createRepl(r.template, user.username, {
      title: names.title ?? `${r.title ?? r.slug} (fork)`, description: names.description ?? r.description,
    });
    fork.files = new Map(r.files);
    fork.dirs = new Set(r.dirs);
    fork.visibility = r.visibility;
    res.setHeader('Location', `/api/repls/${fork.slug}`);
    return send(res, 201, replJson(fork, req));
  }
  if (parts[3] === 'files' || parts[3] === 'archive') return filesApi(req, res, url, r, parts, { send, fail, addParents, isDir, badPath, broadcast, version });
  if (parts[3] === 'env') {
    // The repl's variables; a secret's value is never answered (as the real API).
    r.env ??= new Map();
    const view = (v) => (v.secret ? { name: v.name, secret: true, updatedAt: v.updatedAt } : { ...v });
    if (parts.length === 4 && method === 'GET') {
      return send(res, 200, { env: [...r.env.values()].sort((a, b) => a.name.localeCompare(b.name)).map(view) });
    }
    const name = parts[4];
    if (parts.length === 5 && method === 'PUT') {
      let body;
      try { body = JSON.parse(await readBody(req)); } catch { return fail(res, 400, 'malformed_json', 'the body is not JSON'); }
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name) || name.startsWith('PIER_')) return fail(res, 400, 'invalid_variable', `'${name}' is not a variable name: letters, digits and '_', not starting with a digit`);
      if (typeof body?.value !== 'string') return fail(res, 400, 'invalid_variable', '"value" must be a string');
      const v = { name, value: body.value, secret: body.secret !== false, updatedAt: now() };
      r.env.set(name, v);
      return send(res, 200, view(v));
    }
    if (parts.length === 5 && method === 'DELETE') {
      if (!r.env.delete(name)) return fail(res, 404, 'unknown_variable', `no variable named '${name}'`);
      return send(res, 200, { name, deleted: true });
    }
  }
  if (parts[3] === 'start' && method === 'POST') {
    if (r.state === 'running') return send(res, 200, replJson(r, req));
    if (r.state === 'starting') {
      while (r.state === 'starting') await sleep(100);
      return send(res, r.state === 'running' ? 200 : 502, replJson(r, req));
    }
    r.state = 'starting'; r.node = null;
    await sleep(START_MS * 0.35);
    if (failNextStart) {
      const code = failNextStart; failNextStart = '';
      r.state = 'failed'; r.node = null;
      if (code === 'app_exited') return fail(res, 422, 'app_exited', 'the app exited with code 1 before it answered HTTP; last output:\nnode:internal/modules/cjs/loader:1228\n  throw err;\n  ^\nError: Cannot find module \'/workspace/index.js\'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)');
      return fail(res, 503, 'no_capacity', 'no node can take this repl: 1 with no free memory');
    }
    r.node = placeNode(repls);
    if (!r.node) { r.state = 'failed'; return fail(res, 503, 'no_capacity', 'every node is draining'); }
    await sleep(START_MS * 0.65);
    r.state = 'running'; r.lastActiveAt = now();
    startRun(r);
    return send(res, 200, replJson(r, req));
  }
  if (parts[3] === 'stop' && method === 'POST') {
    stopRepl(r);
    r.lastActiveAt = now();
    return send(res, 200, replJson(r, req));
  }
  return fail(res, 404, 'not_found', 'no such endpoint');
}

function stopRepl(r) {
  r.state = 'stopped'; r.node = null;
  for (const ws of r.sessions) ws.close(1001, 'repl stopped');
  r.terminals.clear();
  r.run.timers.forEach(clearTimeout);
  r.run = { state: 'stopped', code: null, buffer: [], snapshot: null, timers: [] };
}

let previewCookies = 0;

function preview(req, res, slug) {
  if (cookies(req)[COOKIE] !== undefined) {
    previewCookies++;
    console.warn(`mock: a preview request for ${slug} carried the ${COOKIE} cookie`);
  }
  const r = repls.get(slug);
  if (!r) return send(res, 404, page('No such repl', `<p>There is no repl called <code>${slug}</code>.</p>`), TYPES['.html']);
  if (r.state !== 'running' || r.run.state !== 'running') {
    return send(res, 502, page('The app is not running', '<p>Open it in the Pier IDE and press Run.</p>'), TYPES['.html']);
  }
  const main = r.run.snapshot.get(templates.get(r.template)?.manifest.open ?? 'index.js') ?? '';
  const heading = /<h1>([^<]*)<\/h1>/.exec(main)?.[1] ?? 'Hello from Pier';
  runOutput(r, `${now()} ${req.method} ${req.url}\r\n`);
  send(res, 200, page(heading, `<p>Edit <code>${r.template === 'node' ? 'index.js' : 'main.py'}</code> and run it again to see your changes.</p><p>mock of ${r.slug} &middot; up since ${r.run.startedAt}</p>`, true), TYPES['.html']);
}

function page(title, body, h1 = false) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>
body{margin:0;min-height:100vh;display:grid;place-items:center;font-family:system-ui,sans-serif;background:#0f172a;color:#e2e8f0}
main{text-align:center;padding:2rem}h1{font-size:2.5rem;margin:0 0 .5rem}p{color:#94a3b8}code{background:#1e293b;padding:.15rem .4rem;border-radius:.25rem}
</style></head><body><main>${h1 ? `<h1>${title}</h1>` : `<h1 style="font-size:1.6rem">${title}</h1>`}${body}</main></body></html>`;
}

const server = http.createServer(async (req, res) => {
  try {
    const host = (req.headers.host ?? '').split(':')[0].toLowerCase();
    const url = new URL(req.url, 'http://x');
    if (host.endsWith(`.${DOMAIN}`)) return preview(req, res, host.slice(0, -DOMAIN.length - 1));
    if (url.pathname.startsWith('/api/')) return await api(req, res, url);
    if (url.pathname.startsWith('/__mock/') && req.method === 'POST') return await mockHook(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method_not_allowed', 'method not allowed');
    return serveStatic(res, decodeURIComponent(url.pathname));
  } catch (e) {
    console.error(e);
    if (!res.headersSent) fail(res, 500, 'internal', String(e));
  }
});

async function mockHook(req, res, url) {
  const [, , what, slug] = url.pathname.split('/');
  if (what === 'preview-cookies') return send(res, 200, { count: previewCookies });
  const r = repls.get(slug);
  if (!r) return fail(res, 404, 'unknown_repl', 'no such repl');
  if (what === 'drop') { for (const ws of r.sessions) ws.terminate(); return send(res, 200, { dropped: true }); }
  if (what === 'stop') { stopRepl(r); return send(res, 200, { stopped: true }); }
  if (what === 'write') {
    const p = url.searchParams.get('path');
    const content = await readBody(req);
    const existed = r.files.has(p);
    r.files.set(p, content);
    addParents(r, p);
    broadcast(r, { event: 'fs', changes: [{ path: p, type: 'file', kind: existed ? 'modified' : 'created', version: version(content) }] });
    return send(res, 200, { version: version(content) });
  }
  return fail(res, 404, 'not_found', 'no such hook');
}

// ---- the session protocol ----------------------------------------------------------------------------------

const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  const m = /^\/api\/repls\/([^/]+)\/session$/.exec(url.pathname);
  const refuse = (status, error, message) => {
    const body = JSON.stringify({ error, message });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };
  if (!m) return refuse(404, 'not_found', 'no such endpoint');
  const user = whoIs(req);
  if (!user) return refuse(401, 'unauthenticated', 'Sign in first.');
  const r = repls.get(m[1]);
  if (!r) return refuse(404, 'unknown_repl', 'no such repl');
  if (!roleOf(r, user.username)) return refuse(403, 'forbidden', 'This repl belongs to another account.');
  if (r.state !== 'running') return refuse(503, 'not_running', 'the repl is not running');
  wss.handleUpgrade(req, socket, head, (ws) => { ws.username = user.username; openSession(r, ws); });
});

function sendJson(ws, msg) { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg)); }
function sendChannel(ws, channel, data) {
  if (ws.readyState !== ws.OPEN) return;
  const payload = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  ws.send(Buffer.concat([Buffer.from([channel]), payload]));
}
function broadcast(r, msg) {
  for (const ws of r.sessions) sendJson(ws, msg);
  // Co-edited files follow every change of the files (mock-collab.mjs).
  if (msg.event === 'fs') collab.filesChanged(r, msg.changes);
}
const collab = collabApi({ sendJson, broadcast, version: (c) => version(c) });

function openSession(r, ws) {
  ws.sessionId = `s-${crypto.randomBytes(4).toString('hex')}`;
  r.sessions.add(ws);
  r.lastActiveAt = now();
  const t = templates.get(r.template);
  sendJson(ws, {
    event: 'hello', protocol: 1, slug: r.slug, session: ws.sessionId, open: t?.manifest.open ?? null,
    terminals: [...r.terminals.keys()].map((term) => ({ term })),
    run: { state: r.run.state, code: r.run.code },
  });
  const replay = Buffer.concat(r.run.buffer);
  if (replay.length) sendChannel(ws, 0, replay);
  collab.joined(r, ws);
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = Buffer.from(data);
      if (!buf.length) return;
      // Input is a change: a viewer's is dropped, and said so, as terminal input that was dropped is.
      const denied = sessionRefusal(r, ws.username, 'term.input');
      if (denied) return sendJson(ws, { event: 'error', error: 'forbidden', message: denied });
      const term = r.terminals.get(buf[0]);
      if (term) shellInput(r, term, buf.subarray(1).toString('utf8'));
      return;
    }
    let msg;
    try { msg = JSON.parse(data.toString('utf8')); } catch { return sendJson(ws, { event: 'error', error: 'bad_request', message: 'not JSON' }); }
    if (typeof msg?.id !== 'number') return sendJson(ws, { event: 'error', error: 'bad_request', message: 'no id' });
    const reply = (body) => sendJson(ws, { id: msg.id, ok: true, ...body });
    const error = (code, message, extra = {}) => sendJson(ws, { id: msg.id, ok: false, error: code, message, ...extra });
    // Answers are never instant; co-editing's come in order, as the node answers a session's requests.
    const delay = msg.op?.startsWith('doc.') ? 0 : Math.random() * 30;
    setTimeout(() => {
      // The role as it is now: a change of role holds for open sessions too.
      const denied = sessionRefusal(r, ws.username, msg.op);
      if (denied) return error('forbidden', denied);
      try { handle(r, ws, msg, reply, error); } catch (e) { error('internal', String(e)); }
    }, delay);
  });
  ws.on('close', () => {
    r.sessions.delete(ws);
    collab.left(r, ws);
    for (const term of r.terminals.values()) term.attached.delete(ws);
  });
}

function badPath(p) {
  return typeof p !== 'string' || p.startsWith('/') || p.includes('\0') || p.split('/').some((s) => s === '..');
}

function addParents(r, p) {
  const segs = p.split('/');
  for (let i = 1; i < segs.length; i++) r.dirs.add(segs.slice(0, i).join('/'));
}

const isDir = (r, p) => p === '' || r.dirs.has(p);

function handle(r, ws, msg, reply, error) {
  const origin = ws.sessionId;
  const fsEvent = (changes) => broadcast(r, { event: 'fs', changes, origin });
  const need = (...names) => {
    for (const n of names) if (msg[n] === undefined) { error('bad_request', `missing ${n}`); return false; }
    for (const n of names) if ((n === 'path' || n === 'from' || n === 'to') && badPath(msg[n])) { error('bad_path', `bad path ${msg[n]}`); return false; }
    return true;
  };
  if (msg.op?.startsWith('doc.') || msg.op === 'presence') {
    if (msg.path !== undefined && badPath(msg.path)) return error('bad_path', `bad path ${msg.path}`);
    if (collab.handle(r, ws, msg, reply, error)) return;
  }
  switch (msg.op) {
    case 'fs.list': {
      if (!need('path')) return;
      const p = msg.path;
      if (r.files.has(p)) return error('not_a_dir', `not a folder: ${p}`);
      if (!isDir(r, p)) return error('not_found', `no such folder: ${p}`);
      const prefix = p ? `${p}/` : '';
      const entries = [];
      for (const d of r.dirs) if (d.startsWith(prefix) && d !== p && !d.slice(prefix.length).includes('/')) entries.push({ name: d.slice(prefix.length), path: d, type: 'dir', size: 0 });
      for (const [f, c] of r.files) if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) entries.push({ name: f.slice(prefix.length), path: f, type: 'file', size: Buffer.byteLength(c) });
      entries.sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type === 'dir' ? -1 : 1));
      return reply({ entries });
    }
    case 'fs.read': {
      if (!need('path')) return;
      if (isDir(r, msg.path)) return error('is_a_dir', `a folder: ${msg.path}`);
      const c = r.files.get(msg.path);
      if (c === undefined) return error('not_found', `no such file: ${msg.path}`);
      if (Buffer.isBuffer(c) || c.includes('\0')) return error('binary', 'binary file');
      return reply({ path: msg.path, content: c, version: version(c), size: Buffer.byteLength(c) });
    }
    case 'fs.write': {
      if (!need('path', 'content')) return;
      if (isDir(r, msg.path)) return error('is_a_dir', `a folder: ${msg.path}`);
      const cur = r.files.get(msg.path);
      if (msg.baseVersion !== undefined && (cur === undefined || version(cur) !== msg.baseVersion)) {
        return error('conflict', 'the file changed', { version: cur === undefined ? null : version(cur) });
      }
      r.files.set(msg.path, msg.content);
      addParents(r, msg.path);
      const v = version(msg.content);
      reply({ version: v });
      return fsEvent([{ path: msg.path, type: 'file', kind: cur === undefined ? 'created' : 'modified', version: v }]);
    }
    case 'fs.edit': {
      if (!need('path', 'baseVersion', 'changes')) return;
      const cur = r.files.get(msg.path);
      if (cur === undefined) return error('not_found', `no such file: ${msg.path}`);
      if (version(cur) !== msg.baseVersion) return error('conflict', 'the file changed since your version', { version: version(cur) });
      if (!Array.isArray(msg.changes)) return error('bad_request', 'changes must be a list');
      let last = 0;
      for (const c of msg.changes) {
        if (!Number.isInteger(c.from) || !Number.isInteger(c.to) || typeof c.insert !== 'string' || c.from < last || c.to < c.from || c.to > cur.length) {
          return error('bad_request', 'changes must be sorted, in range and not overlapping');
        }
        last = c.to;
      }
      let text = cur;
      for (const c of [...msg.changes].reverse()) text = text.slice(0, c.from) + c.insert + text.slice(c.to);
      r.files.set(msg.path, text);
      const v = version(text);
      reply({ version: v });
      return fsEvent([{ path: msg.path, type: 'file', kind: 'modified', version: v }]);
    }
    case 'fs.create': {
      if (!need('path', 'type')) return;
      if (r.files.has(msg.path) || isDir(r, msg.path)) return error('exists', `exists: ${msg.path}`);
      addParents(r, msg.path);
      if (msg.type === 'dir') {
        r.dirs.add(msg.path);
        reply({});
        return fsEvent([{ path: msg.path, type: 'dir', kind: 'created' }]);
      }
      const content = typeof msg.content === 'string' ? msg.content : '';
      r.files.set(msg.path, content);
      reply({ version: version(content) });
      return fsEvent([{ path: msg.path, type: 'file', kind: 'created', version: version(content) }]);
    }
    case 'fs.rename': {
      if (!need('from', 'to')) return;
      const { from, to } = msg;
      if (!r.files.has(from) && !r.dirs.has(from)) return error('not_found', `no such file: ${from}`);
      if (r.files.has(to) || isDir(r, to)) return error('exists', `exists: ${to}`);
      const changes = [];
      if (r.files.has(from)) {
        const c = r.files.get(from);
        r.files.delete(from);
        r.files.set(to, c);
        addParents(r, to);
        changes.push({ path: from, type: 'file', kind: 'deleted' }, { path: to, type: 'file', kind: 'created', version: version(c) });
      } else {
        for (const d of [...r.dirs]) if (d === from || d.startsWith(`${from}/`)) { r.dirs.delete(d); r.dirs.add(to + d.slice(from.length)); }
        for (const [f, c] of [...r.files]) if (f.startsWith(`${from}/`)) { r.files.delete(f); r.files.set(to + f.slice(from.length), c); }
        addParents(r, to);
        changes.push({ path: from, type: 'dir', kind: 'deleted' }, { path: to, type: 'dir', kind: 'created' });
      }
      reply({});
      return fsEvent(changes);
    }
    case 'fs.delete': {
      if (!need('path')) return;
      const p = msg.path;
      if (p === '') return error('bad_path', 'the workspace itself cannot be deleted');
      if (r.files.has(p)) { r.files.delete(p); reply({}); return fsEvent([{ path: p, type: 'file', kind: 'deleted' }]); }
      if (!r.dirs.has(p)) return error('not_found', `no such file: ${p}`);
      for (const d of [...r.dirs]) if (d === p || d.startsWith(`${p}/`)) r.dirs.delete(d);
      for (const f of [...r.files.keys()]) if (f.startsWith(`${p}/`)) r.files.delete(f);
      reply({});
      return fsEvent([{ path: p, type: 'dir', kind: 'deleted' }]);
    }
    case 'fs.search': {
      // As the node-agent's: literal or regex, case flag, hits capped, node_modules/.git and binary files skipped.
      if (!need('query')) return;
      if (!msg.query || msg.query.length > 256) return error('bad_request', 'the query must be 1..256 characters');
      let re;
      try {
        re = new RegExp(msg.regex ? msg.query : msg.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), msg.caseSensitive === false ? 'gi' : 'g');
      } catch (e) { return error('bad_request', `"query" is not a valid regular expression: ${e.message}`); }
      const hits = [];
      for (const [path, content] of [...r.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (/(^|\/)(node_modules|\.git)\//.test(path) || content.includes('\0')) continue;
        content.split('\n').forEach((text, i) => {
          for (const m of text.replace(/\r$/, '').matchAll(re)) {
            if (!m[0] || hits.length > 1000) break;
            hits.push({ path, line: i + 1, column: m.index, length: m[0].length, preview: text.slice(0, 200), previewColumn: m.index });
          }
        });
      }
      return reply({ hits: hits.slice(0, 1000), truncated: hits.length > 1000 });
    }
    case 'fs.files': {
      const paths = [...r.files.keys()].filter((p) => !/(^|\/)(node_modules|\.git)\//.test(p)).sort();
      return reply({ paths: paths.slice(0, 20000), truncated: paths.length > 20000 });
    }
    case 'term.open': {
      if (!need('cols', 'rows')) return;
      if (r.terminals.size >= MAX_TERMINALS) return error('too_many_terminals', 'a repl can have 8 terminals');
      let ch = 1;
      while (r.terminals.has(ch)) ch++;
      const term = { ch, line: '', buffer: [], attached: new Set([ws]), cols: msg.cols, rows: msg.rows, esc: false };
      r.terminals.set(ch, term);
      reply({ term: ch });
      shellOut(r, term, `\x1b[2mWelcome to your repl ${r.slug} (mock shell). Try: ls, echo $((6*7)), echo hi > note.txt\x1b[0m\r\n`);
      return prompt(r, term);
    }
    case 'term.attach': {
      if (!need('term')) return;
      const term = r.terminals.get(msg.term);
      if (!term) return error('no_such_terminal', `no terminal ${msg.term}`);
      term.attached.add(ws);
      // As the node-agent: the replay first, then the reply with the sizes it was drawn at (the mock keeps the last).
      sendChannel(ws, term.ch, Buffer.concat(term.buffer));
      return reply({ term: term.ch, sizes: [{ at: 0, cols: term.cols, rows: term.rows }] });
    }
    case 'term.resize': {
      if (!need('term', 'cols', 'rows')) return;
      const term = r.terminals.get(msg.term);
      if (!term) return error('no_such_terminal', `no terminal ${msg.term}`);
      term.cols = msg.cols; term.rows = msg.rows;
      return reply({});
    }
    case 'term.close': {
      if (!need('term')) return;
      if (!r.terminals.delete(msg.term)) return error('no_such_terminal', `no terminal ${msg.term}`);
      return reply({});
    }
    case 'run.start': {
      reply({});
      return startRun(r);
    }
    case 'run.stop': {
      reply({});
      if (r.run.state === 'running') {
        r.run.timers.forEach(clearTimeout);
        r.run.state = 'stopped'; r.run.code = null;
        runOutput(r, '\r\n');
        broadcast(r, { event: 'run', state: 'stopped' });
      }
      return;
    }
    default:
      return error('bad_request', `unknown op ${msg.op}`);
  }
}

// ---- the fake run process ----------------------------------------------------------------------------------

function runOutput(r, text) {
  const buf = Buffer.from(text, 'utf8');
  r.run.buffer.push(buf);
  let size = r.run.buffer.reduce((n, b) => n + b.length, 0);
  while (size > REPLAY_BYTES && r.run.buffer.length > 1) size -= r.run.buffer.shift().length;
  for (const ws of r.sessions) sendChannel(ws, 0, buf);
}

function startRun(r) {
  if (r.run.state === 'running') {
    r.run.timers.forEach(clearTimeout);
    broadcast(r, { event: 'run', state: 'stopped' });
  }
  const t = templates.get(r.template)?.manifest;
  r.run = { state: 'running', code: null, buffer: [], snapshot: new Map(r.files), timers: [], startedAt: now() };
  const port = t?.port ?? 3000;
  if (t?.mode === 'console') {
    // A console program prints and ends, successfully.
    runOutput(r, 'Hello from Pier!\r\n');
    broadcast(r, { event: 'run', state: 'running' });
    r.run.timers.push(setTimeout(() => {
      r.run.state = 'exited'; r.run.code = 0;
      broadcast(r, { event: 'run', state: 'exited', code: 0 });
    }, 150));
    return;
  }
  const lines = r.template.includes('python')
    ? [' * Serving Flask app \'main\'', ' * Debug mode: off', `\x1b[31m\x1b[1mWARNING: This is a development server.\x1b[0m`, ` * Running on all addresses (0.0.0.0)`, ` * Running on http://127.0.0.1:${port}`]
    : [`Listening on http://0.0.0.0:${port}`];
  // Like the node-agent, the first output may reach the sessions before the `run` event does.
  runOutput(r, `${lines[0]}\r\n`);
  broadcast(r, { event: 'run', state: 'running' });
  lines.slice(1).forEach((line, i) => r.run.timers.push(setTimeout(() => runOutput(r, `${line}\r\n`), 40 + i * 40)));
}

// ---- the fake shell ----------------------------------------------------------------------------------------

function shellOut(r, term, text) {
  const buf = Buffer.from(text, 'utf8');
  term.buffer.push(buf);
  let size = term.buffer.reduce((n, b) => n + b.length, 0);
  while (size > REPLAY_BYTES && term.buffer.length > 1) size -= term.buffer.shift().length;
  for (const ws of term.attached) sendChannel(ws, term.ch, buf);
}

const prompt = (r, term) => shellOut(r, term, '\x1b[1;32mrunner@pier\x1b[0m:\x1b[1;34m/workspace\x1b[0m$ ');

function shellInput(r, term, text) {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (term.esc) { if (/[A-Za-z~]/.test(c)) term.esc = false; continue; }
    if (c === '\x1b') { term.esc = true; continue; }
    if (c === '\r' || c === '\n') {
      shellOut(r, term, '\r\n');
      const line = term.line;
      term.line = '';
      const exit = runCommand(r, term, line.trim());
      if (exit) return;
      prompt(r, term);
    } else if (c === '\x7f' || c === '\b') {
      if (term.line.length) { term.line = term.line.slice(0, -1); shellOut(r, term, '\b \b'); }
    } else if (c === '\x03') {
      term.line = '';
      shellOut(r, term, '^C\r\n');
      prompt(r, term);
    } else if (c === '\x0c') {
      shellOut(r, term, '\x1b[2J\x1b[H');
      prompt(r, term);
      shellOut(r, term, term.line);
    } else if (c >= ' ') {
      term.line += c;
      shellOut(r, term, c);
    }
  }
}

function arith(expr) {
  if (!/^[\d\s+\-*/%()]+$/.test(expr)) return '0';
  try { return String(Math.trunc(Function(`"use strict"; return (${expr});`)())); } catch { return '0'; }
}

function writeFromProcess(r, p, content) {
  const existed = r.files.has(p);
  r.files.set(p, content);
  addParents(r, p);
  broadcast(r, { event: 'fs', changes: [{ path: p, type: 'file', kind: existed ? 'modified' : 'created', version: version(content) }] });
}

function runCommand(r, term, line) {
  const out = (s) => shellOut(r, term, s.replace(/\n/g, '\r\n'));
  if (!line) return false;
  let redirect = null;
  // "> file" outside of $((…)): write the output to a file, as a process in the repl would.
  const m = /^(.*?)\s*(>>?)\s*([^\s>]+)$/.exec(line);
  if (m && !/\$\(\([^)]*$/.test(m[1])) { redirect = { append: m[2] === '>>', path: m[3] }; line = m[1]; }
  const [cmd, ...args] = line.split(/\s+/);
  let text = '';
  switch (cmd) {
    case 'echo':
      text = args.join(' ').replace(/\$\(\(([^)]*)\)\)/g, (_, e) => arith(e)).replace(/^["']|["']$/g, '') + '\n';
      break;
    case 'pwd': text = '/workspace\n'; break;
    case 'whoami': text = 'runner\n'; break;
    case 'date': text = `${new Date().toString()}\n`; break;
    case 'node': text = args[0] === '-v' || args[0] === '--version' ? 'v22.11.0\n' : 'node: the mock shell cannot run programs; press Run.\n'; break;
    case 'ls': {
      const dir = (args.find((a) => !a.startsWith('-')) ?? '').replace(/\/$/, '');
      const prefix = dir ? `${dir}/` : '';
      const names = new Set();
      for (const d of r.dirs) if (d.startsWith(prefix) && d !== dir && !d.slice(prefix.length).includes('/')) names.add(`\x1b[1;34m${d.slice(prefix.length)}\x1b[0m`);
      for (const f of r.files.keys()) if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) names.add(f.slice(prefix.length));
      text = names.size ? `${[...names].join('  ')}\n` : '';
      break;
    }
    case 'cat':
      for (const a of args) {
        if (r.files.has(a)) text += r.files.get(a);
        else text += `cat: ${a}: No such file or directory\n`;
      }
      break;
    case 'touch':
      for (const a of args) if (!r.files.has(a)) writeFromProcess(r, a, '');
      break;
    case 'mkdir':
      for (const a of args.filter((x) => !x.startsWith('-'))) {
        addParents(r, `${a}/x`);
        broadcast(r, { event: 'fs', changes: [{ path: a, type: 'dir', kind: 'created' }] });
      }
      break;
    case 'rm':
      for (const a of args.filter((x) => !x.startsWith('-'))) {
        if (r.files.delete(a)) broadcast(r, { event: 'fs', changes: [{ path: a, type: 'file', kind: 'deleted' }] });
        else if (r.dirs.has(a)) {
          for (const d of [...r.dirs]) if (d === a || d.startsWith(`${a}/`)) r.dirs.delete(d);
          for (const f of [...r.files.keys()]) if (f.startsWith(`${a}/`)) r.files.delete(f);
          broadcast(r, { event: 'fs', changes: [{ path: a, type: 'dir', kind: 'deleted' }] });
        } else text = `rm: cannot remove '${a}': No such file or directory\n`;
      }
      break;
    case 'clear': out('\x1b[2J\x1b[H'); return false;
    case 'exit':
      r.terminals.delete(term.ch);
      out('logout\n');
      for (const ws of r.sessions) sendJson(ws, { event: 'term.exit', term: term.ch, code: 0 });
      return true;
    default:
      text = `bash: ${cmd}: command not found\n`;
  }
  if (redirect) {
    const prev = redirect.append ? r.files.get(redirect.path) ?? '' : '';
    writeFromProcess(r, redirect.path, prev + text);
    return false;
  }
  out(text);
  return false;
}

server.listen(PORT, HOST, () => {
  const port = server.address().port;
  console.log(`mock Pier on http://${DOMAIN}:${port}/ (listening on ${HOST}:${port}; webroot ${WEBROOT})`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.close(); process.exit(0); });
