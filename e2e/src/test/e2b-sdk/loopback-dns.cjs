'use strict'
// Test configuration, never product code: makes every name under E2B_DOMAIN (the apex, api.<domain>,
// <port>-<sandboxID>.<domain>, sandbox.<domain>) resolve to one loopback address, which is where the test's
// edge-proxy listens, its TLS port on 443 as in production. Preloaded through NODE_OPTIONS="--require <this file>",
// so the E2B scripts stay unchanged and run with a plain `node quickstart.mjs`.
//
// Why a dns.lookup hook: the SDK builds https://api.<domain> and https://<port>-<id>.<domain> without a port, the
// sandbox ids are only known at run time (so /etc/hosts cannot list them, and it has no wildcards) and the test
// machine's resolver knows nothing of the test domain. In Node 20 every TCP connection of the SDK ends in
// net.Socket#connect, which calls `dns.lookup` of the public `dns` module at connect time (lib/net.js:
// `const lookup = options.lookup || dns.lookup`) whenever no `lookup` option is given: undici 7's connector (the
// SDK's own fetch for the API and envd) and Node's bundled undici (global fetch, used for getHost) call
// tls.connect / net.connect with a host name and no `lookup`. checks.mjs proves it for both.
//
// Why one address of 127.0.0.0/8 of the test's own and not 127.0.0.1: the edge must listen on 443 (the URLs carry no
// port), and other tests on this machine may run at the same time; an address of its own gives each run a port 443
// of its own, with nothing rewritten in between (no port mapping, no iptables rule, no namespace to clean up).
const dns = require('node:dns')

const domain = (process.env.E2B_DOMAIN || '').toLowerCase().replace(/\.$/, '')
const address = process.env.PIER_TEST_LOOPBACK_ADDRESS || '127.0.0.1'
if (!domain) {
  throw new Error('loopback-dns.cjs: E2B_DOMAIN is not set')
}
if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) {
  throw new Error(`loopback-dns.cjs: ${address} is no loopback address`)
}

function isTestName(hostname) {
  const name = String(hostname).toLowerCase().replace(/\.$/, '')
  return name === domain || name.endsWith('.' + domain)
}

const systemLookup = dns.lookup

function loopbackLookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (!isTestName(hostname)) {
    return systemLookup.call(dns, hostname, options, callback)
  }
  const opts = typeof options === 'number' ? { family: options } : options || {}
  process.nextTick(() => {
    if (opts.family === 6) {
      const err = new Error(`getaddrinfo ENOTFOUND ${hostname} (IPv4 loopback only)`)
      err.code = 'ENOTFOUND'
      err.hostname = hostname
      return callback(err)
    }
    if (opts.all) return callback(null, [{ address, family: 4 }])
    return callback(null, address, 4)
  })
  return {}
}

dns.lookup = loopbackLookup

const systemPromiseLookup = dns.promises.lookup
dns.promises.lookup = function lookup(hostname, options) {
  if (!isTestName(hostname)) return systemPromiseLookup.call(dns.promises, hostname, options)
  return new Promise((resolve, reject) =>
    loopbackLookup(hostname, options || {}, (err, addr, family) => {
      if (err) reject(err)
      else resolve(Array.isArray(addr) ? addr : { address: addr, family })
    })
  )
}
