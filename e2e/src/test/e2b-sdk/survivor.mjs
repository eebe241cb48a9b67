// A sandbox that must outlive a node-agent restart or a failover to another node, in two halves run around it:
//   node survivor.mjs create       makes a sandbox with a file (text and binary) and prints "SANDBOX <id> <sha256>"
//   node survivor.mjs check <id> <sha256>   connects to it again, reads the files, runs a command, then kills it
// Like quickstart.mjs it uses the public `e2b` package and the SDK's own environment only.
import { createHash, randomBytes } from 'node:crypto'
import { Sandbox } from 'e2b'

const [phase, id, hash] = process.argv.slice(2)
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

function fail(what) {
  console.log(`FAIL ${what}`)
  process.exit(1)
}

function describe(err) {
  return `${err?.constructor?.name ?? 'Error'}: ${err?.message ?? err}${err?.cause ? ` (cause: ${err.cause.code ?? ''} ${err.cause.message ?? err.cause})` : ''}`
}

try {
  if (phase === 'create') {
    const sandbox = await Sandbox.create({ metadata: { suite: 'survivor' } })
    const bytes = randomBytes(64 * 1024)
    await sandbox.files.write('survivor.txt', `survivor ${sandbox.sandboxId}\n`)
    await sandbox.files.write('survivor.bin', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
    const seen = await sandbox.commands.run('cat survivor.txt')
    if (seen.stdout !== `survivor ${sandbox.sandboxId}\n`) fail(`create: cat survivor.txt gave ${JSON.stringify(seen.stdout)}`)
    console.log(`ok   created ${sandbox.sandboxId} with survivor.txt and survivor.bin`)
    console.log(`SANDBOX ${sandbox.sandboxId} ${sha256(bytes)}`)
  } else if (phase === 'check' && id && hash) {
    const sandbox = await Sandbox.connect(id)
    console.log(`ok   connected to ${id}`)
    const text = await sandbox.files.read('survivor.txt')
    if (text !== `survivor ${id}\n`) fail(`survivor.txt: expected ${JSON.stringify(`survivor ${id}\n`)}, got ${JSON.stringify(text)}`)
    const bytes = await sandbox.files.read('survivor.bin', { format: 'bytes' })
    if (sha256(bytes) !== hash) fail(`survivor.bin: expected sha256 ${hash}, got ${sha256(bytes)} (${bytes.length} bytes)`)
    console.log('ok   files intact')
    const run = await sandbox.commands.run('cat survivor.txt && echo still-running')
    if (run.stdout !== `survivor ${id}\nstill-running\n`) fail(`a command: got ${JSON.stringify(run.stdout)}`)
    console.log('ok   a command runs')
    if (!(await sandbox.kill())) fail('kill() returned false')
    console.log('ok   killed')
    console.log('PASS survivor')
  } else {
    fail('usage: node survivor.mjs create | check <id> <sha256>')
  }
} catch (err) {
  fail(`${phase}: ${describe(err)}`)
}
