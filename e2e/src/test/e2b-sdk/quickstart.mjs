// E2B's quickstart and the gist of its SDK tests (packages/js-sdk/tests in e2b-dev/E2B), written against the public
// `e2b` package only and run unchanged against E2B or a self-hosted Pier. It reads only the SDK's own environment
// (E2B_API_KEY, E2B_DOMAIN, and whatever else the SDK itself reads), prints one line per step and exits non-zero on
// the first step that fails, saying what differed.
import { createHash, randomBytes } from 'node:crypto'
import { CommandExitError, FilesystemEventType, FileType, Sandbox } from 'e2b'

const run = randomBytes(4).toString('hex')
const metadata = { suite: `quickstart-${run}` }
const started = Date.now()
let sandbox

class Mismatch extends Error {}

function expect(what, got, want) {
  const same =
    want instanceof RegExp ? want.test(String(got)) : JSON.stringify(got) === JSON.stringify(want)
  if (!same) {
    throw new Mismatch(`${what}: expected ${show(want)}, got ${show(got)}`)
  }
}

function check(what, condition, got) {
  if (!condition) throw new Mismatch(`${what}${got === undefined ? '' : `; got ${show(got)}`}`)
}

function show(value) {
  if (value instanceof RegExp) return `matching ${value}`
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  return text.length > 300 ? text.slice(0, 300) + '…' : text
}

async function step(name, body) {
  const t = Date.now()
  let detail
  try {
    detail = await body()
  } catch (err) {
    const what =
      err instanceof Mismatch
        ? err.message
        : `${err?.constructor?.name ?? 'Error'}: ${err?.message ?? err}${
            err?.cause ? ` (cause: ${err.cause.code ?? ''} ${err.cause.message ?? err.cause})` : ''
          }`
    console.log(`FAIL ${name}: ${what}`)
    if (!(err instanceof Mismatch) && err?.stack) console.log(err.stack)
    if (sandbox) await Sandbox.kill(sandbox.sandboxId).catch(() => {})
    process.exit(1)
  }
  console.log(`ok   ${name} (${Date.now() - t} ms)${detail ? ` ${detail}` : ''}`)
}

/** Resolves with the first value `probe` gives that is not undefined; rejects after `ms` (a bound, not a measure). */
function eventually(what, ms, probe) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Mismatch(`${what}: not within ${ms} ms`)), ms)
    probe((value) => {
      clearTimeout(timer)
      resolve(value)
    }, reject)
  })
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

await step('create a sandbox (default template, metadata)', async () => {
  sandbox = await Sandbox.create({ metadata })
  check('a sandbox id', typeof sandbox.sandboxId === 'string' && sandbox.sandboxId.length > 0, sandbox.sandboxId)
  return `id=${sandbox.sandboxId}`
})

await step('the sandbox is running', async () => {
  expect('isRunning()', await sandbox.isRunning(), true)
  const info = await sandbox.getInfo()
  expect('getInfo().sandboxId', info.sandboxId, sandbox.sandboxId)
  expect('getInfo().metadata.suite', info.metadata?.suite, metadata.suite)
  expect('getInfo().state', info.state, 'running')
})

await step('run a command, read its output and exit code', async () => {
  const result = await sandbox.commands.run('echo "Hello, World!"')
  expect('exitCode', result.exitCode, 0)
  expect('stdout', result.stdout, 'Hello, World!\n')
  expect('stderr', result.stderr, '')
})

await step('a failing command throws CommandExitError with its exit code and stderr', async () => {
  try {
    await sandbox.commands.run('echo oops >&2; exit 3')
  } catch (err) {
    check('a CommandExitError', err instanceof CommandExitError, err?.constructor?.name)
    expect('exitCode', err.exitCode, 3)
    expect('stderr', err.stderr, 'oops\n')
    return
  }
  throw new Mismatch('expected CommandExitError, the command succeeded')
})

await step('envs and cwd reach the command', async () => {
  const result = await sandbox.commands.run('echo "$GREETING" && pwd', { envs: { GREETING: 'hi' }, cwd: '/tmp' })
  expect('stdout', result.stdout, 'hi\n/tmp\n')
})

await step('stream a long command: output arrives while it runs', async () => {
  // The command prints a line, then waits until the script has seen that line and answered by making a file: it can
  // only finish if its output is streamed, not held back until it exits.
  const flag = `/tmp/streamed-${run}`
  const lines = []
  let answered
  const result = await sandbox.commands.run(
    `echo first; i=0; while [ ! -f ${flag} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; ` +
      `[ -f ${flag} ] && echo second || echo never-answered`,
    {
      timeoutMs: 120_000,
      onStdout: (data) => {
        lines.push(...data.split('\n').filter(Boolean))
        if (!answered && lines.includes('first')) {
          answered = sandbox.commands.run(`touch ${flag}`)
        }
      },
    }
  )
  await answered
  expect('stdout lines seen by onStdout', lines, ['first', 'second'])
  expect('stdout', result.stdout, 'first\nsecond\n')
})

await step('start a command in the background, list it and kill it', async () => {
  const handle = await sandbox.commands.run('sleep 600', { background: true })
  check('a pid', Number.isInteger(handle.pid) && handle.pid > 0, handle.pid)
  const listed = await sandbox.commands.list()
  check(`commands.list() holds pid ${handle.pid}`, listed.some((p) => p.pid === handle.pid), listed)
  expect('kill()', await handle.kill(), true)
  const outcome = await handle.wait().then(
    (r) => `exited ${r.exitCode}`,
    (err) => err
  )
  check('wait() rejects after the kill', outcome instanceof Error, outcome)
  const after = await sandbox.commands.list()
  check(`pid ${handle.pid} is gone from commands.list()`, !after.some((p) => p.pid === handle.pid), after)
  expect('killing it again', await sandbox.commands.kill(handle.pid), false)
  return `pid=${handle.pid}`
})

await step('write, read, list and remove text files', async () => {
  const info = await sandbox.files.write('hello.txt', 'Hello from the SDK\n')
  expect('write().name', info.name, 'hello.txt')
  check('write().path ends in /hello.txt', String(info.path).endsWith('/hello.txt'), info.path)
  expect('read()', await sandbox.files.read('hello.txt'), 'Hello from the SDK\n')
  expect('exists()', await sandbox.files.exists('hello.txt'), true)
  expect('the command sees it', (await sandbox.commands.run('cat hello.txt')).stdout, 'Hello from the SDK\n')
  // E2B's own examples name files by their absolute path in the user's home, for the files API and commands alike.
  await sandbox.files.write('/home/user/hello.py', 'print(6 * 7)\n')
  expect('a command runs a file written at /home/user', (await sandbox.commands.run('python3 /home/user/hello.py')).stdout, '42\n')

  expect('makeDir()', await sandbox.files.makeDir('docs/nested'), true)
  await sandbox.files.write([
    { path: 'docs/a.txt', data: 'a' },
    { path: 'docs/nested/b.txt', data: 'bb' },
  ])
  const entries = await sandbox.files.list('docs')
  const seen = entries.map((e) => `${e.name}:${e.type}`).sort()
  expect('list(docs)', seen, [`a.txt:${FileType.FILE}`, `nested:${FileType.DIR}`])
  const a = entries.find((e) => e.name === 'a.txt')
  expect('list(docs) size of a.txt', a.size, 1)

  await sandbox.files.remove('hello.txt')
  expect('exists() after remove()', await sandbox.files.exists('hello.txt'), false)
  await sandbox.files.remove('docs')
  expect('exists(docs) after remove()', await sandbox.files.exists('docs'), false)
  return `home=${String(info.path).slice(0, -'/hello.txt'.length)}`
})

let binaryHash
await step('write and read a binary file byte for byte', async () => {
  const bytes = new Uint8Array(256 * 1024 + 7)
  bytes.set(randomBytes(bytes.length))
  for (let i = 0; i < 256; i++) bytes[i] = i // every byte value, NUL and 0xFF included
  binaryHash = sha256(bytes)
  await sandbox.files.write('data.bin', bytes.buffer)
  const back = await sandbox.files.read('data.bin', { format: 'bytes' })
  expect('read(bytes) length', back.length, bytes.length)
  expect('read(bytes) sha256', sha256(back), binaryHash)
  const inside = await sandbox.commands.run('sha256sum data.bin')
  expect('sha256sum inside the sandbox', inside.stdout.split(' ')[0], binaryHash)
  const blob = await sandbox.files.read('data.bin', { format: 'blob' })
  expect('read(blob) sha256', sha256(new Uint8Array(await blob.arrayBuffer())), binaryHash)
})

await step('watch a folder', async () => {
  await sandbox.files.makeDir('watched')
  let handle
  const event = eventually('a write event for watched/new.txt', 30_000, (resolve, reject) => {
    sandbox.files
      .watchDir('watched', (e) => {
        if (e.name === 'new.txt' && (e.type === FilesystemEventType.WRITE || e.type === FilesystemEventType.CREATE)) {
          resolve(e)
        }
      })
      .then(async (h) => {
        handle = h
        await sandbox.files.write('watched/new.txt', 'seen')
      })
      .catch(reject)
  })
  const seen = await event
  await handle.stop()
  return `event=${seen.type}`
})

await step('start an HTTP server in the sandbox and fetch it through getHost(port)', async () => {
  const marker = `served from ${sandbox.sandboxId} (${run})`
  await sandbox.files.write('www/index.html', marker)
  const server = await sandbox.commands.run('cd www && python3 -m http.server 8000', { background: true })
  try {
    const host = sandbox.getHost(8000)
    check(`getHost(8000) is 8000-<id>.<domain>`, host.startsWith(`8000-${sandbox.sandboxId}.`), host)
    // As E2B's own test: the server needs a moment to listen; ask again until it answers.
    let res
    let last
    for (let i = 0; i < 60; i++) {
      try {
        res = await fetch(`https://${host}/index.html`)
        if (res.status === 200) break
        last = `${res.status} ${await res.text()}`
      } catch (err) {
        last = `${err.message} ${err.cause?.code ?? ''}`
      }
      await new Promise((r) => setTimeout(r, 500))
    }
    check(`GET https://${host}/index.html answers 200`, res?.status === 200, last)
    expect('body', await res.text(), marker)
    return `host=${host}`
  } finally {
    await server.kill()
  }
})

await step('set the timeout', async () => {
  const before = (await sandbox.getInfo()).endAt
  await sandbox.setTimeout(900_000)
  const after = (await sandbox.getInfo()).endAt
  check('endAt moved later', after.getTime() > before.getTime(), { before, after })
  const leftS = Math.round((after.getTime() - Date.now()) / 1000)
  check('about 900 s left', leftS > 600 && leftS <= 960, leftS)
  return `endAt ${before.toISOString()} -> ${after.toISOString()}`
})

await step('pause', async () => {
  await sandbox.files.write('kept.txt', `kept ${run}`)
  expect('pause()', await sandbox.pause(), true)
  const info = await Sandbox.getInfo(sandbox.sandboxId)
  expect('state after pause()', info.state, 'paused')
  expect('pause() again', await sandbox.pause(), false)
})

await step('list by metadata', async () => {
  const mine = await Sandbox.list({ query: { metadata } }).nextItems()
  expect('ids listed for our metadata', mine.map((s) => s.sandboxId), [sandbox.sandboxId])
  expect('its state', mine[0].state, 'paused')
  expect('its metadata', mine[0].metadata, metadata)
  const other = await Sandbox.list({ query: { metadata: { suite: `other-${run}` } } }).nextItems()
  expect('ids listed for other metadata', other.map((s) => s.sandboxId), [])
})

await step('resume (connect) with files intact', async () => {
  const resumed = await Sandbox.connect(sandbox.sandboxId)
  expect('resumed id', resumed.sandboxId, sandbox.sandboxId)
  expect('state after connect()', (await resumed.getInfo()).state, 'running')
  expect('kept.txt', await resumed.files.read('kept.txt'), `kept ${run}`)
  expect('data.bin sha256', sha256(await resumed.files.read('data.bin', { format: 'bytes' })), binaryHash)
  expect('a command runs', (await resumed.commands.run('cat kept.txt')).stdout, `kept ${run}`)
  sandbox = resumed
})

await step('kill', async () => {
  expect('kill()', await sandbox.kill(), true)
  const mine = await Sandbox.list({ query: { metadata } }).nextItems()
  expect('ids listed for our metadata after kill()', mine.map((s) => s.sandboxId), [])
  expect('Sandbox.kill() of a killed sandbox', await Sandbox.kill(sandbox.sandboxId), false)
  sandbox = undefined
})

console.log(`PASS quickstart in ${Date.now() - started} ms`)
