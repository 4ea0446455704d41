// Files and units in 共驻共建 and 评星定级, in a real browser against the live server's demo data: 金阳社区's secretary
// records progress with photos (one removed before sending) and sees them in the timeline, enlarged on a click and
// marked while in review; 航宇路社区's secretary attaches an image and a PDF to a self-score (one more image removed
// before saving), submits, and the district admin, reviewing for the street, sees both and downloads the PDF; the
// street admin creates a unit, edits it, adds a contact, seats it on the council, changes its 兼职委员, then takes
// the seat and the contact away. Screenshots joint-files-*.png.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, chooseOption, fillIn, login, newPage, pickIn, png, shot, startBrowser, startServer } from './live.mjs'

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

// A one-page PDF, whole: the header the API reads first and the %%EOF it reads last.
function pdf() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets = objects.map((o, i) => {
    const at = body.length
    body += `${i + 1} 0 obj\n${o}\nendobj\n`
    return at
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body)
}

const image = (name, top, bottom) => ({ name, mimeType: 'image/png', buffer: png(top, bottom) })
const fileInput = (page, testId) => page.locator(`[data-test="${testId}"] input[type="file"]`)
const loaded = (img) => img.evaluate((el) => el.complete && el.naturalWidth > 0)

async function until(check, what) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`never: ${what}`)
}

test('progress with photos: attach two, remove one, see it in the timeline, enlarged, and in review', async () => {
  const secretary = await login(server.url, 'demo-secretary-jinyang')
  const running = await api(server.url, secretary.token, 'GET', '/api/v1/joint/projects?status=in_progress')
  const project = running.items[0]
  assert.ok(project, 'the demo has a project in progress in 金阳社区')

  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-jinyang')
  await page.goto(`/console/#/joint/projects/${project.id}`)
  await page.locator('[data-test="action-progress"]').click()
  await fillIn(page, 'act-note', '第三次课：教老人用手机挂号，到课26人')
  await fileInput(page, 'act-add-photo').setInputFiles([
    image('课堂.png', [235, 225, 200], [150, 110, 80]),
    image('误选.png', [40, 40, 40], [90, 90, 90]),
  ])
  const thumbs = page.locator('[data-test="act-photos"] [data-test^="photo-"]')
  await until(async () => (await thumbs.count()) === 2, 'two photos attached')
  await page.locator('[data-test="act-photos"]', { hasText: '已添加 2 张照片' }).waitFor()
  await until(async () => (await page.locator('[data-test="act-photos"] img').count()) === 2, 'two thumbnails')
  await shot(page, 'joint-files-01-progress-dialog')
  const ids = (await thumbs.evaluateAll((els) => els.map((e) => e.dataset.test))).map((s) => Number(s.split('-')[1]))
  await page.locator(`[data-test="remove-photo-${ids[1]}"]`).click()
  await page.locator('[data-test="act-photos"]', { hasText: '已添加 1 张照片' }).waitFor()
  await page.locator('[data-test="act-confirm"]').click()

  const entry = page.locator('[data-test="timeline"] .el-timeline-item', { hasText: '第三次课' })
  await entry.waitFor()
  const shown = entry.locator(`[data-test="photo-${ids[0]}"] img`)
  await shown.waitFor()
  await until(() => loaded(shown), 'the thumbnail loaded')
  assert.equal(await entry.locator(`[data-test="photo-${ids[1]}"]`).count(), 0)
  // The API holds exactly the one kept, on that progress entry.
  const detail = await api(server.url, secretary.token, 'GET', `/api/v1/joint/projects/${project.id}`)
  const event = detail.events.at(-1)
  const photos = (await api(server.url, secretary.token, 'GET', `/api/v1/joint/projects/${project.id}/photos`)).items
  assert.deepEqual(photos.filter((p) => p.joint_event_id === event.id).map((p) => p.id), [ids[0]])
  // The demo's own photo of the earlier entry (app/seed_files.py) shows in its place, not in review.
  const earlier = photos.find((p) => p.joint_event_id !== event.id)
  assert.equal(earlier?.status, 'passed')
  await page.locator(`[data-test="event-photos-${earlier.joint_event_id}"] img`).waitFor()

  // No push configured: after 2 s the photo is before the community's secretaries (待复核), and the page says so.
  await until(async () => {
    const items = (await api(server.url, secretary.token, 'GET', `/api/v1/joint/projects/${project.id}/photos`)).items
    return items.find((p) => p.id === ids[0])?.status === 'review'
  }, 'the photo in review')
  await page.reload()
  await page.locator('[data-test="photos-in-review"]').waitFor()
  assert.match(await entry.innerText(), /待复核/)
  await shot(page, 'joint-files-02-timeline-photo')
  await shown.click()
  const large = page.locator('.el-image-viewer__canvas img')
  await large.waitFor()
  await until(() => loaded(large), 'the large photo loaded')
  assert.match(await large.getAttribute('src'), new RegExp(`/media/photos/${ids[0]}/full\\?`))
  await shot(page, 'joint-files-03-photo-enlarged')
  await page.keyboard.press('Escape')

  // The school's contact records an entry with a photo from the mini-program; in review it is before the community,
  // whose secretary removes it here. (Her own upload above has no such buttons: its uploader decides nothing here.)
  assert.equal(await entry.locator(`[data-test="keep-${ids[0]}"]`).count(), 0)
  const teacher = await login(server.url, 'demo-unit-yizhong')
  const form = new FormData()
  form.append('file', new Blob([png([250, 250, 250], [60, 60, 160])], { type: 'image/png' }), 'tmp_wx.png')
  const sent = await fetch(`${server.url}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${teacher.token}` }, body: form })
  const theirs = await sent.json()
  await api(server.url, teacher.token, 'POST', `/api/v1/joint/projects/${project.id}/progress`, {
    note: '第四次课：微信视频通话',
    photo_ids: [theirs.id],
  })
  await until(async () => {
    const items = (await api(server.url, secretary.token, 'GET', `/api/v1/joint/projects/${project.id}/photos`)).items
    return items.some((p) => p.id === theirs.id && p.status === 'review')
  }, "the teacher's photo before the community")
  await page.reload()
  await page.locator(`[data-test="keep-${theirs.id}"]`).waitFor()
  await page.locator(`[data-test="drop-${theirs.id}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '照片已删除' }).waitFor()
  await page.locator(`[data-test="photo-${theirs.id}"]`).waitFor({ state: 'detached' })
  const left = (await api(server.url, teacher.token, 'GET', `/api/v1/joint/projects/${project.id}/photos`)).items
  assert.equal(left.some((p) => p.id === theirs.id), false)
  assert.deepEqual(errors, [])
})

test('a self-score with an image and a PDF as evidence, seen and downloaded by the reviewer', async () => {
  const secretary = await login(server.url, 'demo-secretary-hangyulu')
  const admin = await login(server.url, 'demo-admin')
  const district = (await api(server.url, admin.token, 'GET', '/api/v1/orgs?level=district'))[0]
  const sets = await api(server.url, admin.token, 'GET', `/api/v1/stars/sets?district_id=${district.id}`)
  const set = sets.find((s) => s.year === new Date().getFullYear())
  const draft = (await api(server.url, admin.token, 'GET', `/api/v1/stars/sets/${set.id}/assessments`)).find(
    (x) => x.community.name === '航宇路社区',
  )
  const people = draft.scores.filter((s) => s.measure === null)
  const item = people.find((s) => s.name === '阵地建设与规范化')

  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-secretary-hangyulu')
  await page.goto(`/console/#/stars/assessments/${draft.id}`)
  const cell = `files-${item.indicator_id}`
  await page.locator(`[data-test="${cell}"]`).waitFor()
  await fillIn(page, `points-${item.indicator_id}`, '13')
  await page.locator(`[data-test="points-${item.indicator_id}"] input`).press('Tab')
  await fillIn(page, `text-${item.indicator_id}`, '党群服务站120平方米，制度上墙')
  await fileInput(page, `${cell}-add-photo`).setInputFiles([
    image('服务站.png', [200, 40, 40], [230, 230, 230]),
    image('多余.png', [30, 120, 60], [200, 200, 160]),
  ])
  await fileInput(page, `${cell}-add-document`).setInputFiles({ name: '制度汇编.pdf', mimeType: 'application/pdf', buffer: pdf() })
  const box = page.locator(`[data-test="${cell}"]`)
  await until(async () => (await box.locator('[data-test^="photo-"]').count()) === 2, 'two images')
  await box.locator('[data-test^="document-"]').waitFor()
  await box.locator('text=文件变更在点击「保存」后生效').waitFor()
  const photoIds = (await box.locator('[data-test^="photo-"]').evaluateAll((els) => els.map((e) => e.dataset.test))).map((s) =>
    Number(s.split('-')[1]),
  )
  await page.locator(`[data-test="remove-photo-${photoIds[1]}"]`).click()
  await box.locator('text=文件变更在点击「保存」后生效').scrollIntoViewIfNeeded()
  await shot(page, 'joint-files-04-evidence-draft')
  await page.locator(`[data-test="save-${item.indicator_id}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '已保存「阵地建设与规范化」的自评' }).waitFor()
  await box.locator('text=文件变更在点击「保存」后生效').waitFor({ state: 'detached' })
  const path = `/api/v1/stars/assessments/${draft.id}/scores/${item.indicator_id}/files`
  const saved = await api(server.url, secretary.token, 'GET', path)
  assert.deepEqual(saved.items.map((p) => p.id), [photoIds[0]])
  assert.equal(saved.documents.length, 1)

  // The last people's item through the API as the console would, then submitted for review.
  const rest = people.filter((s) => s.self_points === null && s.indicator_id !== item.indicator_id)
  for (const s of rest) {
    await api(server.url, secretary.token, 'PUT', `/api/v1/stars/assessments/${draft.id}/scores/${s.indicator_id}`, {
      points: 12,
      evidence: '航天科普进社区，全年8场',
    })
  }
  await api(server.url, secretary.token, 'POST', `/api/v1/stars/assessments/${draft.id}/submit`)
  // The reviewers see a photo once it passed or is in review (no push here: review after 2 s).
  await until(async () => (await api(server.url, admin.token, 'GET', path)).items.length === 1, 'the reviewer sees the photo')

  const review = await newPage(browser, server.url)
  await pickIn(review.page, 'demo-admin')
  await review.page.goto(`/console/#/stars/assessments/${draft.id}`)
  const seen = review.page.locator(`[data-test="${cell}"]`)
  const img = seen.locator(`[data-test="photo-${photoIds[0]}"] img`)
  await img.waitFor()
  await until(() => loaded(img), 'the evidence thumbnail loaded')
  const link = seen.locator(`[data-test="document-${saved.documents[0].id}"] a`)
  assert.match(await link.innerText(), /佐证文件 1（PDF，\d+ B）/)
  assert.equal(await seen.locator('button', { hasText: '添加照片' }).count(), 0) // the reviewer does not edit files
  assert.match(await seen.innerText(), /待复核/)
  await review.page.locator(`[data-test="points-${item.indicator_id}"]`).waitFor() // but reviews the points
  await seen.scrollIntoViewIfNeeded()
  await shot(review.page, 'joint-files-05-evidence-review')
  await review.page.locator(`[data-test="keep-${photoIds[0]}"]`).click() // the street's reviewer keeps it
  await review.page.locator('[data-test="notice"]', { hasText: '照片已保留' }).waitFor()
  await seen.locator('text=待复核').waitFor({ state: 'detached' })
  assert.deepEqual((await api(server.url, secretary.token, 'GET', path)).items.map((p) => p.status), ['passed'])
  const [download] = await Promise.all([review.page.waitForEvent('download'), link.click()])
  const bytes = await download.createReadStream().then(async (s) => Buffer.concat(await s.toArray()))
  assert.equal(bytes.subarray(0, 8).toString(), '%PDF-1.4')

  // 金阳社区's published assessment carries the demo's evidence (app/seed_files.py): a photo and the minutes.
  const jinyang = (await api(server.url, admin.token, 'GET', `/api/v1/stars/sets/${set.id}/assessments`)).find(
    (x) => x.community.name === '金阳社区',
  )
  const first = jinyang.scores.find((s) => s.name === '班子建设与组织生活')
  await review.page.goto(`/console/#/stars/assessments/${jinyang.id}`)
  await review.page.reload() // the same screen for another assessment: loaded afresh
  await review.page.locator('[data-test="assessment-status"]', { hasText: '已发布' }).waitFor()
  const demo = review.page.locator(`[data-test="files-${first.indicator_id}"]`)
  await demo.locator('img').waitFor()
  await until(() => loaded(demo.locator('img')), 'the demo evidence loaded')
  assert.match(await demo.innerText(), /佐证文件 1（PDF，\d+ B）/)
  assert.doesNotMatch(await demo.innerText(), /待复核|待安全检查/)
  await demo.scrollIntoViewIfNeeded()
  await shot(review.page, 'joint-files-09-evidence-published')
  assert.deepEqual(errors, [])
  assert.deepEqual(review.errors, [])
})

test('the street admin creates a unit, edits it, adds a contact, seats it and changes then ends the seat', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin-xinminglou')
  await page.goto('/console/#/joint?tab=units')
  await page.locator('[data-test="units-table"] .el-table__row').first().waitFor()
  await page.locator('[data-test="unit-create"]').click()
  await fillIn(page, 'unit-name', '榆阳区图书馆')
  await chooseOption(page, 'unit-kind', '机关事业单位')
  await chooseOption(page, 'unit-org', '万佛楼社区')
  await shot(page, 'joint-files-06-unit-create')
  await page.locator('[data-test="unit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已新增驻区单位「榆阳区图书馆」' }).waitFor()
  const row = page.locator('[data-test="units-table"] .el-table__body-wrapper .el-table__row', { hasText: '图书馆' })
  await row.waitFor()
  const admin = await login(server.url, 'demo-admin-xinminglou')
  const unit = (await api(server.url, admin.token, 'GET', '/api/v1/joint/units?limit=100')).items.find((u) => u.name === '榆阳区图书馆')
  assert.ok(unit)

  await page.locator(`[data-test="unit-edit-${unit.id}"]`).click()
  await fillIn(page, 'unit-name', '榆阳区少儿图书馆')
  await page.locator('[data-test="unit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已保存「榆阳区少儿图书馆」' }).waitFor()

  await page.locator(`[data-test="unit-contact-${unit.id}"]`).click()
  await page.locator('[data-test="contact-person"]').click()
  await page.locator('[data-test="contact-person"] input').fill('刘海涛')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '刘海涛' }).first().click()
  await shot(page, 'joint-files-07-contact-dialog')
  await page.locator('[data-test="unit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已将刘海涛设为「榆阳区少儿图书馆」的联系人' }).waitFor()
  const member = (await api(server.url, admin.token, 'GET', `/api/v1/joint/units/${unit.id}`)).contacts[0]
  assert.equal(member.name, '刘海涛')

  await page.locator(`[data-test="unit-join-${unit.id}"]`).click()
  await chooseOption(page, 'seat-council', '万佛楼社区党建联席会')
  await fillIn(page, 'seat-committee', '王丽、陈晓东')
  await page.locator('[data-test="unit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已加入万佛楼社区党建联席会' }).waitFor()
  const seat = page.locator(`[data-test^="seat-${unit.id}-"]`).first()
  assert.match(await seat.innerText(), /万佛楼社区党建联席会 · 兼职委员：王丽、陈晓东/)
  const council = Number((await seat.getAttribute('data-test')).split('-')[2])
  await page.locator(`[data-test="seat-edit-${unit.id}-${council}"]`).click()
  await fillIn(page, 'seat-committee', '王丽，陈晓东，周鹏')
  await page.locator('[data-test="unit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已更新「榆阳区少儿图书馆」的兼职委员' }).waitFor()
  assert.match(await row.innerText(), /刘海涛[\s\S]*王丽、陈晓东、周鹏/)
  await shot(page, 'joint-files-08-unit-edited')

  await page.locator(`[data-test="seat-leave-${unit.id}-${council}"]`).click()
  await page.locator('.el-message-box__btns button', { hasText: '退出' }).click()
  await page.locator('[data-test="notice"]', { hasText: '已退出万佛楼社区党建联席会' }).waitFor()
  await page.locator(`[data-test="contact-${unit.id}-${member.user_id}"] .el-tag__close`).click()
  await page.locator('.el-message-box__btns button', { hasText: '移除联系人' }).click()
  await page.locator('[data-test="notice"]', { hasText: '已移除「榆阳区少儿图书馆」的联系人刘海涛' }).waitFor()
  const after = await api(server.url, admin.token, 'GET', `/api/v1/joint/units/${unit.id}`)
  assert.deepEqual([after.name, after.contacts, after.council_seats], ['榆阳区少儿图书馆', [], []])
  assert.deepEqual(errors, [])
})
