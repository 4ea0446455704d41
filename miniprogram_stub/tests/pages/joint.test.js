// 共驻共建 for a 驻区单位's contact person: 我的单位 (units, resources, projects, the needs to claim) and one
// project (its timeline and the buttons its allowed_actions give). Every request pinned; every refusal in Chinese.
const { open, tap, input, pick, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

const t = text.pages.unit
const tj = text.pages.jointProject
let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

function said() {
  return wxh.modals.filter((m) => m.showCancel === false).map((m) => m.content)
}

const STREET = { id: 2, name: '新城街道', level: 'street', parent_id: 1 }

// The contact's backend: one unit (and a secretary's unit the caller only sees), its resource and project, one
// open need in 金阳; `extra` adds or overrides routes.
function contactRoutes(extra = {}) {
  return Object.assign(
    {
      'GET /api/v1/joint/units': { items: [fx.unit(), fx.unit({ id: 91, name: '区教育局', contact_ids: [999] })], next_cursor: null },
      'GET /api/v1/orgs': [STREET].concat(fx.communities),
      'GET /api/v1/joint/projects': { items: [fx.jointProject(), fx.jointProject({ id: 51, unit_id: 91, title: '别的单位的' })], next_cursor: null },
      'GET /api/v1/joint/resources': (req) => ok({ items: req.query.unit_id === '90' ? [fx.resource()] : [], next_cursor: null }),
      'GET /api/v1/joint/needs': (req) =>
        ok({ items: req.query.community_id === String(fx.JINYANG) && req.query.state === 'open' ? [fx.need()] : [], next_cursor: null }),
    },
    extra,
  )
}

describe('我的单位', () => {
  test('renders my units only, their resources and projects, and the open needs of the communities they reach', async () => {
    wxh = signedIn(fx.resident, contactRoutes())
    const page = await open(wxh, 'unit')
    expect(wxh.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query || {})}`)).toEqual([
      'GET /api/v1/joint/units {"limit":"100"}',
      'GET /api/v1/orgs {}',
      'GET /api/v1/joint/projects {"limit":"100"}',
      'GET /api/v1/joint/resources {"limit":"100","unit_id":"90"}',
      `GET /api/v1/joint/needs {"limit":"100","community_id":"${fx.JINYANG}","state":"open"}`,
    ])
    expect(texts(page, '.unit-name')).toEqual(['市第一医院'])
    expect(texts(page, '.unit-kind')).toEqual(['医院'])
    expect(texts(page, '.unit-org')).toEqual(['新城街道'])
    expect(texts(page, '.resource-title')).toEqual(['健康讲座'])
    expect(texts(page, '.resource-kind')).toEqual(['专业技能'])
    expect(texts(page, '.project-title')).toEqual(['助老理发'])
    expect(texts(page, '.project-status')).toEqual(['已确认'])
    expect(texts(page, '.need-title')).toEqual(['老人义诊'])
    expect(texts(page, '.need-community')).toEqual(['金阳社区'])
    expect(page.querySelectorAll('.claim-btn')).toHaveLength(1)
  })

  test('not a contact of any unit: said so, nothing else asked', async () => {
    wxh = signedIn(fx.secretary, contactRoutes())
    const page = await open(wxh, 'unit')
    expect(texts(page, '.no-units')).toEqual([t.none])
    expect(wxh.requests.map((r) => r.path)).toEqual(['/api/v1/joint/units'])
  })

  test('a project opens its page', async () => {
    wxh = signedIn(fx.resident, contactRoutes())
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.project[data-id="50"]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/joint-project/joint-project?id=50' }])
  })

  test('登记资源: the form checks, then POST /joint/resources with the unit', async () => {
    wxh = signedIn(fx.resident, contactRoutes({ 'POST /api/v1/joint/resources': ok(fx.resource({ id: 71 }), 201) }))
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.add-resource-btn[data-unit="90"]')
    await tap(wxh, page, '#save-resource')
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.needKind])
    await pick(wxh, page, '#kind', 0)
    await tap(wxh, page, '#save-resource')
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.needKind, t.needTitle])
    await input(wxh, page, '#res-title', ' 会议室 ')
    await tap(wxh, page, '#save-resource')
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.needKind, t.needTitle, t.needContent])
    await input(wxh, page, '#res-content', '可容纳40人')
    await input(wxh, page, '#res-availability', '工作日晚上')
    wxh.clearRecords()
    await tap(wxh, page, '#save-resource')
    const sent = wxh.writes()
    expect(sent.map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/joint/resources', { unit_id: 90, kind: 'venue', title: '会议室', content: '可容纳40人', availability: '工作日晚上' }],
    ])
    expect(sent[0].idempotencyKey).toBeTruthy()
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.resourceAdded])
    expect(page.querySelector('.resource-form')).toBeFalsy()
    expect(wxh.find('GET', '/api/v1/joint/units')).toHaveLength(1) // refreshed
  })

  test.each([
    ['content_rejected', problem(422, 'content_rejected'), text.errors.content_rejected.msg],
    ['validation_error', problem(422, 'validation_error'), t.resourceInvalid],
    ['forbidden', problem(403, 'forbidden'), t.resourceForbidden],
    ['not_found', problem(404, 'not_found'), text.errors.not_found.msg],
  ])('登记资源 refused (%s): told in Chinese, the form kept', async (code, answer, msg) => {
    wxh = signedIn(fx.resident, contactRoutes({ 'POST /api/v1/joint/resources': answer }))
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.add-resource-btn[data-unit="90"]')
    await pick(wxh, page, '#kind', 2)
    await input(wxh, page, '#res-title', '讲座')
    await input(wxh, page, '#res-content', '慢病管理')
    await tap(wxh, page, '#save-resource')
    const shown = said().concat(wxh.toasts.map((x) => x.title))
    expect(shown).toEqual([msg])
    expect(page.data.form.title).toBe('讲座')
  })

  test('认领 with a note: POST /joint/needs/{id}/claim {unit_id, note}, then the project page', async () => {
    wxh = signedIn(fx.resident, contactRoutes({ 'POST /api/v1/joint/needs/60/claim': ok(fx.jointProject({ id: 52, status: 'proposed' }), 201) }))
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.claim-btn')
    await input(wxh, page, '#claim-note', ' 派两位医生 ')
    wxh.clearRecords()
    await tap(wxh, page, '#submit-claim')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/joint/needs/60/claim', { unit_id: 90, note: '派两位医生' }]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.claimed])
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/joint-project/joint-project?id=52' }])
  })

  test('认领 without a note sends no note', async () => {
    wxh = signedIn(fx.resident, contactRoutes({ 'POST /api/v1/joint/needs/60/claim': ok(fx.jointProject({ id: 52, status: 'proposed' }), 201) }))
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.claim-btn')
    await tap(wxh, page, '#submit-claim')
    expect(wxh.writes().map((r) => r.data)).toEqual([{ unit_id: 90 }])
  })

  test.each([
    ['conflict', problem(409, 'conflict'), t.conflict],
    ['content_rejected', problem(422, 'content_rejected'), text.errors.content_rejected.msg],
    ['validation_error', problem(422, 'validation_error'), t.claimInvalid],
    ['forbidden', problem(403, 'forbidden'), t.claimForbidden],
    ['not_found', problem(404, 'not_found'), t.claimNotFound],
    ['rate_limited', problem(429, 'rate_limited'), text.errors.rate_limited.msg],
  ])('认领 refused (%s): told in Chinese, nowhere navigated', async (code, answer, msg) => {
    wxh = signedIn(fx.resident, contactRoutes({ 'POST /api/v1/joint/needs/60/claim': answer }))
    const page = await open(wxh, 'unit')
    await tap(wxh, page, '.claim-btn')
    await tap(wxh, page, '#submit-claim')
    expect(said().concat(wxh.toasts.map((x) => x.title))).toEqual([msg])
    expect(wxh.navigations).toEqual([])
    if (code === 'conflict' || code === 'not_found') {
      expect(wxh.find('GET', '/api/v1/joint/units')).toHaveLength(2) // the list as it now is
      expect(page.data.claim).toBe(null)
    }
  })

  test('the index links 我的单位 only when a unit names me among its contacts', async () => {
    wxh = signedIn(fx.resident, contactRoutes())
    let page = await open(wxh, 'index')
    expect(page.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toEqual(['resident', 'volunteer', 'unit', 'general'])
    await tap(wxh, page, '.menu-entry[data-url=/pages/unit/unit]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/unit/unit' }])

    // A secretary sees units of their street, but acts for none: no entry.
    wxh = signedIn(fx.secretary, contactRoutes({ 'GET /api/v1/joint/units': { items: [fx.unit({ contact_ids: [999] })], next_cursor: null } }))
    page = await open(wxh, 'index')
    expect(page.querySelectorAll('.menu-entry').map((n) => n.dom.dataset.url)).not.toContain('/pages/unit/unit')

    // The check failing hides the entry and bothers no one.
    wxh = signedIn(fx.resident, { 'GET /api/v1/joint/units': problem(500, 'server') })
    page = await open(wxh, 'index')
    expect(page.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).not.toContain('unit')
    expect(wxh.toasts).toEqual([])
  })
})

describe('共建项目', () => {
  function projectRoutes(project, extra = {}) {
    return Object.assign(
      {
        'GET /api/v1/joint/projects/50': Object.assign(project, { events: fx.jointEvents() }),
        'GET /api/v1/joint/projects/50/photos': { items: [] },
        'GET /api/v1/joint/units/90': fx.unit(),
      },
      extra,
    )
  }

  test('renders the facts, the timeline and the buttons of allowed_actions', async () => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject()))
    const page = await open(wxh, 'joint-project', { id: '50' })
    expect(texts(page, '.project-title')).toEqual(['助老理发'])
    expect(texts(page, '.project-status')).toEqual(['已确认'])
    expect(texts(page, '.project-unit')).toEqual(['市第一医院'])
    expect(texts(page, '.project-community')).toEqual(['金阳社区'])
    expect(texts(page, '.event-label')).toEqual(['单位认领需求', '确认'])
    expect(texts(page, '.event-who')).toEqual(['单位 · 居民小王', '社区 · 李书记'])
    expect(texts(page, '.event-note')).toEqual(['我们派两位医生'])
    expect(texts(page, '.action-btn')).toEqual(['开始', '终止'])
  })

  test('rate is the community\'s: never drawn; a dropped project shows its reason', async () => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject({ status: 'dropped', drop_reason: '人手不够', allowed_actions: ['rate'] })))
    const page = await open(wxh, 'joint-project', { id: '50' })
    expect(page.querySelectorAll('.action-btn')).toHaveLength(0)
    expect(texts(page, '.drop-reason')).toEqual(['终止原因：人手不够'])
  })

  test.each([
    ['confirm', 'proposed'],
    ['start', 'agreed'],
    ['complete', 'in_progress'],
  ])('%s (from %s) after a confirm: POST /joint/projects/50/{action}', async (action, status) => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject({ status, allowed_actions: [action] }), { [`POST /api/v1/joint/projects/50/${action}`]: ok({}) }))
    const page = await open(wxh, 'joint-project', { id: '50' })
    await tap(wxh, page, `.action-btn[data-action=${action}]`)
    expect(wxh.modals.map((m) => m.content)).toEqual([tj.ask[action]])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([[`/api/v1/joint/projects/50/${action}`, {}]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([tj.done[action]])
    expect(wxh.find('GET', '/api/v1/joint/projects/50')).toHaveLength(2)
  })

  test('a declined confirm sends nothing', async () => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject({ allowed_actions: ['start'] })))
    wxh.modalConfirm = false
    const page = await open(wxh, 'joint-project', { id: '50' })
    await tap(wxh, page, '.action-btn[data-action=start]')
    expect(wxh.writes()).toEqual([])
  })

  test('记录进展: a note is needed; the note and the uploaded photos are sent', async () => {
    let nextId = 800
    wxh = signedIn(
      fx.resident,
      projectRoutes(fx.jointProject({ status: 'in_progress', allowed_actions: ['progress', 'complete', 'drop'] }), {
        'POST /api/v1/uploads': () => ok(fx.photo({ id: ++nextId, wish_id: null, stage: null, status: 'pending' }), 201),
        'POST /api/v1/joint/projects/50/progress': ok({}),
      }),
    )
    wxh.chosenMedia = ['wxfile://a.jpg', 'wxfile://b.jpg']
    const page = await open(wxh, 'joint-project', { id: '50' })
    await tap(wxh, page, '.action-btn[data-action=progress]')
    expect(page.querySelectorAll('.action-btn')).toHaveLength(0) // the form instead
    await tap(wxh, page, '#submit-act')
    expect(wxh.toasts.map((x) => x.title)).toEqual([tj.needNote])
    await tap(wxh, page, '#add-photo')
    await input(wxh, page, '#act-value', '第一次义诊，量了30位老人的血压')
    await tap(wxh, page, '#submit-act')
    expect(wxh.find('POST', '/api/v1/joint/projects/50/progress').map((r) => r.data)).toEqual([
      { note: '第一次义诊，量了30位老人的血压', photo_ids: [801, 802] },
    ])
    expect(page.data.form).toBe(null)
    expect(wxh.toasts.map((x) => x.title)).toContain(tj.done.progress)
  })

  test('终止 needs a reason, sent as reason', async () => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject(), { 'POST /api/v1/joint/projects/50/drop': ok({}) }))
    const page = await open(wxh, 'joint-project', { id: '50' })
    await tap(wxh, page, '.action-btn[data-action=drop]')
    await tap(wxh, page, '#submit-act')
    expect(wxh.toasts.map((x) => x.title)).toEqual([tj.needReason])
    await input(wxh, page, '#act-value', '社区另有安排')
    await tap(wxh, page, '#submit-act')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/joint/projects/50/drop', { reason: '社区另有安排' }]])
  })

  test('photos of progress entries show under their entry', async () => {
    const events = fx.jointEvents().concat([{ id: 502, action: 'progress', from_status: 'in_progress', to_status: 'in_progress', actor_id: 101, actor_name: '居民小王', side: 'unit', note: '第一次', at: '2026-12-04T02:00:00Z' }])
    wxh = signedIn(fx.resident, {
      'GET /api/v1/joint/projects/50': Object.assign(fx.jointProject({ status: 'in_progress', allowed_actions: [] }), { events }),
      'GET /api/v1/joint/projects/50/photos': { items: [fx.photo({ id: 9, joint_event_id: 502 })] },
      'GET /api/v1/joint/units/90': fx.unit(),
    })
    const page = await open(wxh, 'joint-project', { id: '50' })
    expect(page.data.events.map((e) => e.photos.length)).toEqual([0, 0, 1])
    await tap(wxh, page, '.event-photo')
    expect(wxh.previews).toHaveLength(1)
  })

  test.each([
    ['invalid_transition', problem(409, 'invalid_transition'), tj.changed],
    ['forbidden', problem(403, 'forbidden'), tj.notYourSide],
    ['validation_error', problem(422, 'validation_error'), tj.invalid],
    ['content_rejected', problem(422, 'content_rejected'), text.errors.content_rejected.msg],
    ['not_found', problem(404, 'not_found'), tj.notFound],
  ])('an act refused (%s): told in Chinese, the form kept', async (code, answer, msg) => {
    wxh = signedIn(fx.resident, projectRoutes(fx.jointProject({ status: 'in_progress', allowed_actions: ['progress'] }), { 'POST /api/v1/joint/projects/50/progress': answer }))
    const page = await open(wxh, 'joint-project', { id: '50' })
    await tap(wxh, page, '.action-btn[data-action=progress]')
    await input(wxh, page, '#act-value', '进展')
    await tap(wxh, page, '#submit-act')
    expect(said().concat(wxh.toasts.map((x) => x.title))).toEqual([msg])
    expect(page.data.form).toBe('progress')
  })

  test('a project one may not see: told, nothing drawn', async () => {
    wxh = signedIn(fx.resident, { 'GET /api/v1/joint/projects/50': problem(404, 'not_found') })
    const page = await open(wxh, 'joint-project', { id: '50' })
    expect(said()).toEqual([tj.notFound])
    expect(page.querySelector('.project-title')).toBeFalsy()
  })
})
