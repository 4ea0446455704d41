// 我的社区 (评星定级) and 我的服务队. These tests pin the requests the team page makes to the teams API's shapes
// (/api/v1/teams; tests/e2e/teams.test.js runs the page against the real one).
const { open, tap, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

function said() {
  return wxh.modals.filter((m) => m.showCancel === false).map((m) => m.content)
}

describe('community', () => {
  test('?id= shows another community; no published year yet: said so', async () => {
    wxh = signedIn(fx.resident, {
      'GET /api/v1/stars/communities/12': { community: { id: 12, name: '万佛楼社区', level: 'community' }, current: null, history: [] },
    })
    const page = await open(wxh, 'community', { id: '12' })
    expect(texts(page, '.community-name')).toEqual(['万佛楼社区'])
    expect(texts(page, '.no-stars')).toEqual([text.pages.community.none])
    expect(page.querySelector('.history')).toBeFalsy()
  })

  test('a member without a home: the community they serve', async () => {
    wxh = signedIn(Object.assign({}, fx.member, { home: null }))
    await open(wxh, 'community')
    expect(wxh.requests.map((r) => r.path)).toEqual([`/api/v1/stars/communities/${fx.JINYANG}`])
  })

  test('no community at all: said so, nothing asked', async () => {
    wxh = signedIn(Object.assign({}, fx.resident, { home: null }))
    const page = await open(wxh, 'community')
    expect(texts(page, '.no-community')).toEqual([text.pages.community.noCommunity])
    expect(wxh.requests).toEqual([])
  })

  test('not a community (404): told, the page stays empty', async () => {
    wxh = signedIn(fx.resident, { 'GET /api/v1/stars/communities/999': problem(404, 'not_found') })
    const page = await open(wxh, 'community', { id: '999' })
    expect(wxh.toasts.map((x) => x.title)).toEqual([text.errors.not_found.msg])
    expect(page.querySelector('.current')).toBeFalsy()
  })

  test('the index opens it', async () => {
    wxh = signedIn(fx.resident)
    const page = await open(wxh, 'index')
    await tap(wxh, page, '.menu-entry[data-url=/pages/community/community]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/community/community' }])
  })
})

describe('my team', () => {
  const t = text.pages.team

  test('申请加入 after a confirm: POST /teams/{id}/join', async () => {
    wxh = signedIn(fx.member, { 'POST /api/v1/teams/80/join': ok(fx.team({ my_membership: 'pending', allowed_actions: ['leave'] })) })
    const page = await open(wxh, 'my-team')
    await tap(wxh, page, '.join-btn[data-id="80"]')
    expect(wxh.modals.map((m) => m.content)).toEqual(['申请加入“金阳水电维修队”？队长同意后成为队员'])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/teams/80/join', {}]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.joined])
  })

  test('退出 after a confirm: POST /teams/{id}/leave', async () => {
    wxh = signedIn(fx.member, { 'POST /api/v1/teams/81/leave': ok({}) })
    const page = await open(wxh, 'my-team')
    await tap(wxh, page, '.leave-btn[data-id="81"]')
    expect(wxh.modals.map((m) => m.content)).toEqual(['确认退出“金阳助老服务队”？'])
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/teams/81/leave'])
  })

  test('the leader sees who asks to join, and approves or refuses them', async () => {
    const led = fx.team({ id: 82, name: '金阳文艺队', my_membership: 'leader', allowed_actions: [] })
    wxh = signedIn(fx.member, {
      'GET /api/v1/teams': (req) => ok({ items: req.query.mine ? [led] : [led, fx.team()], next_cursor: null }),
      'GET /api/v1/teams/82/members': [
        { user_id: 305, name: '王五', status: 'pending', joined_at: null, note: '会拉二胡' },
        { user_id: 306, name: '赵六', status: 'pending', joined_at: null, note: null },
      ],
      'POST /api/v1/teams/82/members/305/approve': ok({}),
      'POST /api/v1/teams/82/members/306/refuse': ok({}),
    })
    const page = await open(wxh, 'my-team')
    expect(wxh.find('GET', '/api/v1/teams/82/members')[0].query).toEqual({ status: 'pending' })
    expect(texts(page, '.applicant-name')).toEqual(['王五', '赵六'])
    expect(texts(page, '.team-membership')).toEqual(['队长'])
    expect(texts(page, '.joinable-team .team-name')).toEqual(['金阳水电维修队']) // not the team I lead
    await tap(wxh, page, '.approve-btn[data-user="305"]')
    await tap(wxh, page, '.refuse-btn[data-user="306"]')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/teams/82/members/305/approve', {}],
      ['/api/v1/teams/82/members/306/refuse', {}],
    ])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.approved, t.refused])
  })

  test('a resident, not a member: told to report first; only their own teams are asked for', async () => {
    wxh = signedIn(fx.resident, { 'GET /api/v1/teams': { items: [], next_cursor: null } })
    const page = await open(wxh, 'my-team')
    expect(wxh.find('GET', '/api/v1/teams').map((r) => r.query)).toEqual([{ mine: 'true' }])
    expect(texts(page, '.not-member')).toEqual([t.notMember])
    expect(texts(page, '.no-teams')).toEqual([t.noTeams])
  })

  test.each([
    ['.leave-btn[data-id="81"]', 'POST /api/v1/teams/81/leave'],
    ['.approve-btn[data-user="305"]', 'POST /api/v1/teams/82/members/305/approve'],
    ['.refuse-btn[data-user="305"]', 'POST /api/v1/teams/82/members/305/refuse'],
  ])('%s refused as no longer possible (invalid_transition): told in the page\'s words', async (button, route) => {
    const led = fx.team({ id: 82, name: '金阳文艺队', my_membership: 'leader', allowed_actions: [] })
    const member = fx.team({ id: 81, name: '金阳助老服务队', my_membership: 'member', allowed_actions: ['leave'] })
    wxh = signedIn(fx.member, {
      'GET /api/v1/teams': (req) => ok({ items: req.query.mine ? [led, member] : [], next_cursor: null }),
      'GET /api/v1/teams/82/members': [{ user_id: 305, name: '王五', status: 'pending', joined_at: null, note: null }],
      [route]: problem(409, 'invalid_transition'),
    })
    const page = await open(wxh, 'my-team')
    await tap(wxh, page, button)
    expect(wxh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([route])
    expect(said()).toEqual([t.changed])
  })

  test.each([
    [409, 'already_member', text.errors.already_member.msg],
    [409, 'invalid_transition', t.changed],
    [403, 'forbidden', text.errors.forbidden.msg],
  ])('join refused with %i %s: told in Chinese', async (status, code, message) => {
    wxh = signedIn(fx.member, { 'POST /api/v1/teams/80/join': problem(status, code) })
    const page = await open(wxh, 'my-team')
    await tap(wxh, page, '.join-btn[data-id="80"]')
    expect(said()).toEqual([message])
  })

  test.each([
    [409, 'not_member', text.errors.not_member.msg],
    [409, 'leader_stays', text.errors.leader_stays.msg],
  ])('leave refused with %i %s: told in Chinese', async (status, code, message) => {
    wxh = signedIn(fx.member, { 'POST /api/v1/teams/81/leave': problem(status, code) })
    const page = await open(wxh, 'my-team')
    await tap(wxh, page, '.leave-btn[data-id="81"]')
    expect(said()).toEqual([message])
  })
})
