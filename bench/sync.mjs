#!/usr/bin/env -S node --experimental-websocket
// Durable-workspace benchmark against a running Pier (bench/run.sh sync starts one on spare ports):
//  1. restore: a 1,000-file, 50 MB project, Pier's start (parallel paged download) beside `aws s3 sync` of the same
//     prefix from the same S3 server to a local folder (Debian's awscli);
//  2. PUTs during steady typing: one edit every 100 ms for 20 s in one file; how many uploads the node made;
//  3. edit-to-durable lag: single edits 3 s apart; time until the node reports nothing pending, p50/p99.
// With the start's steps as the node-agent timed them (pier.node.repl.start.step in its /metrics), so that the restore
// alone shows beside the whole start. Arguments: [rounds of the restore, default 1] [--restore-only: skip 2 and 3].
// Needs PIER_S3_ENDPOINT, PIER_S3_ACCESS_KEY, PIER_S3_SECRET_KEY, PIER_S3_BUCKET, PIER_NODE_PORT and PIER_DATA (run.sh
// sets them).
// Talks to 127.0.0.1 only.
import { createRequire } from "node:module";
// The ws package (a dev dependency of web/) can send the session's bearer token; Node's own WebSocket cannot.
const WsClient = createRequire(new URL("../web/package.json", import.meta.url))("ws");
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const port = Number(process.env.PIER_EDGE_PORT ?? 8080);
const nodePort = Number(process.env.PIER_NODE_PORT ?? 8082);
const domain = process.env.PIER_DOMAIN ?? "pier.localhost";
const bucket = process.env.PIER_S3_BUCKET ?? "pier";
const s3env = { ...process.env, AWS_ACCESS_KEY_ID: process.env.PIER_S3_ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: process.env.PIER_S3_SECRET_KEY, AWS_DEFAULT_REGION: "us-east-1" };
const base = `http://127.0.0.1:${port}`;

async function api(method, path, body) {
  const res = await fetch(base + path, { method, headers: { Host: domain, "Content-Type": "application/json", Authorization: `Bearer ${process.env.PIER_TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

import { createHash, createHmac } from "node:crypto";
// The node-agent's internal API answers Pier's services only: sign a short service token with the cluster's secret
// (the first one of the list), in TokenSigner's format: v2.<key id>.<claims>.<HMAC over "v2.<key id>.<claims>">.
function serviceToken() {
  const secret = process.env.PIER_AUTH_SECRET.split(",")[0].trim();
  const kid = createHash("sha256").update(`pier-token-key:${secret}`).digest().subarray(0, 8).toString("base64url");
  const payload = Buffer.from(JSON.stringify({ sub: "service:bench", adm: true, iat: Date.now(),
    exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
  const signature = createHmac("sha256", secret).update(`v2.${kid}.${payload}`).digest("base64url");
  return `v2.${kid}.${payload}.${signature}`;
}
const syncStatus = async (slug) => (await fetch(`http://127.0.0.1:${nodePort}/internal/repls/${slug}/sync`,
  { headers: { Authorization: `Bearer ${serviceToken()}` } })).json();
// The node-agent's start-step timers: step -> [count, seconds], from its Prometheus text.
async function stepTimes() {
  const token = readFileSync(join(process.env.PIER_DATA, "metrics-token"), "utf8").trim();
  const text = await (await fetch(`http://127.0.0.1:${nodePort}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
  const steps = {};
  for (const m of text.matchAll(/^pier_node_repl_start_step_seconds_(count|sum)\{([^}]*)\} (\S+)$/gm)) {
    const step = /step="([^"]+)"/.exec(m[2])[1];
    steps[step] ??= [0, 0];
    steps[step][m[1] === "count" ? 0 : 1] = Number(m[3]);
  }
  return steps;
}
// Mean milliseconds per step between two readings, in the order the node runs them.
const stepBreakdown = (before, after) => Object.keys(after).map((step) => {
  const n = after[step][0] - (before[step]?.[0] ?? 0);
  return `${step} ${n ? ((after[step][1] - (before[step]?.[1] ?? 0)) * 1000 / n).toFixed(0) : "-"}`;
}).join(", ");
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
// Debian's awscli (a pip-installed "aws" earlier on PATH may be another version).
const aws = (...args) => execFileSync(process.env.AWS_CLI ?? "/usr/bin/aws", ["--endpoint-url", process.env.PIER_S3_ENDPOINT, ...args],
  { env: s3env, stdio: ["ignore", "ignore", "inherit"] });

function session(slug) {
  return new Promise((resolve, reject) => {
    const ws = new WsClient(`ws://127.0.0.1:${port}/api/repls/${slug}/session`, { headers: { Authorization: `Bearer ${process.env.PIER_TOKEN}` } });
    const pending = new Map();
    let id = 0;
    const s = { request: (op, args = {}) => new Promise((res, rej) => {
      const n = ++id; pending.set(n, (m) => (m.ok ? res(m) : rej(new Error(m.message))));
      ws.send(JSON.stringify({ id: n, op, ...args }));
    }), close: () => ws.close() };
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const m = JSON.parse(e.data);
      if (m.event === "hello") resolve(s);
      if (pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); }
    };
    ws.onerror = () => reject(new Error("session failed"));
  });
}

async function restore(rounds) {
  const { slug } = await api("POST", "/api/repls", { template: "node" });
  const dir = mkdtempSync(join(tmpdir(), "pier-bench-src-"));
  const chunk = Buffer.alloc(50 * 1024, "p");
  for (let i = 0; i < 1000; i++) {
    mkdirSync(join(dir, `pkg${i % 20}`), { recursive: true });
    writeFileSync(join(dir, `pkg${i % 20}`, `file${i}.txt`), chunk);
  }
  aws("s3", "sync", "--only-show-errors", dir, `s3://${bucket}/repls/${slug}/files/`);
  rmSync(dir, { recursive: true, force: true });
  const pierMs = [], awsMs = [];
  const before = await stepTimes();
  const restoreMs = [];
  for (let i = 0; i < rounds; i++) {
    const stepsBefore = await stepTimes();
    const t0 = performance.now();
    await api("POST", `/api/repls/${slug}/start`);
    pierMs.push(performance.now() - t0);
    const stepsAfter = await stepTimes();
    restoreMs.push((stepsAfter.restore[1] - (stepsBefore.restore?.[1] ?? 0)) * 1000);
    await api("POST", `/api/repls/${slug}/stop`);
    const out = mkdtempSync(join(tmpdir(), "pier-bench-dl-"));
    const t1 = performance.now();
    aws("s3", "sync", "--only-show-errors", `s3://${bucket}/repls/${slug}/files/`, out);
    awsMs.push(performance.now() - t1);
    rmSync(out, { recursive: true, force: true });
  }
  const steps = stepBreakdown(before, await stepTimes());
  await api("DELETE", `/api/repls/${slug}`);
  return { pierMs, awsMs, restoreMs, steps };
}

async function typing() {
  const { slug } = await api("POST", "/api/repls", { template: "node" });
  await api("POST", `/api/repls/${slug}/start`);
  const s = await session(slug);
  let { version, content } = await s.request("fs.read", { path: "index.js" });
  const before = (await syncStatus(slug)).uploads;
  const t0 = performance.now();
  let edits = 0;
  while (performance.now() - t0 < 20_000) {
    const at = content.length;
    ({ version } = await s.request("fs.edit", { path: "index.js", baseVersion: version,
      changes: [{ from: at, to: at, insert: "/" }] }));
    content += "/";
    edits++;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 6000));
  const uploads = (await syncStatus(slug)).uploads - before;

  const lags = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await s.request("fs.write", { path: `lag/${i}.txt`, content: `edit ${i}` });
    for (;;) {
      const st = await syncStatus(slug);
      if (st.pendingFiles === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    lags.push(performance.now() - start);
    await new Promise((r) => setTimeout(r, 3000));
  }
  s.close();
  await api("DELETE", `/api/repls/${slug}`);
  return { edits, uploads, lags };
}

const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1);
console.log(`# edge-proxy 127.0.0.1:${port}, node-agent 127.0.0.1:${nodePort}`);
const r = await restore(rounds);
console.log(`restore 1000 files / 50 MB (n=${rounds}): pier start p50 ${pct(r.pierMs, 50).toFixed(0)} ms   aws s3 sync p50 ${pct(r.awsMs, 50).toFixed(0)} ms`);
console.log(`  pier start steps on the node (mean ms): ${r.steps}`);
// Round by round: the first start after the node-agent came up runs the S3 client's code cold (not yet compiled), so
// it is slower than the rest; the mean above carries it, the p50 does not.
console.log(`  restore step by round (ms): ${r.restoreMs.map((ms) => ms.toFixed(0)).join(", ")}; p50 ${pct(r.restoreMs, 50).toFixed(0)} ms, aws s3 sync / restore p50 ${(pct(r.awsMs, 50) / pct(r.restoreMs, 50)).toFixed(2)}x`);
console.log(`  pier start by round (ms): ${r.pierMs.map((ms) => ms.toFixed(0)).join(", ")}; aws s3 sync by round (ms): ${r.awsMs.map((ms) => ms.toFixed(0)).join(", ")}`);
if (!process.argv.includes("--restore-only")) {
  const t = await typing();
  console.log(`steady typing 20 s: ${t.edits} edits -> ${t.uploads} PUTs`);
  console.log(`edit -> durable (n=${t.lags.length}): p50 ${pct(t.lags, 50).toFixed(0)} ms  p99 ${pct(t.lags, 99).toFixed(0)} ms`);
}
