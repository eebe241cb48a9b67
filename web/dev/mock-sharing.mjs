// The mock's sharing, as in Pier (scheduler CollaboratorRoutes, OwnedRepls; common ReplRole): a repl's owner shares it
// with other accounts as `editor` or `viewer`. The caller's role gates every route of a repl (403 forbidden, naming the
// role it has) and every session op: a viewer may look (list, read and search files, attach to terminals) and nothing
// else. Routes: GET /api/repls/<slug>/collaborators (anyone with a role), PUT …/collaborators/<account> {"role"} (the
// owner: 400 invalid_role / invalid_collaborator, 404 unknown_account, 409 too_many_collaborators) and DELETE
// …/collaborators/<account> (the owner, or the collaborator itself leaving: 404 not_a_collaborator).

/** The most accounts one repl can be shared with (ReplChanges.MAX_COLLABORATORS). */
export const MAX_COLLABORATORS = 50;

const RANK = { owner: 0, editor: 1, viewer: 2 };

/** Session ops a viewer may send: they only look. Everything else changes the repl (or runs in it). */
const VIEWER_OPS = new Set(['fs.list', 'fs.read', 'fs.search', 'fs.files', 'term.attach', 'doc.open', 'doc.close', 'presence']);

/** The role of `username` in repl `r`: 'owner', 'editor', 'viewer', or null (none: the repl is not theirs). */
export function roleOf(r, username) {
  if (!r || !username) return null;
  if (r.owner === username) return 'owner';
  return r.collaborators?.get(username) ?? null;
}

/** The collaborators as the API shows them: [{account, role}], sorted by account. */
export const collaboratorsJson = (r) => [...(r.collaborators ?? new Map())]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([account, role]) => ({ account, role }));

/**
 * Why `username` may not do what needs `needed` with `r`, as the API refuses it ({status, error, message}), or null when
 * it may (OwnedRepls.require).
 */
export function refusal(r, username, needed) {
  const role = roleOf(r, username);
  if (!role) return { status: 403, error: 'forbidden', message: 'this repl belongs to someone else' };
  if (RANK[role] <= RANK[needed]) return null;
  return {
    status: 403, error: 'forbidden',
    message: `you are ${role === 'editor' ? 'an editor' : 'a viewer'} of this repl; only ${needed === 'owner' ? 'its owner' : 'its owner or an editor'} may do that`,
  };
}

/** The refusal of a session op (its message), or null when the account's role (now, not when it connected) allows it. */
export function sessionRefusal(r, username, op) {
  const role = roleOf(r, username);
  if (!role) return 'this repl is no longer shared with you';
  if (role === 'viewer' && !VIEWER_OPS.has(op)) return `you are a viewer of this repl; only its owner or an editor may ${op}`;
  return null;
}

/** @param ctx what the mock server shares: users (name → user), send, fail, readJson */
export function sharingApi(ctx) {
  const deny = (res, no) => ctx.fail(res, no.status, no.error, no.message);

  /** PUT: the body's role, or null after answering 400 (the body is checked before the caller's role, as in Pier). */
  async function roleFromBody(req, res) {
    const body = await ctx.readJson(req, res);
    if (!body) return null;
    const unknown = Object.keys(body).find((k) => k !== 'role');
    if (unknown) { ctx.fail(res, 400, 'invalid_request', `unknown field '${unknown}'`); return null; }
    if (body.role !== 'editor' && body.role !== 'viewer') {
      ctx.fail(res, 400, 'invalid_role', `role must be "editor" or "viewer", got ${JSON.stringify(body.role) ?? 'null'}`);
      return null;
    }
    return body.role;
  }

  async function share(req, res, r, user, account) {
    const role = await roleFromBody(req, res);
    if (!role) return;
    const no = refusal(r, user.username, 'owner');
    if (no) return deny(res, no);
    if (account === r.owner) return ctx.fail(res, 400, 'invalid_collaborator', `${account} owns ${r.slug} already`);
    if (!ctx.users.has(account)) return ctx.fail(res, 404, 'unknown_account', `no account named '${account}'`);
    r.collaborators ??= new Map();
    if (!r.collaborators.has(account) && r.collaborators.size >= MAX_COLLABORATORS) {
      return ctx.fail(res, 409, 'too_many_collaborators', `${r.slug} is shared with ${MAX_COLLABORATORS} accounts, the most it can be`);
    }
    r.collaborators.set(account, role);
    return ctx.send(res, 200, { account, role });
  }

  function unshare(res, r, user, account) {
    // A collaborator may leave; taking anyone else's role back is the owner's.
    const no = refusal(r, user.username, account === user.username ? 'viewer' : 'owner');
    if (no) return deny(res, no);
    if (!r.collaborators?.delete(account)) return ctx.fail(res, 404, 'not_a_collaborator', `${r.slug} is not shared with ${account}`);
    return ctx.send(res, 200, { account, removed: true });
  }

  return {
    /** The repls shared with `username` (GET /api/repls?scope=shared). */
    sharedWith: (repls, username) => [...repls.values()].filter((r) => r.collaborators?.has(username)),

    /** Forgets a deleted account wherever it was a collaborator. */
    forget(repls, username) {
      for (const r of repls.values()) r.collaborators?.delete(username);
    },

    /** Answers /api/repls/<slug>/collaborators…; false when the path is another. */
    async handle(req, res, r, user, parts) {
      if (parts[3] !== 'collaborators') return false;
      const account = parts.length === 5 ? decodeURIComponent(parts[4]) : null;
      if (parts.length === 4 && req.method === 'GET') {
        const no = refusal(r, user.username, 'viewer');
        if (no) deny(res, no);
        else ctx.send(res, 200, { owner: r.owner, collaborators: collaboratorsJson(r) });
      } else if (account && req.method === 'PUT') await share(req, res, r, user, account);
      else if (account && req.method === 'DELETE') unshare(res, r, user, account);
      else ctx.fail(res, 404, 'not_found', 'no such endpoint');
      return true;
    },
  };
}
