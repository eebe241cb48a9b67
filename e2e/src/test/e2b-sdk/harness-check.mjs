// Proves the test's own plumbing before any E2B call: every name under E2B_DOMAIN resolves to the test's loopback
// address (loopback-dns.cjs), and a TLS handshake with the edge on 443 succeeds with the test's certificate authority
// (NODE_EXTRA_CA_CERTS) through both clients the SDK uses: the `undici` package's fetch (the SDK's API and envd
// calls, with HTTP/2 allowed as the SDK allows it) and Node's global fetch (what a caller uses on getHost()).
import dns from 'node:dns'
import { Agent, fetch as undiciFetch } from 'undici'

const domain = process.env.E2B_DOMAIN
const names = [domain, `api.${domain}`, `49983-blue-fox-1a2b3c.${domain}`, `sandbox.${domain}`]
for (const name of names) {
  const { address } = await dns.promises.lookup(name)
  const viaCallback = await new Promise((resolve, reject) =>
    dns.lookup(name, { all: true }, (err, all) => (err ? reject(err) : resolve(all)))
  )
  console.log(`ok   ${name} -> ${address} (${viaCallback.map((a) => a.address).join(',')})`)
}
const agent = new Agent({ allowH2: true, connections: 1 })
const viaUndici = await undiciFetch(`https://${domain}/healthz`, { dispatcher: agent })
console.log(`ok   undici fetch https://${domain}/healthz -> ${viaUndici.status}`)
const viaGlobal = await fetch(`https://api.${domain}/healthz`)
console.log(`ok   global fetch https://api.${domain}/healthz -> ${viaGlobal.status}`)
if (viaUndici.status !== 200) {
  console.log(`FAIL the edge's /healthz answered ${viaUndici.status}`)
  process.exit(1)
}
console.log('PASS harness')
