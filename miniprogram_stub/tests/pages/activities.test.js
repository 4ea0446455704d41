// The activity pages' buttons: what each sends (sign-up, withdraw, scans with the scanned code and, with a
// geofence, the GCJ-02 location; 补卡), and the Chinese the user reads for every refusal the API has.
const { open, tap, input, pick, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

const t = text.pages.activity
let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

// A member on activity 40 as `activity` describes it; `writes` answer the POSTs.
function onActivity(activity, writes = {}) {
  return signedIn(fx.member, Object.assign({ 'GET /api/v1/activities/40': activity }, writes))
}

function messages() {
  return wxh.modals.filter((m) => m.showCancel === false).map((m) => m.content).concat(wxh.toasts.filter((x) => x.icon === 'none').map((x) => x.title))
}

describe('list', () => {
  test('只看我报名的 keeps my sign-ups; a card opens its activity', async () => {
    wxh = signedIn(fx.member)
    const page = await open(wxh, 'activities')
    await tap(wxh, page, '.mine-filter')
    expect(texts(page, '.activity-title')).toEqual(['敬老院陪伴'])
    await tap(wxh, page, '.activity[data-id="41"]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/activity/activity?id=41' }])
  })

  test('已结束 lists the finished ones (a 补卡 is still possible there)', async () => {
    wxh = signedIn(fx.member)
    const page = await open(wxh, 'activities')
    await tap(wxh, page, '.status-filter[data-value=finished]')
    expect(wxh.find('GET', '/api/v1/activities').map((r) => r.query.status)).toEqual(['published', 'finished'])
    expect(texts(page, '.status-filter.on')).toEqual(['已结束'])
  })

  test('load more sends the cursor and appends', async () => {
    let n = 0
    wxh = signedIn(fx.member, {
      'GET /api/v1/activities': () =>
        ++n === 1 ? ok({ items: [fx.activity()], next_cursor: 'c2' }) : ok({ items: [fx.activity({ id: 42 })], next_cursor: null }),
    })
    const page = await open(wxh, 'activities')
    await tap(wxh, page, '.load-more')
    expect(wxh.find('GET', '/api/v1/activities').map((r) => r.query.cursor)).toEqual([undefined, 'c2'])
    expect(page.data.items.map((a) => a.id)).toEqual([40, 42])
  })

  test('none open: said so', async () => {
    wxh = signedIn(fx.resident, { 'GET /api/v1/activities': { items: [], next_cursor: null } })
    const page = await open(wxh, 'activities')
    expect(texts(page, '.empty')).toEqual([text.pages.activities.empty])
  })
})

describe('sign-up and withdrawal', () => {
  test('报名 after a confirm: POST …/signup, the answer redraws my status and the buttons', async () => {
    const signed = fx.activity({ taken: 8, my_signup: fx.signup(), allowed_actions: ['withdraw'] })
    let signedUp = false
    wxh = signedIn(fx.member, {
      'GET /api/v1/activities/40': () => ok(signedUp ? signed : fx.activity()),
      'POST /api/v1/activities/40/signup': () => {
        signedUp = true
        return ok(signed)
      },
    })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=signup]')
    expect(wxh.modals.map((m) => m.content)).toEqual([t.confirmSignup])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/activities/40/signup', {}]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.signedUp])
    expect(texts(page, '.my-status')).toEqual(['已报名'])
    expect(texts(page, '.activity-seats')).toEqual(['剩余 2 / 共 10'])
    expect(texts(page, '.action-btn')).toEqual([text.activityActions.withdraw])
  })

  test('several positions: one must be picked, and its id is sent', async () => {
    const two = fx.activity({
      positions: [
        { id: 50, name: '引导员', seats: 4, taken: 4 },
        { id: 51, name: '保洁', seats: 6, taken: 3 },
      ],
    })
    wxh = onActivity(two, { 'POST /api/v1/activities/40/signup': ok(two) })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=signup]')
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.needPosition])
    expect(wxh.writes()).toEqual([])
    await pick(wxh, page, '#position', 1)
    await tap(wxh, page, '.action-btn[data-action=signup]')
    expect(wxh.writes().map((r) => r.data)).toEqual([{ position_id: 51 }])
  })

  test('a confirm declined sends nothing', async () => {
    wxh = onActivity(fx.activity())
    wxh.modalConfirm = false
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=signup]')
    expect(wxh.writes()).toEqual([])
  })

  test('取消报名 after a confirm: POST …/withdraw', async () => {
    const mine = fx.activity({ my_signup: fx.signup(), allowed_actions: ['withdraw'] })
    wxh = onActivity(mine, { 'POST /api/v1/activities/40/withdraw': ok(fx.activity()) })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=withdraw]')
    expect(wxh.modals.map((m) => m.content)).toEqual([t.confirmWithdraw])
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/activities/40/withdraw'])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.withdrawn])
  })

  test.each([
    ['signup', 409, 'already_signed_up'],
    ['signup', 409, 'full'],
    ['signup', 409, 'signup_closed'],
    ['signup', 403, 'forbidden'],
    ['withdraw', 409, 'signup_closed'],
    ['withdraw', 409, 'not_signed_up'],
  ])('%s refused with %i %s: told in Chinese', async (action, status, code) => {
    const allowed = fx.activity({ my_signup: action === 'withdraw' ? fx.signup() : null, allowed_actions: [action] })
    wxh = onActivity(allowed, { [`POST /api/v1/activities/40/${action}`]: problem(status, code) })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, `.action-btn[data-action=${action}]`)
    expect(messages()).toEqual([text.errors[code].msg])
    expect(wxh.find('GET', '/api/v1/activities/40')).toHaveLength(2) // redrawn from the server after the refusal
  })

  test('the activity changed under us (invalid_transition): the page says so in its own words', async () => {
    wxh = onActivity(fx.activity(), { 'POST /api/v1/activities/40/signup': problem(409, 'invalid_transition') })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=signup]')
    expect(messages()).toEqual([t.changed])
  })

  test('查看地图 opens the place on WeChat\'s map; without coordinates there is no such button', async () => {
    wxh = onActivity(fx.activity())
    let page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.map-btn')
    expect(wxh.openedLocations).toEqual([
      { latitude: 34.26, longitude: 108.94, name: '金阳小区环境清扫', address: '金阳小区中心广场', scale: 17 },
    ])
    wxh = onActivity(fx.activity({ lat: null, lng: null }))
    page = await open(wxh, 'activity', { id: '40' })
    expect(page.querySelector('.map-btn')).toBeFalsy()
  })

  test('a cancelled activity shows why, and no buttons', async () => {
    wxh = onActivity(fx.activity({ status: 'cancelled', cancel_reason: '大风天气', allowed_actions: [] }))
    const page = await open(wxh, 'activity', { id: '40' })
    expect(texts(page, '.cancelled')[0]).toContain('大风天气')
    expect(page.querySelectorAll('.action-btn')).toHaveLength(0)
  })
})

describe('scans', () => {
  const signedUp = fx.activity({ my_signup: fx.signup(), allowed_actions: ['withdraw', 'check_in'] })
  const checkedIn = fx.activity({ my_signup: fx.signup({ status: 'checked_in', checked_in_at: '2026-12-08T01:02:00Z' }), allowed_actions: ['check_out', 'request_makeup'] })

  test('签到 without a geofence: the scanned code alone, no location asked', async () => {
    wxh = onActivity(signedUp, { 'POST /api/v1/activities/40/check-in': ok(fx.signup({ status: 'checked_in' })) })
    wxh.scanResult = 'xy1.40.123.abc'
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=check_in]')
    expect(wxh.scanCalls).toHaveLength(1)
    expect(wxh.locationCalls).toEqual([])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/activities/40/check-in', { code: 'xy1.40.123.abc' }]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.checkedIn])
  })

  test('签到 with a geofence: wx.getLocation type gcj02, lat and lng sent with the code', async () => {
    wxh = onActivity(Object.assign({}, signedUp, { geofence_m: 200 }), {
      'POST /api/v1/activities/40/check-in': ok(fx.signup({ status: 'checked_in' })),
    })
    wxh.location = { latitude: 34.2605, longitude: 108.9402 }
    const page = await open(wxh, 'activity', { id: '40' })
    expect(texts(page, '.geofence')).toEqual(['需在活动地点200米内扫码签到'])
    await tap(wxh, page, '.action-btn[data-action=check_in]')
    expect(wxh.locationCalls.map((c) => c.type)).toEqual(['gcj02'])
    expect(wxh.writes().map((r) => r.data)).toEqual([{ code: 'xy1.1.0.sig', lat: 34.2605, lng: 108.9402 }])
  })

  test('签退: POST …/check-out with the code; the credited minutes are shown', async () => {
    const out = fx.activity({
      my_signup: fx.signup({ status: 'checked_out', checked_in_at: '2026-12-08T01:02:00Z', checked_out_at: '2026-12-08T03:00:00Z', minutes: 118 }),
      allowed_actions: [],
    })
    let done = false
    wxh = signedIn(fx.member, {
      'GET /api/v1/activities/40': () => ok(done ? out : checkedIn),
      'POST /api/v1/activities/40/check-out': () => {
        done = true
        return ok(out.my_signup)
      },
    })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=check_out]')
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/activities/40/check-out'])
    expect(texts(page, '.my-status')).toEqual(['已签退'])
    expect(texts(page, '.my-minutes')).toEqual(['118分钟'])
  })

  test('the camera closed without a code: nothing sent, nothing said', async () => {
    wxh = onActivity(signedUp)
    wxh.scanResult = null
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=check_in]')
    expect(wxh.writes()).toEqual([])
    expect(wxh.modals).toEqual([])
  })

  test('location refused: asked to allow it, nothing sent', async () => {
    wxh = onActivity(Object.assign({}, signedUp, { geofence_m: 200 }))
    wxh.location = null
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=check_in]')
    expect(wxh.writes()).toEqual([])
    expect(messages()).toEqual([t.needLocation])
  })

  test('outside the geofence: how far away, from the same two points', async () => {
    wxh = onActivity(Object.assign({}, signedUp, { geofence_m: 200 }), {
      'POST /api/v1/activities/40/check-in': problem(422, 'outside_geofence', 'you are 556 m from the activity'),
    })
    wxh.location = { latitude: 34.265, longitude: 108.94 } // 0.005° of latitude north: about 556 m
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=check_in]')
    expect(messages()).toEqual(['您距活动地点约556米，需在200米以内才能签到，请到现场后再扫码'])
  })

  test.each([
    ['check_in', 'checkin_code_expired'],
    ['check_in', 'checkin_code_other_activity'],
    ['check_in', 'checkin_code_forged'],
    ['check_in', 'checkin_code_from_future'],
    ['check_in', 'checkin_code_malformed'],
    ['check_in', 'already_checked_in'],
    ['check_in', 'not_on_site_time'],
    ['check_out', 'not_checked_in'],
    ['check_out', 'checkin_code_expired'],
  ])('%s refused with %s: told in Chinese', async (action, code) => {
    const path = action === 'check_in' ? 'check-in' : 'check-out'
    wxh = onActivity(action === 'check_in' ? signedUp : checkedIn, {
      [`POST /api/v1/activities/40/${path}`]: problem(code.startsWith('checkin_code') ? 422 : 409, code),
    })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, `.action-btn[data-action=${action}]`)
    expect(messages()).toEqual([text.errors[code].msg])
    expect(text.errors[code].msg).not.toBe(text.errors.unknown.msg)
  })
})

describe('补卡', () => {
  const missed = fx.activity({ my_signup: fx.signup(), allowed_actions: ['request_makeup'] })

  test('a missed check-in: the time (the start by default) and the reason are sent; my request is listed', async () => {
    const made = {
      id: 90,
      signup_id: 61,
      activity_id: 40,
      user_id: 301,
      kind: 'check_in',
      at: '2026-12-08T01:00:00Z',
      reason: '手机没电',
      status: 'pending',
      decided_by: null,
      decided_at: null,
      decision_note: null,
      created_at: '2026-12-08T04:00:00Z',
    }
    let sent = false
    wxh = onActivity(missed, {
      'GET /api/v1/activities/40/makeups': () => ok(sent ? [made] : []),
      'POST /api/v1/activities/40/makeups': () => {
        sent = true
        return ok(made, 201)
      },
    })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=request_makeup]')
    expect(texts(page, '.makeup-form .card-title')).toEqual(['补签到'])
    await input(wxh, page, '#makeup-reason', ' 手机没电 ')
    await tap(wxh, page, '#makeup-submit')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/activities/40/makeups', { kind: 'check_in', at: '2026-12-08T01:00:00.000Z', reason: '手机没电' }],
    ])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.makeupSent])
    expect(page.querySelector('.makeup-form')).toBeFalsy()
    expect(texts(page, '.makeup-status')).toEqual(['待审核'])
  })

  test('checked in but not out: a check-out make-up, at the time picked', async () => {
    const inNotOut = fx.activity({ my_signup: fx.signup({ status: 'checked_in', checked_in_at: '2026-12-08T01:00:00Z' }), allowed_actions: ['request_makeup'] })
    wxh = onActivity(inNotOut, { 'POST /api/v1/activities/40/makeups': ok({}, 201) })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=request_makeup]')
    expect(texts(page, '.makeup-form .card-title')).toEqual(['补签退'])
    const when = new Date('2026-12-08T02:30:00Z') // what the user picks, in the phone's own time zone
    const two = (n) => String(n).padStart(2, '0')
    await pick(wxh, page, '#makeup-date', `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())}`)
    await pick(wxh, page, '#makeup-time', `${two(when.getHours())}:${two(when.getMinutes())}`)
    await input(wxh, page, '#makeup-reason', '忘记签退')
    await tap(wxh, page, '#makeup-submit')
    expect(wxh.writes().map((r) => r.data)).toEqual([{ kind: 'check_out', at: '2026-12-08T02:30:00.000Z', reason: '忘记签退' }])
  })

  test('no reason, or a time outside the activity: told, nothing sent', async () => {
    wxh = onActivity(missed)
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=request_makeup]')
    await tap(wxh, page, '#makeup-submit')
    await input(wxh, page, '#makeup-reason', '手机没电')
    await pick(wxh, page, '#makeup-date', '2026-12-10')
    await tap(wxh, page, '#makeup-submit')
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.needReason, t.makeupBadTime])
    expect(wxh.writes()).toEqual([])
  })

  test.each([
    [409, 'conflict', t.makeupPending],
    [409, 'not_started', text.errors.not_started.msg],
    [422, 'content_rejected', text.errors.content_rejected.msg],
    [422, 'validation_error', text.errors.validation_error.msg],
  ])('refused with %i %s: told in Chinese', async (status, code, said) => {
    wxh = onActivity(missed, { 'POST /api/v1/activities/40/makeups': problem(status, code) })
    const page = await open(wxh, 'activity', { id: '40' })
    await tap(wxh, page, '.action-btn[data-action=request_makeup]')
    await input(wxh, page, '#makeup-reason', '手机没电')
    await tap(wxh, page, '#makeup-submit')
    expect(messages()).toEqual([said])
    expect(page.querySelector('.makeup-form')).toBeTruthy() // the form stays, with what was typed
  })
})
