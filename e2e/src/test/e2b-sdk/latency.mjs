// Create -> first command, measured in one run against one Pier through one edge (TLS, HTTP/1.1), alternating:
//   sdk:  Sandbox.create() then sandbox.commands.run('true') through the unchanged `e2b` SDK
//   pier: Pier's own API with the same key (PIER_API_KEY, its Pier form): POST /api/repls, POST /api/repls/<slug>/start, POST .../exec ["true"]
// Each sandbox or repl is removed after its round, untimed. Usage: node latency.mjs [rounds] (default 10, after one
// untimed warm-up round of each). bench/run.sh e2b starts a Pier and runs this.
import { Sandbox } from 'e2b'

const rounds = Number(process.argv[2] ?? 10)
const domain = process.env.E2B_DOMAIN
const key = process.env.PIER_API_KEY // the same key in Pier's form: Pier's own API takes that one
const template = 'base'

async function pierApi(method, path, body) {
  const res = await fetch(`https://${domain}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text.trim().split('\n').pop()) : {}
}

async function sdkRound() {
  const t = process.hrtime.bigint()
  const sandbox = await Sandbox.create(template)
  const result = await sandbox.commands.run('true')
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (result.exitCode !== 0) throw new Error(`sdk: exit code ${result.exitCode}`)
  await sandbox.kill()
  return ms
}

async function pierRound() {
  const t = process.hrtime.bigint()
  const { slug } = await pierApi('POST', '/api/repls', { template })
  await pierApi('POST', `/api/repls/${slug}/start`, {})
  const exec = await pierApi('POST', `/api/repls/${slug}/exec`, { cmd: ['true'] })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (exec.exitCode !== 0) throw new Error(`pier: exit code ${JSON.stringify(exec)}`)
  await pierApi('DELETE', `/api/repls/${slug}`)
  return ms
}

function summary(what, values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]
  return `${what}: n=${sorted.length}  p50 ${at(0.5).toFixed(0)} ms  p90 ${at(0.9).toFixed(0)} ms  min ${sorted[0].toFixed(0)} ms  max ${sorted[sorted.length - 1].toFixed(0)} ms`
}

await sdkRound()
await pierRound()
const sdk = []
const pier = []
for (let i = 0; i < rounds; i++) {
  // Alternate which goes first, so neither always runs right after the other's removal.
  if (i % 2 === 0) {
    sdk.push(await sdkRound())
    pier.push(await pierRound())
  } else {
    pier.push(await pierRound())
    sdk.push(await sdkRound())
  }
  console.log(`round ${i + 1}: sdk ${sdk[i].toFixed(0)} ms, pier ${pier[i].toFixed(0)} ms`)
}
console.log(summary("create -> first command, e2b SDK  ", sdk))
console.log(summary("create -> first command, Pier's API", pier))
