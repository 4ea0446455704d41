// The secretary's day in a real browser (Debian's Chromium) against a live server with demo data: bulk dispatch to a
// member (who accepts through the API, as the mini-program would) and to a grid's pool, 报到 approvals, the roster
// and a service QR code, the printable grid map, word search, and a resident's new wish appearing in the open queue
// without a reload. Screenshots at 1366×768 in console/test-output/screenshots/ (secretary-*.png).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { api, chooseOption, login, newPage, orderWish, shot, SHOTS, startBrowser, startServer } from './live.mjs'

let server
let browser
before(async () => {
  server = await startServer()
  browser = await startBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

// Signed in by the dev picker, on the 工作台 with its live event stream open.
async function signedIn() {
  const { page, errors } = await newPage(browser, server.url)
  await page.goto('/console/')
  const stream = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/events') && r.status() === 200)
  await page.locator('[data-test="dev-pick-demo-secretary-jinyang"]').click()
  await page.locator('[data-test="whoami"]').waitFor()
  await stream
  return { page, errors }
}

function row(page, text) {
  return page.locator('[data-test="queue"] .el-table__row', { hasText: text })
}

async function report(openid, grid, realName) {
  const who = await login(server.url, openid) // a new WeChat user: a resident who reports as a party member
  const body = {
    community_id: grid.parent_id,
    grid_id: grid.id,
    real_name: realName,
    workplace: '榆林市第一中学',
    party_org: '一中党总支',
    skills: ['辅导功课', '修电脑'],
  }
  return { who, report: await api(server.url, who.token, 'POST', '/api/v1/member-reports', body) }
}

async function jinyangGrids(token) {
  const communities = await api(server.url, token, 'GET', '/api/v1/orgs?level=community')
  const jinyang = communities.find((c) => c.name === '金阳社区')
  return api(server.url, token, 'GET', `/api/v1/orgs?parent_id=${jinyang.id}`)
}

test('bulk dispatch of three wishes; the member accepts them and the queue shows it without a reload', async () => {
  const resident = await login(server.url, 'demo-resident-jinyang-1')
  const wishes = []
  for (const title of ['代买降压药', '代买大米', '代取快递']) wishes.push(await orderWish(server.url, resident, title))
  const { page, errors } = await signedIn()
  await page.goto('/console/#/?status=ordered')
  for (const w of wishes) await row(page, w.number).locator('.el-checkbox').click()
  await page.locator('[data-test="bulk-open"]').click()
  await chooseOption(page, 'bulk-member', '张建国')
  await shot(page, 'secretary-01-bulk-member')
  await page.locator('[data-test="bulk-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已派单 3 个心愿' }).waitFor()

  await page.goto('/console/#/')
  await page.evaluate(() => (window.__sameDocument = true))
  const member = await login(server.url, 'demo-member-jinyang-1')
  const tasks = await api(server.url, member.token, 'GET', '/api/v1/wishes?scope=assigned&status=dispatched&limit=50')
  for (const w of wishes) {
    assert.ok(tasks.items.some((t) => t.id === w.id), `${w.number} is among the member's tasks`)
    await api(server.url, member.token, 'POST', `/api/v1/wishes/${w.id}/accept`, {})
  }
  // Live: the queue reloads by itself as the acceptances are announced.
  for (const w of wishes) await row(page, w.number).locator('.el-tag', { hasText: '服务中' }).waitFor()
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload')
  await shot(page, 'secretary-02-accepted')
  assert.deepEqual(errors, [])
})

test('bulk dispatch to a grid\'s pool, which its members see', async () => {
  const resident = await login(server.url, 'demo-resident-jinyang-2')
  const wishes = [await orderWish(server.url, resident, '楼道灯坏了'), await orderWish(server.url, resident, '帮忙搬花盆')]
  const { page, errors } = await signedIn()
  await page.goto('/console/#/?status=ordered')
  for (const w of wishes) await row(page, w.number).locator('.el-checkbox').click()
  await page.locator('[data-test="bulk-open"]').click()
  await page.locator('[data-test="bulk-kind-pool"]').click()
  await chooseOption(page, 'bulk-grid', '第二网格')
  await shot(page, 'secretary-03-bulk-pool')
  await page.locator('[data-test="bulk-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已派单 2 个心愿' }).waitFor()
  const second = await login(server.url, 'demo-member-jinyang-2') // 李红梅, of 第二网格
  const pool = await api(server.url, second.token, 'GET', '/api/v1/wishes?scope=pool&limit=50')
  assert.deepEqual(new Set(pool.items.map((w) => w.id)), new Set(wishes.map((w) => w.id)))
  const first = await login(server.url, 'demo-member-jinyang-1') // 张建国, of 第一网格: not his grid's pool
  assert.equal((await api(server.url, first.token, 'GET', '/api/v1/wishes?scope=pool')).items.length, 0)
  assert.deepEqual(errors, [])
})

test('报到: approve one, reject one with a reason, and a refusal shown in Chinese', async () => {
  const admin = await login(server.url, 'demo-admin')
  const [, grid2, grid3] = await jinyangGrids(admin.token)
  const approved = await report(`applicant-a-${Date.now()}`, grid2, '高志远')
  const rejected = await report(`applicant-b-${Date.now()}`, grid3, '马小红')
  const raced = await report(`applicant-c-${Date.now()}`, grid3, '周文')
  const { page, errors } = await signedIn()
  await page.locator('[data-test="nav-reports"]').click()
  await page.locator('[data-test="reports"] .el-table__row', { hasText: '高志远' }).waitFor()
  assert.equal(await page.locator('[data-test="reports"] .el-table__row').count(), 3)
  await shot(page, 'secretary-04-reports')

  await page.locator(`[data-test="approve-${approved.report.id}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '已通过 高志远 的报到' }).waitFor()
  await page.locator(`[data-test="reject-${rejected.report.id}"]`).click()
  await page.locator('[data-test="reject-reason"]').fill('不在本社区居住，请向居住地社区报到')
  await shot(page, 'secretary-05-reject-reason')
  await page.locator('[data-test="reject-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已驳回 马小红 的报到' }).waitFor()
  // Someone else decided meanwhile: the API's 409 shows in place, in Chinese.
  await api(server.url, admin.token, 'POST', `/api/v1/member-reports/${raced.report.id}/approve`)
  await page.locator(`[data-test="approve-${raced.report.id}"]`).click()
  await page.locator('[data-test="error"]', { hasText: '周文：操作冲突，请刷新后重试。' }).waitFor()
  await shot(page, 'secretary-06-report-refused')

  const me = await api(server.url, approved.who.token, 'GET', '/api/v1/me')
  assert.deepEqual(me.roles.map((r) => [r.role, r.org_name]), [['member', '金阳社区']])
  await page.locator('[data-test="report-tabs"] .el-tabs__item', { hasText: '已驳回' }).click()
  await page.locator('[data-test="reports"] .el-table__row', { hasText: '不在本社区居住' }).waitFor()
  // The one error is the refusal provoked above, which Chromium logs as a failed request.
  assert.deepEqual(errors, ['console: Failed to load resource: the server responded with a status of 409 (Conflict)'])
})

test('the roster with hours, tasks and skills, and a member\'s service QR code', async () => {
  const admin = await login(server.url, 'demo-admin')
  const community = (await jinyangGrids(admin.token))[0].parent_id
  const zhangOf = async () =>
    (await api(server.url, admin.token, 'GET', `/api/v1/members?org_id=${community}`)).find((m) => m.real_name === '张建国')
  const before = await zhangOf() // the demo data's history counts too
  const member = await login(server.url, 'demo-member-jinyang-1') // 张建国 finishes one of his tasks: 90 minutes
  const accepted = await api(server.url, member.token, 'GET', '/api/v1/wishes?scope=assigned&status=accepted')
  await api(server.url, member.token, 'POST', `/api/v1/wishes/${accepted.items[0].id}/complete`, { service_minutes: 90 })
  const { page, errors } = await signedIn()
  await page.locator('[data-test="nav-roster"]').click()
  const zhang = page.locator('[data-test="roster"] .el-table__row', { hasText: '张建国' })
  await zhang.waitFor()
  const cells = await zhang.locator('td').allInnerTexts()
  assert.deepEqual(cells.slice(0, 2), ['张建国', '第一网格'])
  assert.match(cells[3], /跑腿代购/)
  const hours = ((before.service_minutes + 90) / 60).toFixed(1)
  // in hand, done, hours: one task fewer in hand, one more done, 1.5 hours more
  assert.deepEqual(cells.slice(4, 7), [String(before.active_tasks - 1), String(before.done_tasks + 1), hours])
  await shot(page, 'secretary-07-roster')
  await zhang.locator('button', { hasText: '查看' }).click()
  const image = page.locator('[data-test="qrcode-image"]')
  await image.waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test="qrcode-image"]')?.naturalWidth > 0)
  await shot(page, 'secretary-08-qrcode')
  assert.deepEqual(errors, [])
})

test('the grid service map prints one A4 page per grid, with every member\'s QR code', async () => {
  const admin = await login(server.url, 'demo-admin')
  const grids = await jinyangGrids(admin.token)
  const members = await api(server.url, admin.token, 'GET', `/api/v1/members?org_id=${grids[0].parent_id}`)
  const { page, errors } = await signedIn()
  await page.locator('[data-test="nav-grid-map"]').click()
  await page.locator('[data-test="grid-map-state"]', { hasText: '每个网格一页' }).waitFor()
  assert.equal(await page.locator('[data-test="sheet"]').count(), grids.length)
  const loaded = await page.$$eval('[data-test="sheet-qrcode"]', (imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0))
  assert.deepEqual(loaded, members.map(() => true))
  await shot(page, 'secretary-09-grid-map')

  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('header.top').isVisible(), false, 'no console chrome in print')
  assert.equal(await page.locator('[data-test="print"]').isVisible(), false)
  const breaks = await page.$$eval('[data-test="sheet"]', (sheets) => sheets.map((s) => getComputedStyle(s).breakAfter))
  assert.deepEqual(breaks, [...grids.slice(1).map(() => 'page'), 'auto'])
  await page.setViewportSize({ width: 794, height: 1123 }) // A4 at 96 dpi: the pages as they print
  await page.screenshot({ path: join(SHOTS, 'secretary-10-grid-map-print.png'), fullPage: true })
  const pdf = join(SHOTS, 'secretary-grid-map.pdf')
  writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }))
  const pages = readFileSync(pdf, 'latin1').match(/\/Type\s*\/Page[^s]/g) ?? []
  assert.equal(pages.length, grids.length, 'one A4 page per grid')
  assert.deepEqual(errors, [])
})

test('word search, kept in the URL', async () => {
  const resident = await login(server.url, 'demo-resident-jinyang-3')
  const tap = await orderWish(server.url, resident, '厨房水管漏水')
  await orderWish(server.url, resident, '陪老人去医院')
  const { page, errors } = await signedIn()
  await page.locator('[data-test="filter-words"]').fill('水管')
  await page.locator('[data-test="filter-words"]').press('Enter')
  await row(page, tap.number).waitFor()
  await page.waitForFunction(() => document.querySelectorAll('[data-test="queue"] .el-table__row').length === 1)
  assert.equal(decodeURIComponent(new URL(page.url()).hash), '#/?q=水管')
  await shot(page, 'secretary-11-search')
  await page.reload()
  await row(page, tap.number).waitFor()
  assert.equal(await page.locator('[data-test="filter-words"]').inputValue(), '水管')
  assert.deepEqual(errors, [])
})

test('a resident\'s new wish appears in the open queue without a reload', async () => {
  const { page, errors } = await signedIn()
  await page.goto('/console/#/?status=ordered')
  await page.locator('[data-test="queue"]').waitFor()
  await page.evaluate(() => (window.__sameDocument = true))
  const before = await page.locator('[data-test="today"] .n').first().innerText()
  const resident = await login(server.url, 'demo-resident-jinyang-2')
  const wish = await orderWish(server.url, resident, '独居老人家中停电')
  await row(page, wish.number).waitFor({ timeout: 10_000 })
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload')
  assert.equal(Number(await page.locator('[data-test="today"] .n').first().innerText()), Number(before) + 1)
  await shot(page, 'secretary-12-live')
  assert.deepEqual(errors, [])
})
