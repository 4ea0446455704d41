// End to end, against a real backend this test starts itself (as tests/e2e/volunteering.test.js): 共驻共建 as a
// 驻区单位's contact person does it in the pages. The district's admin registers the unit and its contact people
// and the community's secretary lists the need and confirms, through the API as the console calls it; the
// contacts' side is the pages:
//   the index links 我的单位 for a contact only; a note WeChat refuses is told; one unit claims, the other (its page
//   stale) is told another unit was first; the secretary confirms; the contact starts, records progress, completes.
const { phones } = require('../helpers/phones')
const { startBackend } = require('../helpers/backend')
const { texts } = require('../helpers/page')
const api = require('../../utils/api')
const config = require('../../config')
const subscribe = require('../../utils/subscribe')
const text = require('../../utils/text')

jest.setTimeout(60000)

let backend

beforeAll(async () => {
  backend = await startBackend()
}, 120000)

afterAll(async () => {
  if (backend) await backend.stop()
})

const { phone, use, openOn, tapOn, inputOn, lastNav, signIn, expectNoErrors } = phones(() => backend.url)

beforeEach(() => {
  config.devMode = true
  subscribe.reset()
})

// The staff side, through the API as the console calls it.
function asStaff(p) {
  use(p)
  return api
}

function said(p) {
  return p.modals.filter((m) => m.showCancel === false).map((m) => m.content)
}

test('a contact claims a need, the secretary confirms, the contact starts, records progress and completes', async () => {
  const admin = phone()
  const secretary = phone()
  const contact = phone()
  const rival = phone()
  const outsider = phone()
  await signIn(admin, 'demo-admin')
  const sec = await signIn(secretary, 'demo-secretary-jinyang')
  const contactUser = await signIn(contact, 'demo-resident-jinyang-2')
  const rivalUser = await signIn(rival, 'demo-member-jinyang-3')
  await signIn(outsider, 'demo-resident-jinyang-3')
  const jinyang = sec.roles.find((r) => r.role === 'secretary').org_id

  // The admin registers two units based in 金阳's street, each with its contact person.
  const stamp = Date.now() % 100000
  const orgs = await asStaff(admin).get('/api/v1/orgs')
  const street = orgs.find((o) => o.id === orgs.find((c) => c.id === jinyang).parent_id)
  const unit = await asStaff(admin).post('/api/v1/joint/units', { name: `e2e医院 ${stamp}`, kind: 'hospital', org_id: street.id })
  await asStaff(admin).post(`/api/v1/joint/units/${unit.id}/contacts`, { user_id: contactUser.id })
  const other = await asStaff(admin).post('/api/v1/joint/units', { name: `e2e学校 ${stamp}`, kind: 'school', org_id: jinyang })
  await asStaff(admin).post(`/api/v1/joint/units/${other.id}/contacts`, { user_id: rivalUser.id })

  // The secretary lists a need.
  const title = `老人义诊 ${stamp}`
  const need = await asStaff(secretary).post('/api/v1/joint/needs', { community_id: jinyang, title, content: '每月一次上门量血压' })

  // The index: 我的单位 for the contact, not for a plain resident (whose GET /joint/units is an empty page).
  const home = await openOn(contact, 'index')
  expect(home.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toContain('unit')
  const outsiderHome = await openOn(outsider, 'index')
  expect(outsiderHome.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).not.toContain('unit')
  expect(outsider.find('GET', '/api/v1/joint/units').map((r) => [r.statusCode, r.response.items])).toEqual([[200, []]])

  // Both contacts open 我的单位 and see the need.
  const page = await openOn(contact, 'unit')
  expect(texts(page, '.unit-name')).toEqual([unit.name])
  expect(texts(page, '.unit-org')).toEqual([street.name])
  expect(texts(page, '.need-title')).toContain(title)
  const rivalPage = await openOn(rival, 'unit')
  expect(texts(rivalPage, '.need-title')).toContain(title)

  // A note WeChat's content check refuses: told in Chinese, nothing claimed.
  const key = `${unit.id}-${need.id}`
  await tapOn(contact, page, `.claim-btn[data-key="${key}"]`)
  await inputOn(contact, page, '#claim-note', '违规测试')
  contact.clearRecords()
  await tapOn(contact, page, '#submit-claim')
  expect(contact.writes().map((r) => `${r.statusCode} ${r.response.code}`)).toEqual(['422 content_rejected'])
  expect(said(contact)).toEqual([text.errors.content_rejected.msg])

  // Claimed with a plain note: the project page opens.
  await inputOn(contact, page, '#claim-note', '派两位医生上门')
  contact.clearRecords()
  await tapOn(contact, page, '#submit-claim')
  const claimed = contact.find('POST', `/api/v1/joint/needs/${need.id}/claim`)
  expect(claimed.map((r) => [r.statusCode, r.data])).toEqual([[201, { unit_id: unit.id, note: '派两位医生上门' }]])
  const projectId = claimed[0].response.id
  const [name, query] = lastNav(contact, 'navigateTo')
  expect([name, query]).toEqual(['joint-project', { id: String(projectId) }])
  expect(texts(page, '.need-title')).not.toContain(title) // no longer open

  // The other unit's contact, on a stale page: another unit was first.
  const rivalKey = `${other.id}-${need.id}`
  await tapOn(rival, rivalPage, `.claim-btn[data-key="${rivalKey}"]`)
  rival.clearRecords()
  await tapOn(rival, rivalPage, '#submit-claim')
  expect(rival.writes().map((r) => `${r.statusCode} ${r.response.code}`)).toEqual(['409 conflict'])
  expect(said(rival)).toEqual([text.pages.unit.conflict])
  expect(texts(rivalPage, '.need-title')).not.toContain(title)

  // Proposed: the community has to confirm; the contact may only drop it.
  let project = await openOn(contact, 'joint-project', query)
  expect(texts(project, '.project-status')).toEqual([text.jointStatus.proposed])
  expect(texts(project, '.action-btn')).toEqual([text.jointActions.drop])
  expect(texts(project, '.event-note')).toEqual(['派两位医生上门'])

  await asStaff(secretary).post(`/api/v1/joint/projects/${projectId}/confirm`, {})

  project = await openOn(contact, 'joint-project', query)
  expect(texts(project, '.project-status')).toEqual([text.jointStatus.agreed])
  const drawn = () => project.data.project.actions.map((a) => a.name)
  expect(drawn()).toEqual(contact.find('GET', `/api/v1/joint/projects/${projectId}`).pop().response.allowed_actions)
  expect(drawn()).toContain('start')

  contact.clearRecords()
  await tapOn(contact, project, '.action-btn[data-action=start]')
  expect(contact.find('POST', `/api/v1/joint/projects/${projectId}/start`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(project, '.project-status')).toEqual([text.jointStatus.in_progress])

  // Progress with its note: on the timeline.
  await tapOn(contact, project, '.action-btn[data-action=progress]')
  await inputOn(contact, project, '#act-value', '第一次义诊，量了30位老人的血压')
  contact.clearRecords()
  await tapOn(contact, project, '#submit-act')
  expect(contact.find('POST', `/api/v1/joint/projects/${projectId}/progress`).map((r) => [r.statusCode, r.data])).toEqual([
    [200, { note: '第一次义诊，量了30位老人的血压' }],
  ])
  expect(texts(project, '.event-note')).toContain('第一次义诊，量了30位老人的血压')

  contact.clearRecords()
  await tapOn(contact, project, '.action-btn[data-action=complete]')
  expect(contact.find('POST', `/api/v1/joint/projects/${projectId}/complete`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(project, '.project-status')).toEqual([text.jointStatus.done])
  expect(texts(project, '.event-label')).toEqual(['单位认领需求', '确认', '开始实施', '记录进展', '完成'])
  expect(texts(project, '.event-who')[1]).toMatch(/^社区 · /)

  // Back on 我的单位: the project, done.
  const again = await openOn(contact, 'unit')
  expect(texts(again, '.project-title')).toEqual([title])
  expect(texts(again, '.project-status')).toEqual([text.jointStatus.done])
  expectNoErrors(contact, [`POST /api/v1/joint/needs/${need.id}/claim → 422`])
  expectNoErrors(secretary)
  expectNoErrors(admin)
})

test('the seeded unit contact of the demo list opens 我的单位 with the unit and its projects', async () => {
  const contact = phone()
  await signIn(contact, 'demo-unit-power')
  const home = await openOn(contact, 'index')
  expect(home.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toContain('unit')
  const page = await openOn(contact, 'unit')
  expect(texts(page, '.unit-name')).toEqual(['国网榆阳供电公司'])
  expect(texts(page, '.unit-org')).toEqual(['金阳社区'])
  const projects = contact.find('GET', '/api/v1/joint/projects')[0].response.items
  expect(texts(page, '.project-title')).toEqual(projects.map((p) => p.title))
  expectNoErrors(contact)
})
