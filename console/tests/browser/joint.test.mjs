// 共驻共建 in a real browser against the live server's demo data (app/seed_joint.py): the community secretary lists a
// need, adopts a unit's resource (the unit confirms through the API) and then drops it with a reason, confirms a
// unit's claim and takes it through start, progress, complete and a rating; the street admin reads the units with
// their contacts and council seats and the projects of their communities; the district admin reads the figures.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, chooseOption, fillIn, login, newPage, pickIn, shot, startBrowser, startServer } from './live.mjs'

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

const statusIs = (page, label) => page.locator('[data-test="project-status"]', { hasText: label }).waitFor()

async function act(page, action, fill) {
  await page.locator(`[data-test="action-${action}"]`).click()
  if (fill) {
    await fill()
    await page.locator('[data-test="act-confirm"]').click()
  }
}

test('the secretary lists a need, adopts a resource that the unit confirms, then drops it with a reason', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.locator('[data-test="nav-joint"]').click()
  await page.locator('[data-test="projects-table"] .el-table__row').first().waitFor()
  assert.equal(await page.locator('[data-test="joint-community"]').innerText(), '金阳社区')
  await shot(page, 'joint-01-projects-secretary')

  await page.goto('/console/#/joint?tab=needs')
  await page.locator('[data-test="needs-table"] .el-table__row', { hasText: '楼道照明改造' }).waitFor()
  await page.locator('[data-test="need-create"]').click()
  await fillIn(page, 'need-title', '健身器材维修')
  await fillIn(page, 'need-content', '小区广场3件健身器材损坏，需要检修更换')
  await fillIn(page, 'need-beneficiaries', '晨练居民')
  await shot(page, 'joint-02-need-dialog')
  await page.locator('[data-test="need-submit"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已发布需求「健身器材维修」' }).waitFor()
  const row = page.locator('[data-test="needs-table"] .el-table__row', { hasText: '健身器材维修' })
  assert.match(await row.innerText(), /待认领/)
  await shot(page, 'joint-03-needs')

  await page.goto('/console/#/joint?tab=resources')
  const resource = page.locator('[data-test="resources-table"] .el-table__row', { hasText: '电工志愿服务队' })
  await resource.waitFor()
  assert.match(await resource.innerText(), /国网榆阳供电公司/)
  // The playground 金阳社区 adopted in the demo (still waiting for the school) links to its project instead.
  const playground = page.locator('[data-test="resources-table"] .el-table__row', { hasText: '周末开放操场' })
  assert.deepEqual(await playground.locator('button').allInnerTexts(), ['已采纳 ›'])
  await shot(page, 'joint-04-resources')
  await resource.locator('button', { hasText: '采纳' }).click()
  await fillIn(page, 'adopt-note', '为独居老人检修线路')
  await page.locator('[data-test="adopt-confirm"]').click()
  await statusIs(page, '待确认')
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), ['终止'])
  const id = Number(/projects\/(\d+)/.exec(page.url())[1])

  // The unit's contact confirms in the mini-program (the API); the secretary's page then offers 开始实施 and 终止.
  const contact = await login(server.url, 'demo-unit-power')
  await api(server.url, contact.token, 'POST', `/api/v1/joint/projects/${id}/confirm`)
  await page.reload()
  await statusIs(page, '已确认')
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), ['开始实施', '终止'])
  await act(page, 'drop', () => fillIn(page, 'act-reason', '老人已搬离，暂不需要'))
  await statusIs(page, '已终止')
  const timeline = await page.locator('[data-test="timeline"]').innerText()
  assert.match(timeline, /采纳资源（社区 · 金阳社区书记）/)
  assert.match(timeline, /确认（驻区单位 · 供电公司赵工）/)
  assert.match(timeline, /老人已搬离，暂不需要/)
  await shot(page, 'joint-05-project-dropped')
  assert.deepEqual(errors, [])
})

test("the secretary confirms a unit's claim and takes it to done and a rating", async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.goto('/console/#/joint?tab=projects')
  await page.locator('[data-test="projects-table"] .el-table__row', { hasText: '暑期儿童托管' }).click()
  await statusIs(page, '待确认')
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), ['确认', '终止'])
  await shot(page, 'joint-06-project-proposed')
  await act(page, 'confirm')
  await statusIs(page, '已确认')
  await act(page, 'start')
  await statusIs(page, '实施中')
  await act(page, 'progress', () => fillIn(page, 'act-note', '第一期托管班开班，28名学生'))
  await page.locator('[data-test="timeline"]', { hasText: '第一期托管班开班' }).waitFor()
  await act(page, 'complete', () => fillIn(page, 'act-note', '暑期托管圆满结束'))
  await statusIs(page, '已完成')
  await page.locator('[data-test="action-rate"]').click()
  await page.locator('[data-test="act-score"] .el-rate__item').nth(3).click()
  await fillIn(page, 'act-comment', '家长满意')
  await shot(page, 'joint-07-rate-dialog')
  await page.locator('[data-test="act-confirm"]').click()
  await page.locator('[data-test="project-rating"]').waitFor()
  assert.deepEqual(await page.locator('[data-test="actions"] button').allInnerTexts(), [])
  const steps = await page.locator('[data-test="timeline"] .el-timeline-item').allInnerTexts()
  assert.deepEqual(
    steps.map((s) => s.split('\n')[0].replace(/（.*$/, '')),
    ['认领需求', '确认', '开始实施', '记录进展', '完成', '评价'],
  )
  await shot(page, 'joint-08-project-rated')
  assert.deepEqual(errors, [])
})

test('the street admin reads units with contacts and council seats, and the projects of the street', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin-xinminglou')
  await page.goto('/console/#/joint?tab=units')
  const hospital = page.locator('[data-test="units-table"] .el-table__row', { hasText: '榆阳区人民医院' })
  await hospital.waitFor()
  assert.match(await hospital.innerText(), /区医院李医生/)
  assert.match(await hospital.innerText(), /新明楼街道党建联席会[\s\S]*李卫东、张敏/)
  await shot(page, 'joint-09-units-street')
  await page.goto('/console/#/joint?tab=projects')
  await page.locator('[data-test="projects-table"] .el-table__row').first().waitFor()
  const communities = await page.locator('[data-test="projects-table"] .el-table__row td:nth-child(2)').allInnerTexts()
  assert.deepEqual([...new Set(communities)], ['万佛楼社区'])
  // Picking a community narrows the needs to it.
  await page.goto('/console/#/joint?tab=needs')
  await chooseOption(page, 'community-picker', '万佛楼社区')
  await page.locator('[data-test="needs-table"] .el-table__row', { hasText: '困难家庭冬季取暖' }).waitFor()
  await shot(page, 'joint-10-needs-street')
  assert.deepEqual(errors, [])
})

test("the district's figures: N projects, M units, and projects by status", async () => {
  const admin = await login(server.url, 'demo-admin')
  const district = (await api(server.url, admin.token, 'GET', '/api/v1/orgs?level=district'))[0]
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.goto('/console/#/joint?tab=figures')
  const sentence = page.locator('[data-test="joint-sentence"]')
  await sentence.waitFor()
  const today = new Date()
  const pad = (n) => String(n).padStart(2, '0')
  const until = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
  const q = `org_id=${district.id}&since=${today.getFullYear()}-01-01&until=${until}`
  const figures = await api(server.url, admin.token, 'GET', `/api/v1/joint/figures?${q}`)
  assert.ok(figures.projects > 0)
  assert.equal(
    await sentence.innerText(),
    `榆阳区在所选时间内共有共建项目 ${figures.projects} 个，${figures.units} 家驻区单位参与。`,
  )
  await page.locator('[data-test="chart"] canvas').waitFor()
  await shot(page, 'joint-11-figures-district')
  assert.deepEqual(errors, [])
})
