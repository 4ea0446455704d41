// Start a real backend for the end-to-end test: a fresh embedded PostgreSQL in a temp dir, `xinyuan migrate`,
// `xinyuan seed-demo`, then `xinyuan serve` on a free loopback port with the fake WeChat. Stopped at teardown.
const { execFile, spawn } = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')

const REPO = path.resolve(__dirname, '../../..')
const BIN = process.env.XINYUAN_BIN || path.join(REPO, '.venv', 'bin', 'xinyuan')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { cwd: REPO, env, timeout: 120000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`xinyuan ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.setTimeout(2000, () => {
      req.destroy()
      resolve(false)
    })
  })
}

// GET a JSON document from the backend, outside the pages (for checks on the fake WeChat).
function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
          } catch (err) {
            reject(new Error(`${url} → ${res.statusCode}: not JSON`))
          }
        })
      })
      .on('error', reject)
  })
}

async function startBackend({ timeoutMs = 30000 } = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`backend CLI not found at ${BIN}: run \`make venv\` in the repository root, or set XINYUAN_BIN`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyuan-e2e-'))
  const port = await freePort()
  const env = Object.assign({}, process.env, {
    // Empty: the backend starts an embedded PostgreSQL of its own, with its data in this run's temp dir.
    DATABASE_URL: '',
    EMBEDDED_PGDATA: path.join(dir, 'pgdata'),
    APP_ENV: 'dev',
    WECHAT_MODE: 'fake',
    HOST: '127.0.0.1',
    PORT: String(port),
  })
  delete env.WECHAT_API_BASE
  await run(['migrate'], env)
  await run(['seed-demo'], env)

  const log = []
  const child = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (d) => log.push(String(d)))
  child.stderr.on('data', (d) => log.push(String(d)))
  let exited = null
  child.on('exit', (code, signal) => (exited = { code, signal }))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (!(await healthy(url))) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill('SIGKILL')
      throw new Error(`backend did not come up on ${url} (${exited ? `exited ${JSON.stringify(exited)}` : 'timeout'}):\n${log.join('')}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }

  async function stop() {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    }
    await run(['db', 'stop'], env)
    fs.rmSync(dir, { recursive: true, force: true })
  }

  return { url, port, dir, stop, log }
}

module.exports = { startBackend, getJson, BIN, REPO }
