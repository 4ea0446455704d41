// The live server (tests/console/live_server.py: throwaway database with demo data, app on a free port) and
// Debian's Chromium driven by playwright-core, which never downloads a browser.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const ROOT = resolve(here, '../../..')
export const SHOTS = resolve(here, '../../test-output/screenshots')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

export async function startServer() {
  const python = process.env.PYTHON || join(ROOT, '.venv/bin/python')
  const proc = spawn(python, ['-m', 'tests.console.live_server'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`live server did not start: ${out}`)), 120_000)
    proc.stdout.on('data', (chunk) => {
      out += chunk
      const found = /LIVE (\S+)/.exec(out)
      if (found) {
        clearTimeout(timer)
        ok(found[1])
      }
    })
    proc.on('exit', (code) => fail(new Error(`live server exited (${code}): ${out}`)))
  })
  return { url, stop: () => new Promise((done) => (proc.exitCode !== null ? done() : (proc.on('exit', done), proc.kill('SIGTERM')))) }
}

export async function startBrowser() {
  mkdirSync(SHOTS, { recursive: true })
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
}

export async function newPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, baseURL: base, locale: 'zh-CN' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`console: ${msg.text()}`))
  return { page, errors }
}

export async function shot(page, name) {
  await page.waitForTimeout(300) // let Element Plus finish its transitions
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

// Element Plus puts an input's data-test on the <input> or <textarea> itself, an input-number's on its box.
export async function fillIn(page, testId, value) {
  const el = page.locator(`[data-test="${testId}"]`)
  const tag = await el.evaluate((node) => node.tagName)
  await (tag === 'INPUT' || tag === 'TEXTAREA' ? el : el.locator('input').first()).fill(value)
}

// The API as the mini-program calls it: a bearer token from a `dev:` wx.login code of the fake WeChat.
let nonce = 0
export async function login(base, openid) {
  const resp = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: `dev:${openid}:${Date.now()}${nonce++}` }),
  })
  if (!resp.ok) throw new Error(`login ${openid}: ${resp.status} ${await resp.text()}`)
  const body = await resp.json()
  return { token: body.access_token, user: body.user }
}

export async function api(base, token, method, path, body, headers = {}) {
  const resp = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await resp.text()
  if (!resp.ok) throw new Error(`${method} ${path}: ${resp.status} ${text}`)
  return text ? JSON.parse(text) : null
}

export async function orderWish(base, resident, title) {
  return api(base, resident.token, 'POST', '/api/v1/wishes', { category_id: 1, title, content: `${title}，谢谢` }, {
    'Idempotency-Key': `console-${Date.now()}-${nonce++}`,
  })
}

// Signed in through the dev picker (development only) as one of the demo staff.
export async function pickIn(page, openid) {
  await page.goto('/console/')
  await page.locator(`[data-test="dev-pick-${openid}"]`).click()
  await page.locator('[data-test="whoami"]').waitFor()
}

// One option of an Element Plus select, chosen as a person would: open it, click the label.
export async function chooseOption(page, selectTestId, label) {
  await page.locator(`[data-test="${selectTestId}"]`).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click()
}

// A screen of the top bar: the volunteering screens sit under its 志愿服务 menu, opened first.
export async function navTo(page, testId) {
  const item = page.locator(`[data-test="${testId}"]`)
  if (!(await item.isVisible())) await page.locator('[data-test="nav-volunteering"]').click()
  await item.click()
}

// A small PNG made here, for uploads: a band of `top` colour (RGB) over a band of `bottom`, split at `split` of the
// height (a sky over a floor, a classroom wall over its floor).
export function png(top, bottom, width = 200, height = 150, split = 0.6) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const rows = []
  for (let y = 0; y < height; y++) {
    const color = y < height * split ? top : bottom
    rows.push(Buffer.from([0, ...Array.from({ length: width }, () => color).flat()]))
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}
