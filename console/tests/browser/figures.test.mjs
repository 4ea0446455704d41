// Street and district figures in a real browser as the demo district admin: the charts drawn (canvases with
// paint on them), drilling down district → street → community by the table and back up by the breadcrumb, the
// 督办 lists with whom the sweeper told, the ranking, and exports downloaded with their progress shown.
// Screenshots at 1366×768 go to console/test-output/screenshots/.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, test } from 'node:test'
import { newPage, pickIn, shot, startBrowser, startServer } from './live.mjs'

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

// Pixels with any paint on a chart's canvas (ECharts draws on a transparent canvas).
async function painted(page, chart) {
  const canvas = page.locator(`[data-test="${chart}"] canvas`).first()
  await canvas.waitFor()
  await page.waitForTimeout(1200) // the charts' entry animation
  return canvas.evaluate((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height)
    let n = 0
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1
    return n
  })
}

async function trail(page) {
  return (await page.locator('[data-test="trail"]').innerText()).replace(/\s+/g, '')
}

test('the district admin reads every street’s rates as charts and drills down to a community', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.locator('[data-test="nav-figures"]').click()
  await page.locator('[data-test="rates-table"]', { hasText: '新明楼街道' }).first().waitFor()
  assert.equal(await trail(page), '榆阳区')
  assert.ok((await painted(page, 'chart-compare')) > 2000, 'the streets’ bar chart is drawn')
  assert.ok((await painted(page, 'chart-trend')) > 2000, 'the monthly line chart is drawn')
  const cards = await page.locator('[data-test="cards"]').innerText()
  assert.match(cards, /响应率/)
  assert.match(cards, /\d+\.\d%/)
  await shot(page, '10-figures-district')

  // A click on a street's bars goes one level down (the tallest, 驼峰路街道, is the first of the seven).
  const canvas = page.locator('[data-test="chart-compare"] canvas').first()
  const box = await canvas.boundingBox()
  const center = box.x + 56 + (box.width - 56 - 16) / 14
  const y = box.y + box.height - 90
  const onBar = await canvas.evaluate(
    (c, [xs, y]) => {
      const r = c.getBoundingClientRect()
      const s = c.width / r.width
      const alpha = (x) => c.getContext('2d').getImageData((x - r.left) * s, (y - r.top) * s, 1, 1).data[3]
      return xs.find((x) => alpha(x) > 0)
    },
    [[center - 8, center + 8, center - 24, center + 24], y],
  )
  assert.ok(onBar, 'a bar of the first street is where the axis puts it')
  await page.mouse.click(onBar, y)
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '金阳社区' }).waitFor()
  assert.equal(await trail(page), '榆阳区/驼峰路街道')
  await page.goBack()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '新明楼街道' }).waitFor()

  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '新明楼街道' }).click()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '万佛楼社区' }).waitFor()
  assert.equal(await trail(page), '榆阳区/新明楼街道')
  assert.match(page.url(), /#\/figures\?.*org=\d+/)
  assert.ok((await painted(page, 'chart-compare')) > 2000)
  await shot(page, '11-figures-street')

  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '万佛楼社区' }).click()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '第一网格' }).waitFor()
  assert.equal(await trail(page), '榆阳区/新明楼街道/万佛楼社区')
  await page.getByRole('tab', { name: '按服务类别' }).click()
  assert.ok((await painted(page, 'chart-category')) > 2000)
  await page.getByRole('tab', { name: '各网格明细' }).click()
  await shot(page, '12-figures-community')

  // A reload keeps the level (it is in the URL); the breadcrumb goes back up.
  await page.reload()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '第一网格' }).waitFor()
  const district = page.locator('[data-test="trail"] a', { hasText: '榆阳区' })
  await district.click()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '驼峰路街道' }).waitFor()
  assert.equal(await trail(page), '榆阳区')
  assert.deepEqual(errors, [])
})

test('the overdue and escalated lists say whom the sweeper told; the ranking ranks members', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.goto('/console/#/figures')
  await page.locator('[data-test="tab-supervision"]').click()
  const overdue = page.locator('[data-test="list-overdue"]')
  await overdue.locator('[data-test="notice"]').first().waitFor()
  assert.match(await overdue.innerText(), /已提醒社区书记：金阳社区书记/)
  await shot(page, '13-supervision-overdue')

  await page.getByRole('tab', { name: '已报上级督办' }).click()
  const escalated = page.locator('[data-test="list-escalated"]')
  await escalated.locator('.notice.escalate').first().waitFor()
  const text = await escalated.innerText()
  assert.match(text, /已报新明楼街道督办：新明楼街道管理员/) // 万佛楼 and 定慧寺 have a street admin
  assert.match(text, /已报榆阳区督办：区管理员/) // 驼峰路街道 has none: up to the district
  assert.match(page.url(), /kind=escalated/)
  await shot(page, '14-supervision-escalated')

  await page.locator('[data-test="tab-ranking"]').click()
  await page.locator('[data-test="ranking-table"] .el-table__row').first().waitFor()
  assert.ok((await page.locator('[data-test="ranking-table"] .el-table__row').count()) >= 10)
  assert.ok((await painted(page, 'chart-ranking')) > 2000)
  await shot(page, '15-ranking')
  assert.deepEqual(errors, [])
})

async function exportAs(page, format, screenshot) {
  // The export is held back a moment so that its progress is seen (a district's year takes that long for real).
  await page.route('**/api/v1/stats/export?**', async (route) => {
    await new Promise((ok) => setTimeout(ok, 1500))
    await route.continue()
  })
  await page.locator('[data-test="export-open"]').click()
  const downloading = page.waitForEvent('download')
  await page.locator(`[data-test="export-${format}"]`).click()
  await page.locator('[data-test="export-progress"]').waitFor()
  const progress = await page.locator('[data-test="export-progress"]').innerText()
  if (screenshot) {
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, screenshot)
  }
  const download = await downloading
  await page.locator('[data-test="export-done"]').waitFor()
  await page.unroute('**/api/v1/stats/export?**')
  return { progress, name: download.suggestedFilename(), body: await readFile(await download.path()) }
}

test('exports download with their progress shown, as real CSV and xlsx files', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.goto('/console/#/figures')
  await page.locator('[data-test="rates-table"] .el-table__row').first().waitFor()
  const wishes = Number((await page.locator('[data-test="cards"] .card.wishes .n').innerText()).replace(/\D/g, ''))

  const csv = await exportAs(page, 'csv', '16-export-progress')
  assert.match(csv.progress, /服务器正在生成文件|已接收/)
  assert.match(csv.name, /^心愿明细-榆阳区-\d{8}-\d{8}\.csv$/)
  const text = csv.body.toString('utf8')
  assert.equal(text.charCodeAt(0), 0xfeff, 'a byte-order mark, for Excel')
  const lines = text.slice(1).split('\r\n').filter(Boolean)
  assert.match(lines[0], /^编号,社区,网格,服务类别,标题,状态,创建时间/)
  assert.equal(lines.length - 1, wishes, 'one row per wish of the figures')
  assert.match(lines[1], /^XY-\d{8}-\d+,/)
  assert.match(await page.locator('[data-test="export-done"]').innerText(), /已下载：心愿明细-榆阳区/)

  const xlsx = await exportAs(page, 'xlsx')
  assert.match(xlsx.name, /\.xlsx$/)
  assert.equal(xlsx.body.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip')
  assert.ok(xlsx.body.includes(Buffer.from('xl/worksheets/sheet1.xml')))
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, '17-figures-exported')
  assert.deepEqual(errors, [])
})

test('an export the server refuses is explained in Chinese, in place', async () => {
  const { page } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await page.goto('/console/#/figures')
  await page.locator('[data-test="rates-table"] .el-table__row').first().waitFor()
  await page.route('**/api/v1/stats/export?**', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({ status: 422, code: 'validation_error', detail: '120000 wishes: more than 100000; narrow the window or the org' }),
    }),
  )
  await page.locator('[data-test="export-open"]').click()
  await page.locator('[data-test="export-xlsx"]').click()
  await page.locator('[data-test="export-error"]').waitFor()
  assert.match(await page.locator('[data-test="export-error"]').innerText(), /导出的心愿超过上限/)
  await shot(page, '18-export-refused')
})

test('a street admin sees their street and below; the district is refused in Chinese, in place', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin-xinminglou')
  await page.locator('[data-test="nav-figures"]').click()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '定慧寺社区' }).waitFor()
  assert.equal(await trail(page), '新明楼街道') // the breadcrumb starts where they supervise
  assert.ok((await painted(page, 'chart-compare')) > 2000)
  await shot(page, '19-figures-street-admin')
  assert.deepEqual(errors, [])
  const [district] = await page.evaluate(async () => (await fetch('/api/v1/orgs?level=district')).json())
  await page.goto(`/console/#/figures?org=${district.id}`)
  await page.locator('[data-test="error"]').waitFor()
  assert.match(await page.locator('[data-test="error"]').innerText(), /没有找到该记录，或您无权查看/)
  // The only error the browser logs is the API's 404 itself.
  assert.ok(errors.length > 0 && errors.every((e) => /404/.test(e)), errors.join('\n'))
})

test('a secretary’s 统计督办 is their community’s figures, by grid', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.locator('[data-test="nav-figures"]').click()
  await page.locator('[data-test="rates-table"] .el-table__row', { hasText: '第一网格' }).waitFor()
  assert.equal(await trail(page), '金阳社区')
  assert.ok((await painted(page, 'chart-compare')) > 2000)
  await shot(page, '20-figures-secretary')
  assert.deepEqual(errors, [])
})
