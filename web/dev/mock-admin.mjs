// The mock's administrators' API, as Pier answers it (docs/operations.md#the-admin-page): GET /api/nodes, POST
// /api/nodes/<id>/drain|undrain, GET /api/fleet, GET /api/accounts and PATCH /api/accounts/<username> {"admin"}.
// Everyone but an administrator gets 403 forbidden. Two nodes; a drain moves the node's running repls to the other
// one, and starts place repls only on nodes that are not draining.

export const NODES = [
  { id: 'node-7f3a21', agentUrl: 'http://10.0.0.11:7070', draining: false, runtimes: ['runc', 'runsc'], capacity: { slots: 50, memoryMb: 8192, cpus: 4 } },
  { id: 'node-b2c4e9', agentUrl: 'http://10.0.0.12:7070', draining: false, runtimes: ['runc'], capacity: { slots: 50, memoryMb: 8192, cpus: 4 } },
];

/** The node a start places a repl on: the emptiest that is not draining, or null. */
export function placeNode(repls) {
  const open = NODES.filter((n) => !n.draining);
  if (!open.length) return null;
  const count = (n) => [...repls.values()].filter((r) => r.node === n.id).length;
  return open.reduce((a, b) => (count(b) < count(a) ? b : a)).id;
}

function nodeJson(n, repls) {
  const here = [...repls.values()].filter((r) => r.node === n.id && (r.state === 'running' || r.state === 'starting'));
  const memory = here.reduce((sum, r) => sum + (r.limits?.memoryMb ?? 512), 0);
  return {
    id: n.id, agentUrl: n.agentUrl, capacity: n.capacity, draining: n.draining, images: [], runtimes: n.runtimes,
    load: { repls: here.length, reservedMemoryMb: memory, cpuUsage: here.length * 0.04, memoryUsedMb: here.length * 60, slugs: here.map((r) => r.slug), pooledMemoryMb: 0 },
    heartbeatAt: new Date(Date.now() - 1200).toISOString(), memberId: `member-${n.id}`, alive: true,
  };
}

function fleetJson(repls) {
  const nodes = NODES.map((n) => nodeJson(n, repls));
  const active = nodes.filter((n) => !n.draining);
  const sum = (f) => active.reduce((s, n) => s + f(n), 0);
  const slots = sum((n) => n.capacity.slots), memoryMb = sum((n) => n.capacity.memoryMb), cpus = sum((n) => n.capacity.cpus);
  const used = { repls: sum((n) => n.load.repls), reservedMemoryMb: sum((n) => n.load.reservedMemoryMb), cpus: sum((n) => n.load.cpuUsage) };
  const utilisation = active.length ? Math.max(used.repls / slots, used.reservedMemoryMb / memoryMb, used.cpus / cpus) : 1;
  const desiredNodes = Math.max(1, Math.ceil(active.length * utilisation / 0.7));
  return {
    nodes: nodes.length, activeNodes: active.length, capacity: { slots, memoryMb, cpus }, used, utilisation,
    targetUtilisation: 0.7, desiredNodes, scaleOut: desiredNodes > active.length,
    rule: 'desired = max(1, ceil(active × utilisation ÷ target))', cluster: { members: nodes.length + 2, safe: true },
  };
}

/**
 * Answers `/api/nodes…`, `/api/fleet` and `/api/accounts…` (parts: the path's segments); false when the path is none of
 * them. `ctx` has the mock's send, fail, readJson, its users, repls and revoke(username).
 */
export async function adminApi(req, res, parts, user, ctx) {
  const { send, fail, users, repls } = ctx;
  if (!['nodes', 'fleet', 'accounts'].includes(parts[1])) return false;
  // An account's own password and deletion are the account's (mock-accounts.mjs), not an administrator's.
  const own = parts[1] === 'accounts' && (parts[3] === 'password' || (parts.length === 3 && req.method === 'DELETE'));
  if (own) return false;
  if (!user.admin) { fail(res, 403, 'forbidden', 'only an administrator may do that'); return true; }
  const method = req.method;
  if (parts[1] === 'nodes' && parts.length === 2 && method === 'GET') {
    send(res, 200, { nodes: NODES.map((n) => nodeJson(n, repls)) });
  } else if (parts[1] === 'nodes' && parts.length === 4 && method === 'POST' && ['drain', 'undrain'].includes(parts[3])) {
    const node = NODES.find((n) => n.id === parts[2]);
    if (!node) { fail(res, 404, 'unknown_node', `no node named '${parts[2]}'`); return true; }
    node.draining = parts[3] === 'drain';
    if (!node.draining) { send(res, 200, { node: node.id, draining: false }); return true; }
    const moved = [];
    const failed = {};
    for (const r of repls.values()) {
      if (r.node !== node.id) continue;
      const to = placeNode(repls);
      if (to) { r.node = to; moved.push(r.slug); } else failed[r.slug] = 'no other node has room';
    }
    send(res, 200, { node: node.id, draining: true, moved, failed });
  } else if (parts[1] === 'fleet' && parts.length === 2 && method === 'GET') {
    send(res, 200, fleetJson(repls));
  } else if (parts[1] === 'accounts' && parts.length === 2 && method === 'GET') {
    const accounts = [...users.values()].sort((a, b) => a.username.localeCompare(b.username)).map((u) => {
      const mine = [...repls.values()].filter((r) => r.owner === u.username);
      return {
        username: u.username, admin: u.admin, listedInPierAdmins: false, createdAt: u.createdAt,
        repls: mine.length, running: mine.filter((r) => r.state === 'running' || r.state === 'starting').length,
      };
    });
    send(res, 200, { accounts });
  } else if (parts[1] === 'accounts' && parts.length === 3 && method === 'PATCH') {
    const body = await ctx.readJson(req, res);
    if (!body) return true;
    if (Object.keys(body).length !== 1 || typeof body.admin !== 'boolean') {
      fail(res, 400, 'invalid_request', 'the body must be {"admin": true} or {"admin": false}');
      return true;
    }
    const target = users.get(parts[2]);
    if (!target) { fail(res, 404, 'unknown_account', `no account named '${parts[2]}'`); return true; }
    target.admin = body.admin;
    ctx.revoke(target.username); // its tokens carry the old role: it signs in again
    send(res, 200, { username: target.username, admin: target.admin, listedInPierAdmins: false });
  } else {
    fail(res, 404, 'not_found', 'no such endpoint');
  }
  return true;
}
