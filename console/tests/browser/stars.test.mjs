// 评星定级 in a real browser against the live server's demo data (app/seed_joint.py: this year's set, four
// assessments along the cycle). The district admin creates next year's indicators; 万佛楼社区's secretary opens the
// self-assessment, scores the people's items with evidence and submits; the street admin sends it back, then
// reviews every item (a changed score refused without a reason) and passes it; the district admin is refused five
// stars by the quota, approves four, publicizes, answers a resident's objection (publishing waits for it), publishes
// and corrects.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, chooseOption, fillIn, login, newPage, pickIn, shot, startBrowser, startServer } from './live.mjs'

let server
let browser
const year = new Date().getFullYear()
const state = {}
before(async () => {
  server = await startServer()
  browser = await startBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const statusIs = (page, label) => page.locator('[data-test="assessment-status"]', { hasText: label }).waitFor()
const actions = (page) => page.locator('[data-test="actions"] button').allInnerTexts()
const HTTP = (code, text) => `console: Failed to load resource: the server responded with a status of ${code} (${text})`

async function step(page, action, { stars, reason } = {}) {
  await page.locator(`[data-test="action-${action}"]`).click()
  if (stars === undefined && reason === undefined) return
  if (stars) await chooseOption(page, 'step-stars', `${stars} 星`)
  if (reason) await fillIn(page, 'step-reason', reason)
  await page.locator('[data-test="step-confirm"]').click()
}

async function saveItem(page, id, points, text) {
  await fillIn(page, `points-${id}`, String(points))
  await page.locator(`[data-test="points-${id}"] input`).press('Tab')
  await fillIn(page, `text-${id}`, text)
  await page.locator(`[data-test="save-${id}"]`).click()
}

test("the district admin reads this year's assessments and creates next year's indicators", async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.locator('[data-test="nav-stars"]').click()
  const rows = page.locator('[data-test="assessments"] .el-table__row')
  await rows.first().waitFor()
  const table = (await rows.allInnerTexts()).map((r) => r.split(/\s+/).filter(Boolean).slice(0, 2).join(' '))
  assert.deepEqual(table.sort(), ['万佛楼社区 待街道审核', '定慧寺社区 待区级审定', '航宇路社区 自评中', '金阳社区 已发布'].sort())
  assert.match(await rows.filter({ hasText: '金阳社区' }).innerText(), /★★★★★/)
  await shot(page, 'stars-01-set-district')

  await page.locator('[data-test="set-create"]').click()
  await fillIn(page, 'item-name-1', '班子建设与组织生活')
  await fillIn(page, 'item-points-1', '40')
  await page.locator('[data-test="item-add"]').click()
  await fillIn(page, 'item-name-2', '阵地建设与规范化')
  await fillIn(page, 'item-points-2', '40')
  await page.locator('[data-test="set-total"]').click() // blur: the input-number takes the value
  await page.locator('[data-test="set-total"]', { hasText: '合计 100 分' }).waitFor()
  await shot(page, 'stars-02-set-dialog')
  await page.locator('[data-test="set-submit"]').click()
  await page.locator('[data-test="notice"]', { hasText: `已创建 ${year + 1} 年度指标` }).waitFor()
  await page.locator('[data-test="set-card"]', { hasText: `${year + 1} 年度指标` }).waitFor()
  assert.match(await page.locator('[data-test="set-card"]').innerText(), /5星不超过 10%；4星不超过 30%/)
  state.set = Number(new URL(page.url().replace('#', '')).searchParams.get('set'))
  assert.ok(state.set > 0)
  await shot(page, 'stars-03-new-set')
  assert.deepEqual(errors, [])
})

test("the community self-scores the people's items with evidence and submits", async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-wanfolou')
  await page.goto(`/console/#/stars?set=${state.set}`)
  await page.locator('[data-test="open-own"]').click()
  await statusIs(page, '自评中')
  state.assessment = Number(/assessments\/(\d+)/.exec(page.url())[1])
  const secretary = await login(server.url, 'demo-secretary-wanfolou')
  const a = await api(server.url, secretary.token, 'GET', `/api/v1/stars/assessments/${state.assessment}`)
  state.items = a.scores.filter((s) => s.measure === null).map((s) => s.indicator_id)
  state.measured = a.scores.find((s) => s.measure !== null).indicator_id
  assert.deepEqual(await actions(page), []) // not every item is scored yet: no 提交审核
  await saveItem(page, state.items[0], 36, '三会一课落实，主题党日每月开展')
  await page.locator('[data-test="notice"]', { hasText: '已保存「班子建设与组织生活」的自评' }).waitFor()
  await saveItem(page, state.items[1], 32, '党群服务站已挂牌，制度上墙')
  await page.locator('[data-test="notice"]', { hasText: '已保存「阵地建设与规范化」的自评' }).waitFor()
  assert.deepEqual(await actions(page), ['提交审核'])
  await shot(page, 'stars-04-self-scored')
  await step(page, 'submit')
  await statusIs(page, '待街道审核')
  assert.equal(await page.locator(`[data-test="points-${state.items[0]}"]`).count(), 0) // no more editing
  assert.deepEqual(errors, [])
})

test('the street sends it back, then reviews each item (a change needs a reason) and passes it', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin-xinminglou')
  await page.goto(`/console/#/stars/assessments/${state.assessment}`)
  await statusIs(page, '待街道审核')
  assert.deepEqual(await actions(page), ['退回修改'])
  await step(page, 'send_back', { reason: '阵地建设佐证不足，请补充照片说明' })
  await statusIs(page, '自评中')
  // The community resubmits (the API, as its secretary would from the console).
  const secretary = await login(server.url, 'demo-secretary-wanfolou')
  const path = `/api/v1/stars/assessments/${state.assessment}`
  await api(server.url, secretary.token, 'PUT', `${path}/scores/${state.items[1]}`, { points: 30, evidence: '已补充活动室照片说明' })
  await api(server.url, secretary.token, 'POST', `${path}/submit`)
  await page.reload()
  await statusIs(page, '待街道审核')

  await page.locator(`[data-test="save-${state.measured}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '的审核' }).waitFor()
  await saveItem(page, state.items[0], 36, '')
  await page.locator('[data-test="notice"]', { hasText: '已保存「班子建设与组织生活」的审核' }).waitFor()
  await fillIn(page, `points-${state.items[1]}`, '26')
  await page.locator(`[data-test="points-${state.items[1]}"] input`).press('Tab')
  await page.locator(`[data-test="save-${state.items[1]}"]`).click()
  await page.locator('[data-test="error"]', { hasText: '阵地建设与规范化：填写的内容有误：原因必须填写（分数与自评不同）' }).waitFor()
  await shot(page, 'stars-05-review-refused')
  await fillIn(page, `text-${state.items[1]}`, '无障碍设施未完善')
  await page.locator(`[data-test="save-${state.items[1]}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '已保存「阵地建设与规范化」的审核' }).waitFor()
  assert.deepEqual(await actions(page), ['退回修改', '审核通过'])
  await step(page, 'review')
  await statusIs(page, '待区级审定')
  assert.match(await page.locator('[data-test="review-total"]').innerText(), /^\d/)
  await shot(page, 'stars-06-reviewed')
  assert.deepEqual(errors, [HTTP(422, 'Unprocessable Entity')])
})

test('the district: quota refused, approve, publicize, answer an objection, publish, correct', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.goto(`/console/#/stars/assessments/${state.assessment}`)
  await statusIs(page, '待区级审定')
  // Four communities and 10% for five stars: none may have five.
  await step(page, 'approve', { stars: 5 })
  await page.locator('[data-test="dialog-error"]', { hasText: '已超出该星级的名额' }).waitFor()
  await shot(page, 'stars-07-quota-refused')
  await chooseOption(page, 'step-stars', '4 星')
  await page.locator('[data-test="step-confirm"]').click()
  await statusIs(page, '已审定')
  assert.equal(await page.locator('[data-test="assessment-stars"]').innerText(), '★★★★☆')
  await step(page, 'publicize')
  await statusIs(page, '公示中')

  const resident = await login(server.url, 'demo-resident-wanfolou-1')
  const objection = await api(server.url, resident.token, 'POST', `/api/v1/stars/assessments/${state.assessment}/objections`, {
    content: '社区活动室周末经常不开门',
  })
  await page.reload()
  await page.locator('[data-test="objections"]', { hasText: '社区活动室周末经常不开门' }).waitFor()
  assert.deepEqual(await actions(page), []) // an open objection: no 发布结果 until it is answered
  await fillIn(page, `answer-${objection.id}`, '已核实，周末开放时间已调整并公示')
  await page.locator(`[data-test="answer-send-${objection.id}"]`).click()
  await page.locator('[data-test="objections"]', { hasText: '答复：已核实' }).waitFor()
  assert.deepEqual(await actions(page), ['发布结果'])
  await shot(page, 'stars-08-objection-answered')
  await step(page, 'publish')
  await statusIs(page, '已发布')
  await step(page, 'correct', { stars: 3, reason: '复核发现组织生活记录不全' })
  await page.locator('[data-test="assessment-stars"]', { hasText: '★★★☆☆' }).waitFor()
  const steps = await page.locator('[data-test="timeline"] .el-timeline-item').allInnerTexts()
  const told = steps.map((s) => s.replace(/\s+/g, ' '))
  for (const line of [
    /开始自评 .*万佛楼社区书记/,
    /退回修改：阵地建设佐证不足.*新明楼街道管理员/,
    /审核「阵地建设与规范化」 26 分：无障碍设施未完善.*新明楼街道管理员/,
    /审定星级 4 星.*区管理员/,
    /提出异议：社区活动室周末经常不开门/,
    /更正星级 3 星：复核发现组织生活记录不全.*区管理员/,
  ]) {
    assert.ok(told.some((s) => line.test(s)), `${line} in ${told.join(' | ')}`)
  }
  await shot(page, 'stars-09-published-corrected')
  assert.deepEqual(errors, [HTTP(409, 'Conflict')])
})
