#!/usr/bin/env node
// Per template: time from POST /api/repls to the first byte of the preview (web apps) or of the run output (console
// programs), through the edge-proxy of a running Pier (bench/run.sh stacks starts one), and how much of it was the
// start call (restore, container, install, app). Talks to 127.0.0.1 only.
import { createRequire } from "node:module";
const WsClient = createRequire(new URL("../web/package.json", import.meta.url))("ws");

const port = Number(process.env.PIER_EDGE_PORT ?? 8080);
const domain = process.env.PIER_DOMAIN ?? "pier.localhost";
const rounds = Number(process.argv[2] ?? 3);
const base = `http://127.0.0.1:${port}`;
const auth = { Authorization: `Bearer ${process.env.PIER_TOKEN}` };

async function api(method, path, body) {
  const res = await fetch(base + path, { method, headers: { Host: domain, "Content-Type": "application/json", ...auth },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function previewAnswers(slug) {
  for (;;) {
    try {
      const res = await fetch(base + "/", { headers: { Host: `${slug}.${domain}` } });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runOutput(slug) {
  return new Promise((resolve, reject) => {
    const ws = new WsClient(`ws://127.0.0.1:${port}/api/repls/${slug}/session`, { headers: auth });
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => {
      if (typeof e.data !== "string" && new Uint8Array(e.data)[0] === 0 && e.data.byteLength > 1) {
        ws.close();
        resolve();
      }
    };
    ws.onerror = () => reject(new Error("session failed"));
  });
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const { templates } = await api("GET", "/api/templates");
console.log(`# ${rounds} repls per template, edge-proxy 127.0.0.1:${port}; median of the rounds`);
console.log("template       | create → first byte | of which the start call | what");
for (const t of templates) {
  const total = [];
  const start = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const { slug } = await api("POST", "/api/repls", { template: t.name });
    const t1 = performance.now();
    await api("POST", `/api/repls/${slug}/start`);
    const t2 = performance.now();
    await (t.mode === "console" ? runOutput(slug) : previewAnswers(slug));
    const t3 = performance.now();
    total.push(t3 - t0);
    start.push(t2 - t1);
    await api("DELETE", `/api/repls/${slug}`);
  }
  console.log(`${t.name.padEnd(14)} | ${(median(total) / 1000).toFixed(2).padStart(8)} s          | `
    + `${(median(start) / 1000).toFixed(2).padStart(8)} s              | ${t.mode === "console" ? "run output" : "preview"}`
    + (t.install ? `, install: ${t.install}` : ""));
}
