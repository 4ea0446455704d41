// End to end, against a real backend this test starts itself (as tests/e2e/volunteering.test.js): 我的服务队
// against the real teams API. The secretary forms a team with a member as its leader (the console's side, through
// the API); another member asks to join in the page, and is told when asking twice; the leader approves in the
// page; the new member sees the team as theirs.
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

const { phone, use, openOn, tapOn, signIn, expectNoErrors } = phones(() => backend.url)

beforeEach(() => {
  config.devMode = true
  subscribe.reset()
})

test('a member asks to join, the leader approves in the page, the member is in', async () => {
  const secretary = phone()
  const leader = phone()
  const member = phone()
  const sec = await signIn(secretary, 'demo-secretary-jinyang')
  const leaderUser = await signIn(leader, 'demo-member-jinyang-1')
  const memberUser = await signIn(member, 'demo-member-jinyang-2')
  const jinyang = sec.roles.find((r) => r.role === 'secretary').org_id

  use(secretary)
  const name = `水电队${Date.now() % 100000}`
  const team = await api.post('/api/v1/teams', { org_id: jinyang, name, skills: ['水电维修'], leader_id: leaderUser.id })

  // The member finds it among the teams to join and asks, after a confirm.
  const page = await openOn(member, 'my-team')
  expect(texts(page, '.joinable-team .team-name')).toContain(name)
  await tapOn(member, page, `.join-btn[data-id="${team.id}"]`)
  expect(member.find('POST', `/api/v1/teams/${team.id}/join`).map((r) => r.statusCode)).toEqual([200])
  const mine = page.data.mine.find((x) => x.id === team.id)
  expect(mine).toMatchObject({ my_membership: 'pending', membershipText: text.pages.team.membership.pending, leaderName: expect.any(String) })
  expect(texts(page, '.joinable-team .team-name')).not.toContain(name)

  // Asking again from a stale page: the API's already_member, in Chinese.
  member.clearRecords()
  use(member)
  await page.instance.join({ currentTarget: { dataset: { id: String(team.id) } } })
  await member.idle()
  expect(member.writes().map((r) => `${r.statusCode} ${r.response.code}`)).toEqual(['409 already_member'])
  expect(member.modals.filter((m) => m.showCancel === false).map((m) => m.content)).toEqual([text.errors.already_member.msg])

  // The leader sees the request and approves it.
  const leaderPage = await openOn(leader, 'my-team')
  expect(leaderPage.data.mine.find((x) => x.id === team.id).my_membership).toBe('leader')
  const row = leaderPage.data.pending.find((p) => p.teamId === team.id && p.user_id === memberUser.id)
  expect(row).toBeTruthy()
  await tapOn(leader, leaderPage, `.approve-btn[data-team="${team.id}"][data-user="${memberUser.id}"]`)
  expect(leader.find('POST', `/api/v1/teams/${team.id}/members/${memberUser.id}/approve`).map((r) => r.statusCode)).toEqual([200])
  expect(leaderPage.data.pending.filter((p) => p.teamId === team.id)).toEqual([])
  expect(leader.toasts.map((x) => x.title)).toContain(text.pages.team.approved)

  // The member, in.
  const again = await openOn(member, 'my-team')
  const now = again.data.mine.find((x) => x.id === team.id)
  expect(now).toMatchObject({ my_membership: 'member', member_count: 2 })
  expect(now.canLeave).toBe(true)
  expectNoErrors(leader)
  expectNoErrors(secretary)
  expectNoErrors(member, [`POST /api/v1/teams/${team.id}/join → 409`])
})
