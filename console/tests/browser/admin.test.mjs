// Administration in a real browser against a live server with demo data: the district admin browses the tree, adds
// a grid, grants a secretary role and revokes it (that person's console is signed out at once); 金阳社区's own admin
// adds a catalog entry of its own beside the district's read-only ones, and issues an Open311 key (shown once) and
// revokes it. Screenshots at 1366×768 in console/test-output/screenshots/.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, login, newPage, pickIn, shot, startBrowser, startServer } from './live.mjs'

let server
let browser
let orgIds
before(async () => {
  server = await startServer()
  browser = await startBrowser()
  const admin = await login(server.url, 'demo-admin')
  const orgs = await api(server.url, admin.token, 'GET', '/api/v1/orgs')
  orgIds = Object.fromEntries(orgs.filter((o) => o.level !== 'grid').map((o) => [o.name, o.id]))
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function openAdmin(page, org, tab) {
  await page.goto(`/console/#/admin?org=${orgIds[org]}&tab=${tab}`)
  await page.locator('[data-test="org-title"]', { hasText: org }).waitFor()
}

async function confirmBox(page) {
  await page.locator('.el-message-box').waitFor()
  await page.locator('.el-message-box__btns .el-button--danger').click()
}

const row = (page, table, text) => page.locator(`[data-test="${table}"] .el-table__row`, { hasText: text })

test('the district admin browses the tree and adds a grid', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.locator('[data-test="nav-admin"]').click()
  await page.locator('[data-test="org-title"]', { hasText: '榆阳区' }).waitFor()
  assert.equal(await row(page, 'children', '街道').count(), 7)
  await page.locator('[data-test="org-tree"] [data-test="org-驼峰路街道"]').click()
  await page.locator('[data-test="org-title"]', { hasText: '驼峰路街道' }).waitFor()
  await row(page, 'children', '金阳社区').click() // down the table: the tree opens to it
  await page.locator('[data-test="org-title"]', { hasText: '金阳社区' }).waitFor()
  assert.match(await page.locator('[data-test="org-path"]').innerText(), /榆阳区.*驼峰路街道.*金阳社区/s)
  await page.locator('[data-test="org-tree"] .is-current', { hasText: '金阳社区' }).waitFor()
  await shot(page, 'admin-01-tree')
  await page.locator('[data-test="add-child"]').click()
  await page.locator('[data-test="add-child-confirm"]').click() // empty: said in place, nothing sent
  await page.locator('[data-test="dialog-error"]', { hasText: '请填写名称' }).waitFor()
  await page.locator('[data-test="child-name"]').fill('第四网格')
  await shot(page, 'admin-02-add-grid')
  await page.locator('[data-test="add-child-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已新增“第四网格”' }).waitFor()
  await row(page, 'children', '第四网格').waitFor()
  await page.locator('[data-test="org-tree"] [data-test="org-第四网格"]').waitFor()
  const admin = await login(server.url, 'demo-admin')
  const grids = await api(server.url, admin.token, 'GET', `/api/v1/orgs?parent_id=${orgIds['金阳社区']}`)
  assert.deepEqual(grids.map((g) => g.name), ['第一网格', '第二网格', '第三网格', '第四网格'])
  assert.deepEqual(errors, [])
})

test('a secretary role granted and revoked; the revoked console is signed out at once', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await openAdmin(page, '金阳社区', 'roles')
  await row(page, 'role-holders', '金阳社区书记').waitFor()
  // A role the person already holds: the API's 409 in Chinese, in place.
  await page.locator('[data-test="grant-open"]').click()
  await page.locator('[data-test="grant-person"]').click()
  await page.keyboard.type('金阳社区书记')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '金阳社区书记' }).click()
  await page.locator('[data-test="grant-confirm"]').click()
  await page.locator('[data-test="dialog-error"]', { hasText: '此人已担任该角色' }).waitFor()
  // The member 王志强, found by name among 金阳社区's people (phone masked), made its secretary.
  await page.locator('[data-test="grant-person"]').click()
  await page.keyboard.type('王志')
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: '王志强' })
  assert.match(await option.innerText(), /王志强（金阳社区）/)
  await option.click()
  await shot(page, 'admin-03-grant')
  await page.locator('[data-test="grant-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已授予“王志强”书记角色' }).waitFor()
  await row(page, 'role-holders', '王志强').waitFor()
  await shot(page, 'admin-04-roles')

  // 王志强 signs in to the console as the new secretary.
  const other = await newPage(browser, server.url)
  await pickIn(other.page, 'demo-member-jinyang-3')
  assert.match(await other.page.locator('[data-test="whoami"]').innerText(), /金阳社区 · 书记/)
  await other.page.locator('[data-test="today"]').waitFor()

  await page.locator('[data-test="revoke-王志强-secretary"]').click()
  await shot(page, 'admin-05-revoke-confirm')
  await confirmBox(page)
  await page.locator('[data-test="notice"]', { hasText: '已撤销“王志强”的书记角色' }).waitFor()
  await row(page, 'role-holders', '王志强').waitFor({ state: 'detached' })

  // Their open console: the next request is refused, and a reload lands on the sign-in screen.
  const status = await other.page.evaluate(async () => (await fetch('/api/v1/console/today')).status)
  assert.equal(status, 401)
  await other.page.reload()
  await other.page.locator('[data-test="login-qrcode"]').waitFor()
  assert.equal(await other.page.locator('[data-test="whoami"]').count(), 0)
  // Chromium logs every refused request; the one here is the 409 provoked above, shown in Chinese in place.
  assert.deepEqual(errors, ['console: Failed to load resource: the server responded with a status of 409 (Conflict)'])
})

test("金阳社区's admin adds its own catalog entry; the district's are read-only there", async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin-jinyang')
  await page.locator('[data-test="nav-admin"]').click()
  await page.locator('[data-test="org-title"]', { hasText: '金阳社区' }).waitFor() // where this admin is appointed
  await page.locator('[data-test="admin-tabs"] .el-tabs__item', { hasText: '服务清单' }).click()
  const errand = row(page, 'catalog', '微心愿代购')
  await errand.waitFor()
  assert.match(await errand.innerText(), /上级（榆阳区）· 只读/)
  assert.equal(await errand.locator('button').count(), 0)
  await page.locator('[data-test="catalog-add"]').click()
  await page.locator('[data-test="catalog-code"]').fill('Hair Cut')
  await page.locator('[data-test="catalog-name"]').fill('义剪服务')
  await page.locator('[data-test="catalog-save"]').click()
  await page.locator('[data-test="dialog-error"]', { hasText: '编码' }).waitFor()
  await page.locator('[data-test="catalog-code"]').fill('jy_haircut')
  await page.locator('[data-test="catalog-description"]').fill('每月第一个周六，党员理发师上门义剪')
  await page.locator('[data-test="catalog-hours"] input, input[data-test="catalog-hours"]').fill('72')
  await shot(page, 'admin-06-catalog-add')
  await page.locator('[data-test="catalog-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已保存“义剪服务”' }).waitFor()
  const own = row(page, 'catalog', '义剪服务')
  assert.match(await own.innerText(), /本级/)
  await own.locator('[data-test="toggle-jy_haircut"]').click()
  await confirmBox(page)
  await own.locator('text=已停用').waitFor()
  await shot(page, 'admin-07-catalog')
  const resident = await login(server.url, 'demo-resident-jinyang-1')
  const offered = await api(server.url, resident.token, 'GET', '/api/v1/categories')
  assert.ok(offered.some((c) => c.code === 'errand') && !offered.some((c) => c.code === 'jy_haircut'))
  // The street above is only browsed: no tabs but its children, no button, whatever the link asks for.
  await openAdmin(page, '驼峰路街道', 'roles')
  await page.locator('text=您不是该组织的管理员').waitFor()
  assert.deepEqual(await page.locator('[data-test="admin-tabs"] .el-tabs__item').allInnerTexts(), ['下级组织'])
  assert.equal(await page.locator('[data-test="add-child"]').count(), 0)
  await shot(page, 'admin-10-not-mine')
  assert.deepEqual(errors, [])
})

test('an Open311 key is shown once, with a copy button, and revoked', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await pickIn(page, 'demo-admin-jinyang')
  await openAdmin(page, '金阳社区', 'keys')
  await page.locator('[data-test="key-create"]').click()
  await page.locator('[data-test="key-name"]').fill('12345市民热线')
  await page.locator('[data-test="key-create-confirm"]').click()
  const secret = await page.locator('[data-test="key-secret"]').inputValue()
  assert.match(secret, /^xy311_[\w-]{40,}$/)
  await page.locator('[data-test="key-copy"]').click()
  await page.locator('[data-test="copy-state"]', { hasText: '已复制到剪贴板' }).waitFor()
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret)
  await shot(page, 'admin-08-key-once')
  await page.locator('[data-test="key-done"]').click()
  await page.locator('[data-test="key-dialog"]').waitFor({ state: 'hidden' })
  const listed = row(page, 'keys', '12345市民热线')
  await listed.waitFor()
  assert.match(await listed.innerText(), new RegExp(`${secret.slice(0, 12)}…`))
  assert.ok(!(await page.content()).includes(secret), 'the key is nowhere in the page once the dialog closed')
  const posted = await fetch(`${server.url}/open311/v2/requests.json`, { headers: { 'X-Api-Key': secret } })
  assert.equal(posted.status, 200)
  await page.locator('[data-test="key-revoke-12345市民热线"]').click()
  await confirmBox(page)
  await page.locator('[data-test="notice"]', { hasText: '已撤销“12345市民热线”的密钥' }).waitFor()
  await listed.locator('text=已撤销').waitFor()
  await shot(page, 'admin-09-keys')
  const refused = await fetch(`${server.url}/open311/v2/requests.json`, { headers: { 'X-Api-Key': secret } })
  assert.equal(refused.status, 403)
  assert.deepEqual(errors, [])
})
