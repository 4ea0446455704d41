// The wish detail page draws exactly the buttons of `allowed_actions`, and each button calls the right
// endpoint with the right body (directly, or through the dispatch / action pages).
const { open, tap, input, queryOf } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

const ALL = ['dispatch', 'recall', 'accept', 'decline', 'complete', 'reject', 'cancel', 'rate', 'reopen']

function detailWith(allowed, extra = {}) {
  return signedIn(
    fx.resident,
    Object.assign({ 'GET /api/v1/wishes/12': Object.assign(fx.wish({ allowed_actions: allowed }), { events: fx.events }) }, extra),
  )
}

function drawn(page) {
  return page.querySelectorAll('.action-btn').map((b) => b.dom.dataset.action)
}

let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

describe('wish-detail buttons = allowed_actions', () => {
  test.each([
    [[]],
    [['cancel']],
    [['dispatch', 'reject']],
    [['accept', 'decline']],
    [['complete', 'decline']],
    [['rate', 'reopen']],
    [['reopen']],
    [['recall']],
    [ALL],
  ])('%j', async (allowed) => {
    wxh = detailWith(allowed)
    const page = await open(wxh, 'wish-detail', { id: '12' })
    expect(drawn(page)).toEqual(allowed)
    expect(page.querySelectorAll('.action-btn').map((b) => b.dom.textContent.trim())).toEqual(
      allowed.map((a) => text.actions[a]),
    )
  })

  test('an action the app has no label for is not drawn', async () => {
    wxh = detailWith(['escalate', 'cancel'])
    const page = await open(wxh, 'wish-detail', { id: '12' })
    expect(drawn(page)).toEqual(['cancel'])
  })

  test('buttons follow allowed_actions, not the status', async () => {
    wxh = detailWith([], {
      'GET /api/v1/wishes/12': Object.assign(fx.wish({ status: 'done', allowed_actions: [] }), { events: [] }),
    })
    const page = await open(wxh, 'wish-detail', { id: '12' })
    expect(drawn(page)).toEqual([])
    expect(page.querySelector('.actions')).toBeFalsy()
  })
})

describe('wish-detail presses', () => {
  test('accept: confirm, then POST /wishes/12/accept {} and reload', async () => {
    wxh = detailWith(['accept', 'decline'], {
      'POST /api/v1/wishes/12/accept': fx.wish({ status: 'accepted', allowed_actions: ['complete', 'decline'] }),
    })
    const page = await open(wxh, 'wish-detail', { id: '12' })
    wxh.clearRecords()
    await tap(wxh, page, '.action-btn[data-action=accept]')
    expect(wxh.modals).toHaveLength(1)
    expect(wxh.writes().map((r) => [r.method, r.path, r.data])).toEqual([['POST', '/api/v1/wishes/12/accept', {}]])
    expect(wxh.find('GET', '/api/v1/wishes/12')).toHaveLength(1)
  })

  test('accept: cancelling the confirm sends nothing', async () => {
    wxh = detailWith(['accept'])
    const page = await open(wxh, 'wish-detail', { id: '12' })
    wxh.modalConfirm = false
    wxh.clearRecords()
    await tap(wxh, page, '.action-btn[data-action=accept]')
    expect(wxh.requests).toEqual([])
  })

  test('accept lost to another member: 409 already_taken shown in Chinese', async () => {
    wxh = detailWith(['accept'], { 'POST /api/v1/wishes/12/accept': problem(409, 'already_taken') })
    const page = await open(wxh, 'wish-detail', { id: '12' })
    await tap(wxh, page, '.action-btn[data-action=accept]')
    expect(wxh.modals.map((m) => m.content)).toContain(text.errors.already_taken.msg)
  })

  test('dispatch opens the dispatch page', async () => {
    wxh = detailWith(['dispatch', 'reject'])
    const page = await open(wxh, 'wish-detail', { id: '12' })
    await tap(wxh, page, '.action-btn[data-action=dispatch]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/dispatch/dispatch?id=12' }])
    expect(wxh.writes()).toEqual([])
  })

  test.each(['recall', 'decline', 'complete', 'reject', 'cancel', 'rate', 'reopen'])(
    '%s opens its form',
    async (action) => {
      wxh = detailWith([action])
      const page = await open(wxh, 'wish-detail', { id: '12' })
      await tap(wxh, page, `.action-btn[data-action=${action}]`)
      expect(wxh.navigations).toHaveLength(1)
      expect(wxh.navigations[0].url.split('?')[0]).toBe('/pages/action/action')
      expect(queryOf(wxh.navigations[0].url)).toEqual({ id: '12', action })
      expect(wxh.writes()).toEqual([])
    },
  )
})

describe('action page posts exactly the contract body', () => {
  const cases = [
    ['complete', { '#note': '已更换阀芯', '#minutes': '45' }, [], { note: '已更换阀芯', service_minutes: 45 }],
    ['complete', {}, [], {}],
    ['rate', { '#comment': '很及时' }, [5], { score: 5, comment: '很及时' }],
    ['rate', {}, [3], { score: 3 }],
    ['cancel', {}, [], {}],
    ['cancel', { '#reason': '已自己解决' }, [], { reason: '已自己解决' }],
    ['reject', { '#reason': '不属于服务范围' }, [], { reason: '不属于服务范围' }],
    ['decline', { '#reason': '临时出差' }, [], { reason: '临时出差' }],
    ['reopen', { '#reason': '又漏水了' }, [], { reason: '又漏水了' }],
    ['recall', { '#note': '改派他人' }, [], { note: '改派他人' }],
  ]
  test.each(cases)('%s %j stars %j → %j', async (action, fields, stars, body) => {
    wxh = signedIn(fx.resident, { [`POST /api/v1/wishes/12/${action}`]: fx.wish() })
    const page = await open(wxh, 'action', { id: '12', action })
    for (const selector of Object.keys(fields)) await input(wxh, page, selector, fields[selector])
    for (const n of stars) await tap(wxh, page, `.star[data-score="${n}"]`)
    await tap(wxh, page, '#submit')
    expect(wxh.writes().map((r) => [r.method, r.path, r.data])).toEqual([['POST', `/api/v1/wishes/12/${action}`, body]])
    expect(wxh.navigations).toEqual([{ type: 'navigateBack', url: undefined }])
  })

  test.each([
    ['reject', {}, []],
    ['decline', { '#reason': '   ' }, []],
    ['reopen', {}, []],
    ['complete', { '#minutes': '半小时' }, []],
    ['complete', { '#minutes': '-5' }, []],
    ['rate', { '#comment': '好' }, []],
  ])('%s %j: refused before any request, with a Chinese hint', async (action, fields, stars) => {
    wxh = signedIn(fx.resident)
    const page = await open(wxh, 'action', { id: '12', action })
    for (const selector of Object.keys(fields)) await input(wxh, page, selector, fields[selector])
    await tap(wxh, page, '#submit')
    expect(wxh.writes()).toEqual([])
    expect(wxh.toasts).toHaveLength(1)
    expect(wxh.toasts[0].title).toMatch(/[\u4e00-\u9fa5]/)
    expect(wxh.navigations).toEqual([])
  })

  test('a refused transition is shown and the form stays', async () => {
    wxh = signedIn(fx.resident, { 'POST /api/v1/wishes/12/cancel': problem(409, 'invalid_transition') })
    const page = await open(wxh, 'action', { id: '12', action: 'cancel' })
    await tap(wxh, page, '#submit')
    expect(wxh.modals.map((m) => m.content)).toEqual([text.errors.invalid_transition.msg])
    expect(wxh.navigations).toEqual([])
  })
})

describe('dispatch page', () => {
  function dispatchRoutes() {
    return signedIn(fx.secretary, {
      'POST /api/v1/wishes/12/dispatch': (req) => ok(fx.wish({ status: 'dispatched', _body: req.data })),
    })
  }

  test('to a member: {"assignee_id"} (+ note)', async () => {
    wxh = dispatchRoutes()
    const page = await open(wxh, 'dispatch', { id: '12' })
    await tap(wxh, page, '.member[data-id="302"]')
    await input(wxh, page, '#note', '楼下就是')
    await tap(wxh, page, '#submit')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/wishes/12/dispatch', { assignee_id: 302, note: '楼下就是' }],
    ])
    expect(wxh.navigations).toEqual([{ type: 'navigateBack', url: undefined }])
  })

  test('no member picked: nothing sent', async () => {
    wxh = dispatchRoutes()
    const page = await open(wxh, 'dispatch', { id: '12' })
    await tap(wxh, page, '#submit')
    expect(wxh.writes()).toEqual([])
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.pages.dispatch.needMember])
  })

  test('open to a grid: {"pool": true, "grid_id"}', async () => {
    wxh = dispatchRoutes()
    const page = await open(wxh, 'dispatch', { id: '12' })
    await tap(wxh, page, '.mode-pool')
    await tap(wxh, page, '.grid[data-id="22"]')
    await tap(wxh, page, '#submit')
    expect(wxh.writes().map((r) => r.data)).toEqual([{ pool: true, grid_id: 22 }])
  })

  test('open to the whole community: {"pool": true}', async () => {
    wxh = dispatchRoutes()
    const page = await open(wxh, 'dispatch', { id: '12' })
    await tap(wxh, page, '.mode-pool')
    await tap(wxh, page, '.grid[data-id=""]')
    await tap(wxh, page, '#submit')
    expect(wxh.writes().map((r) => r.data)).toEqual([{ pool: true }])
  })
})

test('wish-detail opened from a subscribe message (?nid=) marks that notification read', async () => {
  wxh = detailWith(['cancel'], { 'POST /api/v1/notifications/9/read': () => ({ statusCode: 204, data: '' }) })
  await open(wxh, 'wish-detail', { id: '12', nid: '9' })
  expect(wxh.writes().map((r) => [r.method, r.path])).toEqual([['POST', '/api/v1/notifications/9/read']])
  expect(wxh.toasts).toEqual([])
})
