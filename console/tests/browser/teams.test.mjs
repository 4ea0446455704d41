// 志愿服务队, 志愿服务项目 and 志愿服务统计 in a real browser (Debian's Chromium) against a live server with the demo
// data (app/seed_volunteering.py: two teams in 金阳社区, 王志强 asking to join one, a project claimed and one open):
// the secretary sets up a team and approves a request; publishes a project that a team's leader claims through
// the API as the mini-program would; reads the figures (the sentence as the API writes it) and downloads them;
// turns a sign-up away with a reason; downloads a member's 服务记录卡. Screenshots at 1366×768 (teams-*.png).
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
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
const SECRETARY = 'demo-secretary-jinyang'

async function downloaded(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()])
  return { name: file.suggestedFilename(), body: await readFile(await file.path()) }
}

test('set up a team, approve a request to join, edit the skills and name another leader', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, SECRETARY)
  await page.locator('[data-test="nav-volunteering"]').click()
  await page.locator('[data-test="nav-teams"]').waitFor()
  await shot(page, 'teams-00-menu')
  await page.locator('[data-test="nav-teams"]').click()
  await row(page, 'teams', '金阳社区红色先锋队').waitFor()
  await row(page, 'teams', '金阳社区银龄助老队').waitFor()
  assert.match(await row(page, 'teams', '红色先锋队').innerText(), /张建国[\s\S]*环境整治[\s\S]*2/)
  await shot(page, 'teams-01-list')

  await page.locator('[data-test="team-create"]').click()
  await page.locator('[data-test="team-name"]').fill('金阳社区文明宣传队')
  await page.locator('[data-test="team-skills"]').fill('文明宣传，垃圾分类 宣传')
  await chooseOption(page, 'team-leader', '王志强')
  await shot(page, 'teams-02-create')
  await page.locator('[data-test="team-submit"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已组建「金阳社区文明宣传队」' }).waitFor()
  const made = row(page, 'teams', '金阳社区文明宣传队')
  assert.match(await made.innerText(), /王志强[\s\S]*文明宣传[\s\S]*垃圾分类/)

  // The API agrees: the team exists with its leader as its one member, the skills as typed, once each.
  const secretary = await login(server.url, SECRETARY)
  const community = secretary.user.roles.find((r) => r.role === 'secretary').org_id
  const { items } = await api(server.url, secretary.token, 'GET', `/api/v1/teams?org_id=${community}`)
  const created = items.find((t) => t.name === '金阳社区文明宣传队')
  assert.deepEqual([created.leader.name, created.skills, created.member_count], ['王志强', ['文明宣传', '垃圾分类', '宣传'], 1])

  await row(page, 'teams', '金阳社区银龄助老队').click()
  await page.locator('[data-test="team-title"]', { hasText: '金阳社区银龄助老队' }).waitFor()
  await row(page, 'pending', '王志强').waitFor()
  assert.match(await row(page, 'pending', '王志强').innerText(), /中学老师/)
  await shot(page, 'teams-03-team')
  const wang = await login(server.url, 'demo-member-jinyang-3')
  await page.locator(`[data-test="approve-${wang.user.id}"]`).click()
  await page.locator('[data-test="notice"]', { hasText: '已同意 王志强 入队' }).waitFor()
  await row(page, 'active', '王志强').waitFor()
  assert.equal(await page.locator('[data-test="team-count"]').innerText(), '2 人')
  assert.equal(await page.locator('[data-test="pending"] .el-table__row').count(), 0)
  await shot(page, 'teams-04-approved')

  await page.locator('[data-test="team-edit"]').click()
  await page.locator('[data-test="edit-skills"]').fill('助老，智能手机教学 陪诊')
  await page.locator('[data-test="edit-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已保存' }).waitFor()
  await page.locator('[data-test="team-info"]', { hasText: '陪诊' }).waitFor()
  await page.locator('[data-test="team-change-leader"]').click()
  await chooseOption(page, 'new-leader', '王志强')
  await page.locator('[data-test="leader-save"]').click()
  await page.locator('[data-test="notice"]', { hasText: '队长已更换为 王志强' }).waitFor()
  assert.equal(await page.locator('[data-test="team-leader-name"]').innerText(), '王志强')
  assert.equal(await page.locator('[data-test="team-count"]').innerText(), '2 人', 'the old leader stays a member')
  assert.deepEqual(errors, [])
})

test('publish a service project, see a team claim it, release another with a reason', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, SECRETARY)
  await navTo(page, 'nav-projects')
  await row(page, 'projects', '老年学校智能手机课').waitFor()
  assert.match(await row(page, 'projects', '老年学校智能手机课').innerText(), /已认领[\s\S]*金阳社区银龄助老队/)

  await page.locator('[data-test="project-create"]').click()
  await page.locator('[data-test="project-title"]').fill('垃圾分类桶边督导')
  await page.locator('[data-test="project-schedule"]').fill('每天 7:00-9:00')
  await page.locator('[data-test="project-content"]').fill('在小区投放点引导居民分类投放。')
  await shot(page, 'teams-05-publish')
  await page.locator('[data-test="project-submit"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已发布「垃圾分类桶边督导」' }).waitFor()
  assert.match(await row(page, 'projects', '垃圾分类桶边督导').innerText(), /待认领/)

  // 张建国, the leader of 红色先锋队, claims it from the mini-program.
  const zhang = await login(server.url, 'demo-member-jinyang-1')
  const secretary = await login(server.url, SECRETARY)
  const community = secretary.user.roles.find((r) => r.role === 'secretary').org_id
  const projects = await api(server.url, zhang.token, 'GET', `/api/v1/service-projects?community_id=${community}`)
  const project = projects.find((p) => p.title === '垃圾分类桶边督导')
  const { items } = await api(server.url, zhang.token, 'GET', `/api/v1/teams?org_id=${community}&mine=true`)
  const team = items.find((t) => t.name === '金阳社区红色先锋队')
  const claim = { team_id: team.id, starts_on: '2026-12-08', ends_on: '2027-03-31' }
  await api(server.url, zhang.token, 'POST', `/api/v1/service-projects/${project.id}/claim`, claim)
  await page.reload()
  const claimed = row(page, 'projects', '垃圾分类桶边督导')
  await claimed.locator(`[data-test="team-${project.id}"]`, { hasText: '金阳社区红色先锋队' }).waitFor()
  assert.match(await claimed.innerText(), /已认领[\s\S]*2026-12-08 至 2027-03-31/)
  await page.locator('[data-test="tab-open"]').click()
  await page.waitForURL(/status=open/)
  await claimed.waitFor({ state: 'detached' }) // a claimed one is not under 待认领
  await row(page, 'projects', '楼道文明劝导').waitFor()
  await page.locator('[data-test="tab-claimed"]').click()
  await claimed.waitFor()
  await shot(page, 'teams-06-projects')

  const school = row(page, 'projects', '老年学校智能手机课')
  await school.locator('[data-test^="release-"]').click()
  await page.locator('[data-test="release-reason"]').fill('服务队人手调整，下季度重新认领')
  await page.locator('[data-test="release-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已解除「老年学校智能手机课」的认领' }).waitFor()
  assert.equal(await school.count(), 0)
  assert.deepEqual(errors, [])
})

test('the figures with the API’s sentence, the breakdown by team as a table and a chart, and the exports', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, SECRETARY)
  await navTo(page, 'nav-volunteering-figures')
  const sentence = page.locator('[data-test="sentence"]')
  await sentence.waitFor()
  await row(page, 'breakdown', '金阳社区红色先锋队').waitFor()

  // The same window the screen shows (this year, to today), asked of the API directly.
  const secretary = await login(server.url, SECRETARY)
  const community = secretary.user.roles.find((r) => r.role === 'secretary').org_id
  const today = new Date()
  const pad = (n) => String(n).padStart(2, '0')
  const until = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
  const q = `org_id=${community}&since=${today.getFullYear()}-01-01&until=${until}`
  const figures = await api(server.url, secretary.token, 'GET', `/api/v1/volunteering/figures?${q}`)
  assert.equal(await sentence.innerText(), figures.sentence)
  assert.match(figures.sentence, /组建志愿服务队\d+支/)
  assert.equal(await page.locator('[data-test="card-teams"] .value').innerText(), String(figures.teams))
  const { rows } = await api(server.url, secretary.token, 'GET', `/api/v1/volunteering/figures/breakdown?${q}&by=team`)
  assert.equal(await page.locator('[data-test="breakdown"] .el-table__row').count(), rows.length)
  await shot(page, 'teams-07-figures')

  const xlsx = await downloaded(page, () => page.locator('[data-test="export-xlsx"]').click())
  assert.match(xlsx.name, /\.xlsx$/)
  assert.equal(xlsx.body.subarray(0, 2).toString(), 'PK', 'an xlsx is a zip')
  const csv = await downloaded(page, () => page.locator('[data-test="export-csv"]').click())
  assert.match(csv.name, /\.csv$/)
  const text = csv.body.toString('utf8')
  for (const r of rows) assert.ok(text.includes(r.label), `${r.label} in the CSV`)
  await page.locator('[data-test="export-done"]').waitFor()

  // By month: the demo's activities of this month as bars (the teams' rows above have none of their own).
  await page.locator('[data-test="by-month"]').click()
  await page.waitForURL(/by=month/)
  const months = await api(server.url, secretary.token, 'GET', `/api/v1/volunteering/figures/breakdown?${q}&by=month`)
  await row(page, 'breakdown', months.rows.at(-1).label).waitFor()
  assert.equal(await page.locator('[data-test="breakdown"] .el-table__row').count(), months.rows.length)
  await page.locator('[data-test="chart"] canvas').waitFor()
  await shot(page, 'teams-08-figures-month')
  assert.deepEqual(errors, [])
})

test('turn a sign-up away with a reason, and download a member’s 服务记录卡', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, SECRETARY)
  await page.goto('/console/#/activities?status=published')
  await row(page, 'activities', '智能手机课助教').click()
  const wang = row(page, 'roster', '王志强')
  await wang.waitFor()
  await wang.locator('[data-test^="refuse-signup-"]').click()
  await page.locator('[data-test="refuse-signup-reason"]').fill('本次岗位需要会用电脑的志愿者')
  await shot(page, 'teams-09-refuse-signup')
  await page.locator('[data-test="refuse-signup-confirm"]').click()
  await page.locator('[data-test="notice"]', { hasText: '已拒绝 王志强 的报名' }).waitFor()
  await wang.locator('[data-test^="refused-"]', { hasText: '本次岗位需要会用电脑的志愿者' }).waitFor()
  assert.equal(await wang.locator('[data-test^="refuse-signup-"]').count(), 0, 'no second refusal')

  await page.locator('[data-test="nav-roster"]').click()
  const zhang = await login(server.url, 'demo-member-jinyang-1')
  await page.locator(`[data-test="card-${zhang.user.id}"]`).click()
  await page.locator('[data-test="card-quarter"]').waitFor()
  await shot(page, 'teams-10-service-card')
  const card = await downloaded(page, () => page.locator('[data-test="card-download"]').click())
  assert.match(card.name, /^服务记录卡-张建国-\d{4}Q[1-4]\.pdf$/)
  assert.equal(card.body.subarray(0, 5).toString(), '%PDF-')
  await page.locator('[data-test="card-done"]').waitFor()
  assert.deepEqual(errors, [])
})

test('the district admin picks an org: a community’s teams, and the district’s figures by street', async () => {
  const { page, errors } = await newPage(browser, server.url)
  await pickIn(page, 'demo-admin')
  await navTo(page, 'nav-teams')
  await chooseOption(page, 'org-picker', '金阳社区')
  await row(page, 'teams', '金阳社区红色先锋队').waitFor()
  assert.match(page.url(), /org=\d+/, 'the org stays in the URL')
  await shot(page, 'teams-11-admin-teams')

  await navTo(page, 'nav-volunteering-figures')
  const sentence = page.locator('[data-test="sentence"]')
  await sentence.waitFor()
  const admin = await login(server.url, 'demo-admin')
  const district = admin.user.roles.find((r) => r.role === 'admin').org_id
  const today = new Date()
  const pad = (n) => String(n).padStart(2, '0')
  const q = `org_id=${district}&since=${today.getFullYear()}-01-01&until=${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
  const figures = await api(server.url, admin.token, 'GET', `/api/v1/volunteering/figures?${q}`)
  await page.locator('[data-test="sentence"]', { hasText: figures.sentence }).waitFor()
  const { rows } = await api(server.url, admin.token, 'GET', `/api/v1/volunteering/figures/breakdown?${q}&by=street`)
  await row(page, 'breakdown', rows[0].label).waitFor()
  assert.equal(await page.locator('[data-test="breakdown"] .el-table__row').count(), rows.length)
  await page.locator('[data-test="chart"] canvas').waitFor()
  await shot(page, 'teams-12-admin-figures')
  assert.deepEqual(errors, [])
})
