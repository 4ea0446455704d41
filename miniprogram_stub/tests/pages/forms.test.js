// What the other pages' buttons send: sign-in, order form (with the QR scene and the consent prompt), queue
// filters, report approvals, pool, member report, notifications.
const { open, tap, input, pick, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const session = require('../../utils/session')
const text = require('../../utils/text')

let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

describe('login', () => {
  test('a demo user signs in with dev:<openid>:<nonce> and lands on the home page', async () => {
    wxh = signedIn(fx.secretary, {
      'POST /api/v1/auth/login': (req) => ok({ access_token: 'tok-sec', token_type: 'bearer', expires_in: 60, user: fx.secretary }),
    })
    wxh.storage.clear()
    const page = await open(wxh, 'login')
    await tap(wxh, page, '.demo-user[data-openid=demo-secretary-jinyang]')
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/auth/login'])
    expect(wxh.writes()[0].data.code).toMatch(/^dev:demo-secretary-jinyang:\w+$/)
    expect(session.getToken()).toBe('tok-sec')
    expect(wxh.navigations).toEqual([{ type: 'reLaunch', url: '/pages/index/index' }])
  })

  test('a refused sign-in is told in Chinese and stays', async () => {
    wxh = signedIn(fx.resident, { 'POST /api/v1/auth/login': problem(401, 'wechat_login_failed') })
    wxh.storage.clear()
    const page = await open(wxh, 'login')
    await tap(wxh, page, '.demo-user')
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.wechat_login_failed.msg])
    expect(wxh.navigations).toEqual([])
  })
})

test('index: a menu entry opens its page', async () => {
  wxh = signedIn(fx.member)
  const page = await open(wxh, 'index')
  await tap(wxh, page, '.menu-entry[data-url=/pages/pool/pool]')
  expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/pool/pool' }])
})

test('catalog: a category opens the order form for it', async () => {
  wxh = signedIn(fx.resident)
  const page = await open(wxh, 'catalog')
  await tap(wxh, page, '.category[data-id="2"]')
  expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/order/order?category_id=2' }])
})

describe('order', () => {
  function orderRoutes() {
    return signedIn(fx.resident, {
      'POST /api/v1/wishes': (req) => ok(fx.wish({ id: 77 }), 201),
      'POST /api/v1/subscriptions': ok({ wish_accepted: 1, wish_done: 1, wish_dispatched: 1 }),
      'POST /_dev/wechat/consent': ok({}),
    })
  }

  test('scanned QR scene m=301 → target_member_id; consent asked; POST /wishes with an Idempotency-Key', async () => {
    wxh = orderRoutes()
    session.setDevOpenid('demo-resident-jinyang-1')
    const page = await open(wxh, 'order', { scene: encodeURIComponent('m=301') })
    expect(page.data.targetMemberId).toBe(301)
    expect(page.querySelector('.target-member')).toBeTruthy()
    await pick(wxh, page, '#category', 1)
    await input(wxh, page, '#title', '厨房水龙头漏水')
    await input(wxh, page, '#content', '一直滴水')
    await input(wxh, page, '#contact_phone', '13800001234')
    await tap(wxh, page, '#submit')
    expect(wxh.subscribeRequests).toEqual([['TMPL-ACCEPTED', 'TMPL-DONE', 'TMPL-DISPATCHED']])
    const writes = wxh.writes()
    expect(writes.map((r) => r.path)).toEqual(['/_dev/wechat/consent', '/api/v1/subscriptions', '/api/v1/wishes'])
    expect(writes[0].data).toEqual({
      openid: 'demo-resident-jinyang-1',
      template_ids: ['TMPL-ACCEPTED', 'TMPL-DONE', 'TMPL-DISPATCHED'],
    })
    expect(writes[1].data).toEqual({ accepted: ['wish_accepted', 'wish_done', 'wish_dispatched'] })
    expect(writes[2].data).toEqual({
      category_id: 2,
      title: '厨房水龙头漏水',
      content: '一直滴水',
      address: '金阳小区3号楼2单元',
      contact_phone: '13800001234',
      target_member_id: 301,
    })
    expect(writes[2].idempotencyKey).toBeTruthy()
    expect(wxh.navigations).toEqual([{ type: 'redirectTo', url: '/pages/wish-detail/wish-detail?id=77' }])
  })

  test('after a network failure the retry reuses the Idempotency-Key', async () => {
    wxh = orderRoutes()
    let calls = 0
    const inner = wxh.handler
    wxh.handler = (req) => {
      if (req.path === '/api/v1/wishes' && req.method === 'POST' && ++calls === 1) {
        return Promise.reject(new Error('socket hang up'))
      }
      return inner(req)
    }
    const page = await open(wxh, 'order', { category_id: '1' })
    await input(wxh, page, '#title', '代买药品')
    await input(wxh, page, '#content', '降压药一盒')
    await tap(wxh, page, '#submit')
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.network.msg])
    await tap(wxh, page, '#submit')
    const creates = wxh.find('POST', '/api/v1/wishes')
    expect(creates).toHaveLength(2)
    expect(creates[1].idempotencyKey).toBe(creates[0].idempotencyKey)
    expect(creates[1].data.target_member_id).toBeUndefined()
  })

  test('missing title: told, nothing sent', async () => {
    wxh = orderRoutes()
    const page = await open(wxh, 'order', { category_id: '1' })
    await input(wxh, page, '#content', '降压药一盒')
    await tap(wxh, page, '#submit')
    expect(wxh.writes()).toEqual([])
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.pages.order.needTitle])
  })

  test('risky content: 422 content_rejected shown, the form stays', async () => {
    wxh = orderRoutes()
    wxh.handler = ((inner) => (req) =>
      req.path === '/api/v1/wishes' && req.method === 'POST' ? problem(422, 'content_rejected') : inner(req))(wxh.handler)
    const page = await open(wxh, 'order', { category_id: '1' })
    await input(wxh, page, '#title', '违规测试')
    await input(wxh, page, '#content', '违规测试')
    await tap(wxh, page, '#submit')
    expect(wxh.modals.map((m) => m.content)).toEqual([text.errors.content_rejected.msg])
    expect(wxh.navigations).toEqual([])
  })

  test('a resident without a home picks the community', async () => {
    wxh = signedIn(Object.assign({}, fx.resident, { home: null }), {
      'POST /api/v1/wishes': ok(fx.wish({ id: 78 }), 201),
      'POST /api/v1/subscriptions': ok({}),
    })
    const page = await open(wxh, 'order', { category_id: '1' })
    expect(wxh.find('GET', '/api/v1/orgs')[0].query).toEqual({ level: 'community' })
    await input(wxh, page, '#title', '代买药品')
    await input(wxh, page, '#content', '降压药')
    await tap(wxh, page, '#submit')
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.pages.order.needCommunity])
    await pick(wxh, page, '#community', 1)
    await tap(wxh, page, '#submit')
    expect(wxh.find('POST', '/api/v1/wishes')[0].data.community_id).toBe(12)
  })

  test('the list offered is the community\'s whole list: the home community, or the one picked', async () => {
    const own = {
      11: { id: 9, code: 'jy_own', name: '义剪', description: '', time_limit_hours: 24, org_id: 11 },
      12: { id: 10, code: 'wfl_own', name: '秦腔票友活动室', description: '', time_limit_hours: 72, org_id: 12 },
    }
    const byCommunity = (req) => ok(own[req.query.org_id] ? [...fx.categories, own[req.query.org_id]] : fx.categories)
    wxh = signedIn(fx.resident, { 'GET /api/v1/categories': byCommunity })
    const atHome = await open(wxh, 'order', { category_id: '9' })
    expect(wxh.find('GET', '/api/v1/categories')[0].query).toEqual({ org_id: '11' })
    expect(atHome.data.categories[atHome.data.categoryIndex].code).toBe('jy_own')

    wxh = signedIn(Object.assign({}, fx.resident, { home: null }), { 'GET /api/v1/categories': byCommunity })
    const page = await open(wxh, 'order', { category_id: '1' })
    expect(wxh.find('GET', '/api/v1/categories')[0].query).toEqual({})
    expect(page.data.categories.map((c) => c.code)).toEqual(['errand', 'repair'])
    await pick(wxh, page, '#community', 1)
    expect(wxh.find('GET', '/api/v1/categories')[1].query).toEqual({ org_id: '12' })
    expect(page.data.categories.map((c) => c.code)).toEqual(['errand', 'repair', 'wfl_own'])
    expect(page.data.categories[page.data.categoryIndex].code).toBe('errand') // the choice survives the reload
  })
})

describe('queue filters', () => {
  test('status and overdue go into the query', async () => {
    wxh = signedIn(fx.secretary)
    const page = await open(wxh, 'queue')
    await tap(wxh, page, '.status-filter[data-value=dispatched]')
    await tap(wxh, page, '.overdue-filter')
    await tap(wxh, page, '.status-filter[data-value=""]')
    const queries = wxh.find('GET', '/api/v1/wishes').map((r) => r.query)
    expect(queries).toEqual([
      { limit: '20', scope: 'community', status: 'ordered' },
      { limit: '20', scope: 'community', status: 'dispatched' },
      { limit: '20', scope: 'community', status: 'dispatched', overdue: 'true' },
      { limit: '20', scope: 'community', overdue: 'true' },
    ])
    expect(texts(page, '.overdue-filter.on')).toEqual([text.pages.queue.overdueOnly])
  })

  test('load more sends the cursor and appends', async () => {
    let n = 0
    wxh = signedIn(fx.secretary, {
      'GET /api/v1/wishes': () =>
        ++n === 1
          ? ok({ items: [fx.wish({ id: 1 })], next_cursor: 'c2' })
          : ok({ items: [fx.wish({ id: 2 })], next_cursor: null }),
    })
    const page = await open(wxh, 'queue')
    await tap(wxh, page, '.load-more')
    expect(wxh.find('GET', '/api/v1/wishes')[1].query.cursor).toBe('c2')
    expect(page.data.items.map((w) => w.id)).toEqual([1, 2])
    expect(page.querySelector('.load-more')).toBeFalsy()
  })

  test('a card opens the wish', async () => {
    wxh = signedIn(fx.secretary)
    const page = await open(wxh, 'queue')
    page.querySelector('.wish >>> .wish-body').dispatchEvent('tap')
    await wxh.idle()
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/wish-detail/wish-detail?id=12' }])
  })
})

describe('reports', () => {
  test('approve: POST /member-reports/7/approve, the report leaves the list', async () => {
    wxh = signedIn(fx.secretary, { 'POST /api/v1/member-reports/7/approve': ok({ id: 7, status: 'approved' }) })
    const page = await open(wxh, 'reports')
    await tap(wxh, page, '.approve-btn[data-id="7"]')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/member-reports/7/approve', {}]])
    expect(page.querySelectorAll('.report')).toHaveLength(0)
  })

  test('reject needs a reason, then POST /member-reports/7/reject {"reason"}', async () => {
    wxh = signedIn(fx.secretary, { 'POST /api/v1/member-reports/7/reject': ok({ id: 7, status: 'rejected' }) })
    const page = await open(wxh, 'reports')
    await tap(wxh, page, '.reject-btn[data-id="7"]')
    await tap(wxh, page, '.confirm-reject')
    expect(wxh.writes()).toEqual([])
    await input(wxh, page, '.reject-reason', '非本社区居民')
    await tap(wxh, page, '.confirm-reject')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/member-reports/7/reject', { reason: '非本社区居民' }],
    ])
  })
})

describe('pool', () => {
  const poolList = {
    items: [fx.wish({ id: 30, status: 'dispatched', pool: true, allowed_actions: ['accept'] })],
    next_cursor: null,
  }

  test('抢单: POST /wishes/30/accept {}, then the wish', async () => {
    wxh = signedIn(fx.member, {
      'GET /api/v1/wishes': poolList,
      'POST /api/v1/wishes/30/accept': fx.wish({ id: 30, status: 'accepted' }),
    })
    const page = await open(wxh, 'pool')
    await tap(wxh, page, '.grab-btn[data-id="30"]')
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/wishes/30/accept', {}]])
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/wish-detail/wish-detail?id=30' }])
  })

  test('too late: already_taken shown, list reloaded, no navigation', async () => {
    wxh = signedIn(fx.member, {
      'GET /api/v1/wishes': poolList,
      'POST /api/v1/wishes/30/accept': problem(409, 'already_taken'),
    })
    const page = await open(wxh, 'pool')
    await tap(wxh, page, '.grab-btn[data-id="30"]')
    expect(wxh.modals.map((m) => m.content)).toEqual([text.errors.already_taken.msg])
    expect(wxh.navigations).toEqual([])
    expect(wxh.find('GET', '/api/v1/wishes')).toHaveLength(2)
  })
})

test('member-report: POST /member-reports with the contract fields', async () => {
  wxh = signedIn(fx.resident, { 'POST /api/v1/member-reports': ok({ id: 9, status: 'pending' }, 201) })
  const page = await open(wxh, 'member-report')
  await pick(wxh, page, '#grid', 1)
  await input(wxh, page, '#real_name', '王五')
  await input(wxh, page, '#workplace', '区税务局')
  await input(wxh, page, '#party_org', '区税务局机关党委')
  await input(wxh, page, '#skills', '法律咨询，辅导功课、 水电')
  await tap(wxh, page, '#submit')
  expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
    [
      '/api/v1/member-reports',
      {
        community_id: fx.JINYANG,
        grid_id: 22,
        real_name: '王五',
        workplace: '区税务局',
        party_org: '区税务局机关党委',
        skills: ['法律咨询', '辅导功课', '水电'],
      },
    ],
  ])
  expect(page.querySelector('.submitted')).toBeTruthy()
})

describe('notifications', () => {
  test('tap an unread one: POST /notifications/5/read, then its wish', async () => {
    wxh = signedIn(fx.resident, { 'POST /api/v1/notifications/5/read': () => ({ statusCode: 204, data: '' }) })
    const page = await open(wxh, 'notifications')
    await tap(wxh, page, '.notification[data-id="5"]')
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/notifications/5/read'])
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/wish-detail/wish-detail?id=12' }])
    expect(page.querySelectorAll('.notification.unread')).toHaveLength(0)
  })

  test('a read one without a wish does nothing', async () => {
    wxh = signedIn(fx.resident)
    const page = await open(wxh, 'notifications')
    await tap(wxh, page, '.notification[data-id="4"]')
    expect(wxh.writes()).toEqual([])
    expect(wxh.navigations).toEqual([])
  })

  test('unread only', async () => {
    wxh = signedIn(fx.resident)
    const page = await open(wxh, 'notifications')
    await tap(wxh, page, '.unread-filter')
    expect(wxh.find('GET', '/api/v1/notifications').map((r) => r.query.unread)).toEqual([undefined, 'true'])
  })

  test('the consent button asks for the client-config templates and reports the accepted keys', async () => {
    wxh = signedIn(fx.resident, { 'POST /api/v1/subscriptions': ok({}) })
    const page = await open(wxh, 'notifications')
    await tap(wxh, page, '.subscribe-btn')
    expect(wxh.subscribeRequests).toEqual([['TMPL-ACCEPTED', 'TMPL-DONE', 'TMPL-DISPATCHED']])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([
      ['/api/v1/subscriptions', { accepted: ['wish_accepted', 'wish_done', 'wish_dispatched'] }],
    ])
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.pages.subscribe.done])
  })
})
