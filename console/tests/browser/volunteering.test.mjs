// The secretary's volunteering in a real browser (Debian's Chromium) against a live server with the demo data
// (app/seed_volunteering.py): an activity published from the form; members sign up through the API as the
// mini-program would; the roster; the full-screen check-in code, whose QR code turns at its expires_at and whose
// count goes up when a member scans; a waiting 补卡 approved; an hours correction; points rates and a bonus; the
// 爱心超市's waiting order collected and a new item. Screenshots at 1366×768 (volunteering-*.png).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, chooseOption, login, navTo, newPage, pickIn, shot, startBrowser, startServer } from './live.mjs'

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

const row = (page, table, text) => page.locator(`[data-test="${table}"] .el-table__row`, { hasText: text })
const numberInput = (page, id) => page.locator(`[data-test="${id}"] input, input[data-test="${id}"]`).first()

async function openActivity(page, tab, title) {
  await page.goto(`/console/#/activities?status=${tab}`)
  await row(page, 'activities', title).click()
  await page.locator('[data-test="activity-title"]', { hasText: title }).waitFor()
}

test('publish an activity, its roster, the rotating check-in code and the live count', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await navTo(page, 'nav-activities')
  await row(page, 'activities', '居民健康屋义诊').waitFor()
  await row(page, 'activities', '智能手机课助教').waitFor()
  await row(page, 'activities', '居民健康屋义诊').locator('[data-test="makeups-waiting"]', { hasText: '1 条补卡待审' }).waitFor()
  assert.equal(await row(page, 'activities', '环境整治').count(), 0, 'the finished one is under 已结束')
  await shot(page, 'volunteering-01-list')

  await page.locator('[data-test="activity-create"]').click()
  await page.locator('[data-test="form-submit"]').click() // empty: the API's 422 in Chinese, nothing created
  await page.locator('[data-test="form-error"]', { hasText: '填写的内容有误' }).waitFor()
  await page.locator('[data-test="form-title"]').fill('金阳社区义务植树')
  await page.locator('[data-test="form-address"]').fill('金阳社区北门绿化带')
  await numberInput(page, 'form-seats').fill('5')
  await numberInput(page, 'form-seats').press('Tab')
  await page.locator('[data-test="form-content"]').fill('补种绿化带树苗，工具由社区提供。')
  await shot(page, 'volunteering-02-form')
  await page.locator('[data-test="form-submit"]').click()
  await page.locator('[data-test="activity-title"]', { hasText: '金阳社区义务植树' }).waitFor()
  const id = Number(/activities\/(\d+)/.exec(page.url())[1])

  const zhang = await login(server.url, 'demo-member-jinyang-1')
  const wang = await login(server.url, 'demo-member-jinyang-3')
  for (const m of [zhang, wang]) await api(server.url, m.token, 'POST', `/api/v1/activities/${id}/signup`, {})
  await page.reload()
  await row(page, 'roster', '张建国').waitFor()
  await row(page, 'roster', '王志强').waitFor()
  assert.equal(await page.locator('[data-test="seats"]').innerText(), '2 / 5')
  await shot(page, 'volunteering-03-roster')

  const [screen] = await Promise.all([page.context().waitForEvent('page'), page.locator('[data-test="open-checkin"]').click()])
  const qr = screen.locator('[data-test="checkin-qr"]')
  await qr.waitFor()
  await screen.locator('[data-test="checkin-title"]', { hasText: '金阳社区义务植树' }).waitFor()
  await screen.locator('[data-test="count-signed-up"]', { hasText: '2' }).waitFor()
  assert.equal(await screen.locator('[data-test="count-present"]').innerText(), '0')
  assert.equal(await screen.locator('header.top').count(), 0, 'no console header on the event screen')
  const box = await qr.boundingBox()
  assert.ok(box.width > 400 && box.height > 400, `the code fills the screen: ${box.width}×${box.height}`)

  // 张建国 scans: the code the secretary's screen shows now (as the organiser's API gives it) checks him in.
  const secretary = await login(server.url, 'demo-secretary-jinyang')
  const { code } = await api(server.url, secretary.token, 'GET', `/api/v1/activities/${id}/checkin-code`)
  await api(server.url, zhang.token, 'POST', `/api/v1/activities/${id}/check-in`, { code })
  await screen.locator('[data-test="count-present"]', { hasText: '1' }).waitFor({ timeout: 10_000 })
  await shot(screen, 'volunteering-04-checkin-screen')

  // The code turns at its expires_at: a new picture, without a reload.
  const first = { expires: await qr.getAttribute('data-expires'), src: await qr.getAttribute('src') }
  await screen.waitForFunction(
    (before) => document.querySelector('[data-test="checkin-qr"]')?.getAttribute('data-expires') !== before,
    first.expires,
    { timeout: 40_000 },
  )
  assert.notEqual(await qr.getAttribute('src'), first.src)
  assert.ok(new Date(await qr.getAttribute('data-expires')) > new Date(first.expires))

  await page.reload()
  await row(page, 'roster', '张建国').locator('.el-tag', { hasText: '已签到' }).waitFor()
  // The one error: the empty form's 422, which the dialog showed in Chinese.
  assert.equal(errors.length, 1, errors.join('\n'))
  assert.match(errors[0], /status of 422/)
})

test('a waiting 补卡 approved, and an hours correction with a reason', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await openActivity(page, 'published', '居民健康屋义诊')
  const waiting = row(page, 'makeups', '李红梅')
  await waiting.locator('button', { hasText: '同意' }).waitFor()
  await shot(page, 'volunteering-05-makeup')
  await waiting.locator('button', { hasText: '同意' }).click()
  await page.locator('[data-test="notice"]', { hasText: '已同意 李红梅 的补卡' }).waitFor()
  await waiting.locator('.el-tag', { hasText: '已同意' }).waitFor()
  await row(page, 'roster', '李红梅').locator('.el-tag', { hasText: '已签到' }).waitFor()

  await openActivity(page, 'finished', '金阳社区环境整治')
  const li = row(page, 'roster', '李红梅')
  await li.getByText('2 小时', { exact: true }).waitFor() // 09:20 to 11:20
  assert.equal(await row(page, 'roster', '王志强').locator('button', { hasText: '调整时长' }).count(), 0)
  await li.locator('button', { hasText: '调整时长' }).click()
  await numberInput(page, 'correct-minutes').fill('15')
  await numberInput(page, 'correct-minutes').press('Tab')
  await page.locator('[data-test="correct-reason"]').fill('提前到场布置工具')
  await shot(page, 'volunteering-06-correct')
  await page.locator('[data-test="correct-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已调整 李红梅 的时长，现为 135 分钟' }).waitFor()
  await li.getByText('2 小时 15 分').waitFor()
  assert.deepEqual(errors, [])
})

test('points: the rates, and a bonus with a reason', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await navTo(page, 'nav-points')
  await row(page, 'balances', '王志强').waitFor()
  assert.equal(await numberInput(page, 'rate-hour').inputValue(), '10')
  assert.equal(await numberInput(page, 'rate-wish').inputValue(), '5')
  const wang = row(page, 'balances', '王志强')
  assert.equal(await wang.locator('b').innerText(), '0')
  await wang.locator('button', { hasText: '奖励' }).click()
  await numberInput(page, 'adjust-points').fill('8')
  await numberInput(page, 'adjust-points').press('Tab')
  await page.locator('[data-test="adjust-reason"]').fill('协助搬运过冬物资')
  await shot(page, 'volunteering-07-bonus')
  await page.locator('[data-test="adjust-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已奖励 王志强 8 分，现有 8 分' }).waitFor()
  assert.equal(await wang.locator('b').innerText(), '8')
  await shot(page, 'volunteering-08-points')
  const member = await login(server.url, 'demo-member-jinyang-3')
  const entries = await api(server.url, member.token, 'GET', '/api/v1/points/entries')
  assert.deepEqual([entries.items[0].kind, entries.items[0].points, entries.items[0].reason], ['bonus', 8, '协助搬运过冬物资'])
  assert.deepEqual(errors, [])
})

test('the 爱心超市: a waiting order collected, a new item on the shelf', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await navTo(page, 'nav-shop')
  const order = row(page, 'orders', '洗衣液')
  await order.getByText('张建国').waitFor()
  await shot(page, 'volunteering-09-shop')
  await order.locator('button', { hasText: '确认领取' }).click()
  await page.locator('[data-test="notice"]', { hasText: '张建国 已领取「洗衣液」' }).waitFor()
  assert.equal(await row(page, 'orders', '洗衣液').count(), 0)
  await page.locator('[data-test="order-tabs"] .el-tabs__item', { hasText: '已领取' }).click()
  await row(page, 'orders', '洗衣液').waitFor()

  await page.locator('[data-test="item-name"]').fill('酱油')
  await numberInput(page, 'item-price').fill('15')
  await numberInput(page, 'item-stock').fill('12')
  await numberInput(page, 'item-stock').press('Tab')
  await page.locator('[data-test="item-add-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已上架「酱油」' }).waitFor()
  await row(page, 'items', '酱油').getByText('12', { exact: true }).waitFor()
  await shot(page, 'volunteering-10-shop-after')
  const zhang = await login(server.url, 'demo-member-jinyang-1')
  const mine = await api(server.url, zhang.token, 'GET', '/api/v1/shop/redemptions')
  assert.equal(mine.find((r) => r.item_name === '洗衣液').status, 'collected')
  assert.deepEqual(errors, [])
})

test('the district admin picks a community and reads its activities', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await navTo(page, 'nav-activities')
  await chooseOption(page, 'community-picker', '金阳社区')
  await row(page, 'activities', '居民健康屋义诊').click()
  await page.locator('[data-test="activity-title"]', { hasText: '居民健康屋义诊' }).waitFor()
  assert.match(page.url(), /community=\d+/, 'the community stays in the URL')
  await page.locator('a.back').click()
  await row(page, 'activities', '智能手机课助教').waitFor()
  await shot(page, 'volunteering-11-admin')
  assert.deepEqual(errors, [])
})
