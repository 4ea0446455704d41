// The console in a real browser (Debian's Chromium) against a live server with demo data: signing in by scanning
// (the stub's confirm step driven through the API) and by the dev picker, one dispatch from a wish's page, and a
// bulk dispatch from the 工作台. Screenshots at 1366×768 go to console/test-output/screenshots/.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, chooseOption, login, newPage, orderWish, pickIn, shot, startBrowser, startServer } from './live.mjs'

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

test('sign in by scanning the code, confirmed in the mini-program', async () => {
  const { page, errors } = await newPage(browser, server.url)
  const scripts = []
  page.on('requestfinished', async (r) => {
    if (r.url().endsWith('.js')) scripts.push((await r.sizes()).responseBodySize)
  })
  const ticketAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/tickets'))
  await page.goto('/')
  const { ticket } = await (await ticketAnswer).json()
  await page.locator('[data-test="login-qrcode"]').waitFor()
  await shot(page, '01-login')
  // The sign-in screen's script as sent (gzipped): the README quotes this number.
  const sent = scripts.reduce((a, b) => a + b, 0)
  console.log(`sign-in screen: ${scripts.length} scripts, ${Math.round(sent / 1024)} KiB sent`)
  assert.ok(sent < 200 * 1024, `sign-in screen's scripts grew to ${sent} bytes`)
  // The stub mini-program's confirm page: it reads the ticket, then the secretary taps 确认登录.
  const secretary = await login(server.url, 'demo-secretary-jinyang')
  const view = await api(server.url, secretary.token, 'GET', `/api/v1/console/tickets/${ticket}`)
  assert.equal(view.status, 'pending')
  await api(server.url, secretary.token, 'POST', `/api/v1/console/tickets/${ticket}/confirm`)
  await page.locator('[data-test="whoami"]').waitFor()
  assert.match(await page.locator('[data-test="whoami"]').innerText(), /金阳社区书记/)
  await page.locator('[data-test="today"]').waitFor()
  await shot(page, '02-workbench')
  // The session is a cookie page scripts cannot read.
  assert.equal(await page.evaluate(() => document.cookie), '')
  assert.deepEqual(errors, [])
})

test('a resident who scans is refused, and the console stays signed out', async () => {
  const { page } = await newPage(browser, server.url)
  const ticketAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/tickets'))
  await page.goto('/console/')
  const { ticket } = await (await ticketAnswer).json()
  const resident = await login(server.url, 'demo-resident-jinyang-1')
  await assert.rejects(api(server.url, resident.token, 'POST', `/api/v1/console/tickets/${ticket}/confirm`), /403.*not_staff/)
  await page.waitForTimeout(2000) // a poll or two
  assert.equal(await page.locator('[data-test="whoami"]').count(), 0)
})

test('the secretary dispatches a wish from its page', async () => {
  const resident = await login(server.url, 'demo-resident-jinyang-2')
  const wish = await orderWish(server.url, resident, '帮忙取快递')
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.goto(`/console/#/wishes/${wish.id}`)
  await page.locator('[data-test="timeline"]').waitFor()
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), ['派单', '驳回'])
  await shot(page, '03-wish')
  await page.locator('[data-test="action-dispatch"]').click()
  await chooseOption(page, 'member-select', '张建国')
  await page.locator('[data-test="action-confirm"]').click()
  await page.locator('[data-test="wish-status"]', { hasText: '待接单' }).waitFor()
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), ['撤回'])
  await shot(page, '04-wish-dispatched')
  assert.deepEqual(errors, [])
})

test('bulk dispatch of three wishes to one member, who then sees them', async () => {
  const resident = await login(server.url, 'demo-resident-jinyang-3')
  const wishes = []
  for (const title of ['买菜一', '买菜二', '买菜三']) wishes.push(await orderWish(server.url, resident, title))
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.goto('/console/#/?status=ordered')
  for (const w of wishes) {
    await page.locator('.el-table__row', { hasText: w.number }).locator('.el-checkbox').click()
  }
  await page.locator('[data-test="bulk-open"]').click()
  await chooseOption(page, 'bulk-member', '李红梅')
  await shot(page, '05-bulk-dialog')
  await page.locator('[data-test="bulk-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已派单 3 个心愿' }).waitFor()
  assert.equal(new URL(page.url()).hash, '#/?status=ordered') // the filter stayed in the URL
  await shot(page, '06-bulk-done')
  const member = await login(server.url, 'demo-member-jinyang-2')
  const tasks = await api(server.url, member.token, 'GET', '/api/v1/wishes?scope=assigned&limit=50')
  const mine = new Set(tasks.items.map((w) => w.id))
  assert.ok(wishes.every((w) => mine.has(w.id)), 'the member sees the three dispatched wishes')
  assert.deepEqual(errors, [])
})
