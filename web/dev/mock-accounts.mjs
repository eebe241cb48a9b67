// The mock server's accounts beyond signing in, as in Pier: API keys (GET/POST /api/keys, DELETE /api/keys/<id>,
// sent as "Authorization: Bearer pier_<id>_<secret>"), a new password (POST /api/accounts/<name>/password: 403
// wrong_password, 400 weak_password; signs every other session out and this one in again) and deleting an account
// (DELETE /api/accounts/<name> with its password: its repls, keys and sessions go with it).
import crypto from 'node:crypto';

/**
 * @param ctx what the mock server shares: users, tokens (token → username), repls, checkPassword, addUser-like
 *   setPassword, stopRepl, forgetCollaborator (a deleted account's roles go), send, fail, readJson, sessionCookie,
 *   clearedCookie, loginLimit, MIN_PASSWORD
 */
export function accountsApi(ctx) {
  const keys = new Map(); // id → { id, owner, name, secret, createdAt, lastUsedAt }

  const view = (k) => ({ id: k.id, name: k.name, owner: k.owner, createdAt: k.createdAt, expiresAt: null, expired: false, lastUsedAt: k.lastUsedAt });

  /** The username an API key names, or null; notes its use (to the minute, as Pier does). */
  function keyOwner(text) {
    const m = /^pier_([0-9a-f]{16})_([A-Za-z0-9_-]+)$/.exec(text);
    const k = m && keys.get(m[1]);
    if (!k || k.secret !== m[2] || !ctx.users.has(k.owner)) return null;
    k.lastUsedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    return k.owner;
  }

  /** Signs every session of `username` out; with `keep`, signs this one in again under a new token. */
  function revokeSessions(username) {
    for (const [token, name] of ctx.tokens) if (name === username) ctx.tokens.delete(token);
  }

  async function keysRoute(req, res, user, parts) {
    if (parts.length === 2 && req.method === 'GET') {
      return ctx.send(res, 200, { keys: [...keys.values()].filter((k) => k.owner === user.username).map(view) });
    }
    if (parts.length === 2 && req.method === 'POST') {
      const body = await ctx.readJson(req, res);
      if (!body) return;
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name || name.length > 64) return ctx.fail(res, 400, 'invalid_name', '"name" must have 1 to 64 printable characters');
      if ([...keys.values()].filter((k) => k.owner === user.username).length >= 50) return ctx.fail(res, 400, 'too_many_keys', 'an account has at most 50 API keys; delete one first');
      const id = crypto.randomBytes(8).toString('hex');
      const secret = crypto.randomBytes(24).toString('base64url');
      const k = { id, owner: user.username, name, secret, createdAt: new Date().toISOString(), lastUsedAt: null };
      keys.set(id, k);
      const key = `pier_${id}_${secret}`;
      const e2bKey = `e2b_${id}${Buffer.from(secret, 'base64url').toString('hex')}`;
      return ctx.send(res, 201, { ...view(k), key, e2bKey }, 'application/json', { Location: `/api/keys/${id}` });
    }
    if (parts.length === 3 && req.method === 'DELETE') {
      const k = keys.get(parts[2]);
      if (!k) return ctx.fail(res, 404, 'unknown_key', `no API key '${parts[2]}'`);
      if (k.owner !== user.username && !user.admin) return ctx.fail(res, 403, 'forbidden', 'this API key belongs to someone else');
      keys.delete(k.id);
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      return res.end();
    }
    return ctx.fail(res, 404, 'not_found', 'no such endpoint');
  }

  /** A wrong password counts as a failed sign-in; true when the caller may go on. */
  function confirmed(res, user, password) {
    if (ctx.checkPassword(user, password)) return true;
    if (!ctx.loginLimit.hit(user.username)) ctx.send(res, 429, { error: 'rate_limited', message: 'too many password attempts; wait a minute' }, 'application/json', { 'Retry-After': '60' });
    else ctx.fail(res, 403, 'wrong_password', 'the current password is wrong');
    return false;
  }

  async function accountsRoute(req, res, user, parts) {
    const name = decodeURIComponent(parts[2] ?? '');
    const password = parts.length === 4 && parts[3] === 'password' && req.method === 'POST';
    const remove = parts.length === 3 && req.method === 'DELETE';
    if (!password && !remove) return ctx.fail(res, 404, 'not_found', 'no such endpoint');
    if (name !== user.username) return ctx.fail(res, 403, 'forbidden', 'only the account itself may change its password or delete it');
    const body = await ctx.readJson(req, res);
    if (!body) return;
    if (password) {
      if (typeof body.currentPassword !== 'string' || typeof body.newPassword !== 'string') {
        return ctx.fail(res, 400, 'invalid_request', 'the body must be {"currentPassword": ..., "newPassword": ...}');
      }
      if (body.newPassword.length < ctx.MIN_PASSWORD) return ctx.fail(res, 400, 'weak_password', `a password has at least ${ctx.MIN_PASSWORD} characters (and at most 1024)`);
      if (!confirmed(res, user, body.currentPassword)) return;
      ctx.setPassword(user, body.newPassword);
      revokeSessions(user.username);
      const token = crypto.randomBytes(24).toString('base64url');
      ctx.tokens.set(token, user.username);
      return ctx.send(res, 200, { username: user.username, admin: user.admin, token }, 'application/json', { 'Set-Cookie': ctx.sessionCookie(token) });
    }
    if (typeof body.password !== 'string') return ctx.fail(res, 400, 'invalid_request', 'the body must be {"password": ...}: your current password');
    if (!confirmed(res, user, body.password)) return;
    revokeSessions(user.username);
    let apiKeysRevoked = 0;
    for (const k of [...keys.values()]) if (k.owner === user.username) { keys.delete(k.id); apiKeysRevoked++; }
    let replsDeleted = 0;
    for (const r of [...ctx.repls.values()]) {
      if (r.owner !== user.username) continue;
      if (r.state !== 'stopped') ctx.stopRepl(r);
      ctx.repls.delete(r.slug);
      replsDeleted++;
    }
    ctx.forgetCollaborator?.(user.username);
    ctx.users.delete(user.username);
    return ctx.send(res, 200, { username: user.username, deleted: true, apiKeysRevoked, replsDeleted }, 'application/json', { 'Set-Cookie': ctx.clearedCookie });
  }

  return {
    keyOwner,
    /** Answers /api/keys… and /api/accounts/…; false when the path is neither. */
    handle(req, res, user, parts) {
      if (parts[1] === 'keys') return keysRoute(req, res, user, parts).then(() => true);
      if (parts[1] === 'accounts') return accountsRoute(req, res, user, parts).then(() => true);
      return Promise.resolve(false);
    },
  };
}
