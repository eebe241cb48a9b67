#!/usr/bin/env -S node --experimental-websocket
// IDE benchmark against a running Pier (./pier up, or bench/run.sh terminal which starts one on spare ports):
//  1. open-to-terminal: for a stopped repl, the time from asking for the IDE page to an interactive terminal
//     (GET /ide/<slug>, POST start, session WebSocket, term.open, a command's output back);
//  2. keystroke-to-echo through the edge-proxy (one byte out, its echo back), p50/p99,
//     beside the same through a bare `docker exec -it` on a pseudo-terminal (script(1)), the floor.
// Talks to 127.0.0.1 only. Usage: node --experimental-websocket bench/terminal.mjs [--port 8080] [--keys 300] [--repls 5]
import { createRequire } from "node:module";
// The ws package (a dev dependency of web/) can send the session's bearer token; Node's own WebSocket cannot.
const WsClient = createRequire(new URL("../web/package.json", import.meta.url))("ws");
import { spawn, execFileSync } from "node:child_process";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) =>
  (v.startsWith("--") ? [...acc, [v.slice(2), all[i + 1]]] : acc), []));
const port = Number(args.port ?? process.env.PIER_EDGE_PORT ?? 8080);
const domain = args.domain ?? process.env.PIER_DOMAIN ?? "pier.localhost";
const keys = Number(args.keys ?? 300);
const repls = Number(args.repls ?? 5);
const base = `http://127.0.0.1:${port}`;

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method, headers: { Host: domain, "Content-Type": "application/json", Authorization: `Bearer ${process.env.PIER_TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function report(name, ms) {
  console.log(`${name.padEnd(40)} n=${String(ms.length).padEnd(4)} p50=${percentile(ms, 50).toFixed(2).padStart(8)} ms  ` +
    `p99=${percentile(ms, 99).toFixed(2).padStart(8)} ms`);
}

/** A session: WebSocket to the edge-proxy, requests by id, terminal bytes by channel. */
function connect(slug) {
  return new Promise((resolve, reject) => {
    // Node's WebSocket cannot set Host; the edge-proxy treats an IP host as the apex, which is what we want.
    const ws = new WsClient(`ws://127.0.0.1:${port}/api/repls/${slug}/session`, { headers: { Authorization: `Bearer ${process.env.PIER_TOKEN}` } });
    ws.binaryType = "arraybuffer";
    const pending = new Map();
    const listeners = new Set();
    let nextId = 1;
    const session = {
      request(op, extra = {}) {
        const id = nextId++;
        ws.send(JSON.stringify({ id, op, ...extra }));
        return new Promise((res, rej) => pending.set(id, (m) => (m.ok ? res(m) : rej(new Error(m.message)))));
      },
      send(channel, text) {
        const bytes = new TextEncoder().encode(text);
        const frame = new Uint8Array(bytes.length + 1);
        frame[0] = channel;
        frame.set(bytes, 1);
        ws.send(frame);
      },
      onOutput(fn) { listeners.add(fn); return () => listeners.delete(fn); },
      close() { ws.close(); },
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        const m = JSON.parse(e.data);
        if (m.event === "hello") resolve(session);
        if (m.id !== undefined && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
      } else {
        const bytes = new Uint8Array(e.data);
        const text = new TextDecoder().decode(bytes.subarray(1));
        for (const fn of listeners) fn(bytes[0], text);
      }
    };
    ws.onerror = () => reject(new Error("session WebSocket failed"));
  });
}

function waitFor(session, channel, needle) {
  return new Promise((resolve) => {
    let seen = "";
    const off = session.onOutput((ch, text) => {
      if (ch !== channel) return;
      seen += text;
      if (seen.includes(needle)) { off(); resolve(); }
    });
  });
}

async function openToTerminal() {
  const times = [];
  for (let i = 0; i < repls; i++) {
    const { slug } = await api("POST", "/api/repls", { template: "node" });
    const t0 = performance.now();
    await fetch(`${base}/ide/${slug}`, { headers: { Host: domain } }).then((r) => r.text());
    await api("POST", `/api/repls/${slug}/start`);
    const session = await connect(slug);
    const { term } = await session.request("term.open", { cols: 80, rows: 24 });
    const ready = waitFor(session, term, "ready-42");
    session.send(term, "echo ready-$((6*7))\n");
    await ready;
    times.push(performance.now() - t0);
    session.close();
    await api("DELETE", `/api/repls/${slug}`);
  }
  return times;
}

async function keystrokesThroughPier() {
  const { slug } = await api("POST", "/api/repls", { template: "node" });
  await api("POST", `/api/repls/${slug}/start`);
  const session = await connect(slug);
  const { term } = await session.request("term.open", { cols: 80, rows: 24 });
  const ready = waitFor(session, term, "cat-ready");
  session.send(term, "stty -icanon; echo cat-ready; cat >/dev/null\n");
  await ready;
  const times = [];
  for (let i = 0; i < keys; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const echoed = waitFor(session, term, ch);
    const t0 = performance.now();
    session.send(term, ch);
    await echoed;
    times.push(performance.now() - t0);
  }
  session.close();
  await api("DELETE", `/api/repls/${slug}`);
  return times;
}

async function keystrokesThroughDockerExec() {
  const image = "pier-runner-node:latest";
  const id = execFileSync("docker", ["run", "-d", "--rm", "--label", "pier.bench=terminal", "--user", "1000:1000",
    image, "sleep", "600"], { encoding: "utf8" }).trim();
  try {
    const child = spawn("script", ["-q", "-c", `docker exec -it ${id} bash --noprofile --norc`, "/dev/null"],
      { stdio: ["pipe", "pipe", "ignore"] });
    let buffer = "";
    let waiter = null;
    child.stdout.on("data", (d) => {
      buffer += d.toString();
      if (waiter && buffer.includes(waiter.needle)) { const w = waiter; waiter = null; buffer = ""; w.resolve(); }
    });
    const until = (needle) => new Promise((resolve) => {
      if (buffer.includes(needle)) { buffer = ""; resolve(); } else waiter = { needle, resolve };
    });
    child.stdin.write("stty -icanon; echo cat-ready-$((1+1)); cat >/dev/null\n");
    await until("cat-ready-2");
    const times = [];
    for (let i = 0; i < keys; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      buffer = "";
      const echoed = until(ch);
      const t0 = performance.now();
      child.stdin.write(ch);
      await echoed;
      times.push(performance.now() - t0);
    }
    child.stdout.removeAllListeners("data");
    child.kill();
    return times;
  } finally {
    execFileSync("docker", ["rm", "-f", id], { stdio: "ignore" });
  }
}

console.log(`# edge-proxy 127.0.0.1:${port}, ${keys} keystrokes, ${repls} IDE opens`);
report("open IDE of a stopped repl -> terminal", await openToTerminal());
report("keystroke -> echo via edge-proxy", await keystrokesThroughPier());
report("keystroke -> echo via docker exec -it", await keystrokesThroughDockerExec());
