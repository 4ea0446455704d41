// End to end, against a real backend this test starts itself (a fresh embedded PostgreSQL, fake WeChat, demo data):
// the pages, driven like a user would, go through the whole loop, each role on its own "phone" (a wx harness
// with its own storage) and wx.request doing real HTTP.
//   resident orders → secretary dispatches → member accepts and completes → resident rates,
// and a pool wish that two members race for.
const { phones } = require('../helpers/phones')
const { startBackend, getJson } = require('../helpers/backend')
const { all, pick, texts, queryOf, appPages } = require('../helpers/page')
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

// What the server said this caller may do with the wish, on the page's last GET of it.
function serverActions(p, id) {
  const got = p.find('GET', `/api/v1/wishes/${id}`).filter((r) => r.statusCode === 200)
  return got[got.length - 1].response.allowed_actions
}

function drawn(page) {
  return page.querySelectorAll('.action-btn').map((b) => b.dom.dataset.action)
}

// Open a wish card from a list page, by title.
async function openCard(p, listPage, title) {
  use(p)
  const i = texts(listPage, '.wish >>> .wish-title').indexOf(title)
  expect(i).toBeGreaterThanOrEqual(0)
  all(listPage, '.wish >>> .wish-body')[i].dispatchEvent('tap')
  await p.idle()
  const [name, query] = lastNav(p, 'navigateTo')
  expect(name).toBe('wish-detail')
  return openOn(p, 'wish-detail', query)
}

beforeEach(() => {
  config.devMode = true
  subscribe.reset()
})

test('resident orders, secretary dispatches, member accepts and completes, resident rates', async () => {
  const title = `代买药品 e2e ${Date.now() % 100000}`
  const resident = phone()
  const secretary = phone()
  const member = phone()

  // ── resident orders from the catalog
  const residentUser = await signIn(resident, 'demo-resident-jinyang-1')
  let home = await openOn(resident, 'index')
  expect(home.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toEqual(['resident', 'volunteer', 'general'])
  const catalog = await openOn(resident, 'catalog')
  expect(catalog.querySelectorAll('.category').length).toBeGreaterThan(0)
  await tapOn(resident, catalog, '.category')
  let [name, query] = lastNav(resident, 'navigateTo')
  expect(name).toBe('order')
  const order = await openOn(resident, 'order', query)
  await inputOn(resident, order, '#title', title)
  await inputOn(resident, order, '#content', '降压药一盒，下午送到')
  await tapOn(resident, order, '#submit')
  const created = resident.find('POST', '/api/v1/wishes')
  expect(created).toHaveLength(1)
  expect(created[0].statusCode).toBe(201)
  expect(created[0].idempotencyKey).toBeTruthy()
  expect(created[0].response).toMatchObject({ status: 'ordered', title, resident: { id: residentUser.id } })
  ;[name, query] = lastNav(resident, 'redirectTo')
  expect(name).toBe('wish-detail')
  const wishId = created[0].response.id
  expect(query).toEqual({ id: String(wishId) })
  let detail = await openOn(resident, 'wish-detail', query)
  expect(texts(detail, '.wish-status')).toEqual([text.status.ordered])
  expect(drawn(detail)).toEqual(serverActions(resident, wishId))
  expect(drawn(detail)).toContain('cancel')
  expect(drawn(detail)).not.toContain('dispatch')

  // ── secretary finds it in the queue and dispatches it to member 1
  const memberUser = await signIn(member, 'demo-member-jinyang-1')
  await signIn(secretary, 'demo-secretary-jinyang')
  home = await openOn(secretary, 'index')
  expect(home.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toContain('secretary')
  const queue = await openOn(secretary, 'queue')
  detail = await openCard(secretary, queue, title)
  expect(drawn(detail)).toEqual(serverActions(secretary, wishId))
  expect(drawn(detail)).toEqual(expect.arrayContaining(['dispatch', 'reject']))
  await tapOn(secretary, detail, '.action-btn[data-action=dispatch]')
  ;[name, query] = lastNav(secretary, 'navigateTo')
  expect(name).toBe('dispatch')
  const dispatch = await openOn(secretary, 'dispatch', query)
  const memberIds = all(dispatch, '.member').map((n) => Number(n.dom.dataset.id))
  expect(memberIds).toContain(memberUser.id)
  await tapOn(secretary, dispatch, `.member[data-id="${memberUser.id}"]`)
  await tapOn(secretary, dispatch, '#submit')
  const dispatched = secretary.find('POST', `/api/v1/wishes/${wishId}/dispatch`)
  expect(dispatched.map((r) => [r.statusCode, r.data])).toEqual([[200, { assignee_id: memberUser.id }]])
  expect(dispatched[0].response).toMatchObject({ status: 'dispatched', assignee: { id: memberUser.id } })
  lastNav(secretary, 'navigateBack')

  // ── member finds it in "my tasks", accepts, completes with minutes
  const tasks = await openOn(member, 'my-tasks')
  detail = await openCard(member, tasks, title)
  expect(texts(detail, '.wish-status')).toEqual([text.status.dispatched])
  expect(drawn(detail)).toEqual(serverActions(member, wishId))
  expect(drawn(detail)).toContain('accept')
  await tapOn(member, detail, '.action-btn[data-action=accept]')
  const accepted = member.find('POST', `/api/v1/wishes/${wishId}/accept`)
  expect(accepted.map((r) => [r.statusCode, r.data])).toEqual([[200, {}]])
  expect(texts(detail, '.wish-status')).toEqual([text.status.accepted])
  expect(drawn(detail)).toEqual(serverActions(member, wishId))
  expect(drawn(detail)).toContain('complete')
  await tapOn(member, detail, '.action-btn[data-action=complete]')
  ;[name, query] = lastNav(member, 'navigateTo')
  expect([name, query]).toEqual(['action', { id: String(wishId), action: 'complete' }])
  const complete = await openOn(member, 'action', query)
  await inputOn(member, complete, '#note', '已送到，老人很满意')
  await inputOn(member, complete, '#minutes', '45')
  await tapOn(member, complete, '#submit')
  const completed = member.find('POST', `/api/v1/wishes/${wishId}/complete`)
  expect(completed.map((r) => [r.statusCode, r.data])).toEqual([[200, { note: '已送到，老人很满意', service_minutes: 45 }]])
  expect(completed[0].response.status).toBe('done')

  // ── resident sees it done in "my wishes" and rates it
  const mine = await openOn(resident, 'my-wishes')
  detail = await openCard(resident, mine, title)
  expect(texts(detail, '.wish-status')).toEqual([text.status.done])
  expect(drawn(detail)).toEqual(serverActions(resident, wishId))
  expect(drawn(detail)).toContain('rate')
  expect(texts(detail, '.event-label')).toEqual(
    expect.arrayContaining([text.events.dispatch, text.events.accept, text.events.complete]),
  )
  await tapOn(resident, detail, '.action-btn[data-action=rate]')
  ;[name, query] = lastNav(resident, 'navigateTo')
  const rate = await openOn(resident, 'action', query)
  await tapOn(resident, rate, '.star[data-score="5"]')
  await inputOn(resident, rate, '#comment', '很及时，谢谢')
  await tapOn(resident, rate, '#submit')
  const rated = resident.find('POST', `/api/v1/wishes/${wishId}/rate`)
  expect(rated.map((r) => [r.statusCode, r.data])).toEqual([[200, { score: 5, comment: '很及时，谢谢' }]])
  detail = await openOn(resident, 'wish-detail', { id: String(wishId) })
  expect(texts(detail, '.wish-rating')[0]).toContain('5★')
  expect(drawn(detail)).toEqual(serverActions(resident, wishId))
  expect(drawn(detail)).not.toContain('rate')

  // ── the resident was told along the way; the secretary's figures count the work
  const inbox = await openOn(resident, 'notifications')
  expect(inbox.data.items.filter((n) => n.wish_id === wishId).length).toBeGreaterThan(0)
  const stats = await openOn(secretary, 'stats')
  expect(stats.data.figures.find((f) => f.key === 'wishes').value).not.toBe('0')
  const qr = await openOn(member, 'qrcode')
  expect(qr.data.src).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)

  // The consent given on the order form reached the backend, and WeChat (the fake) was asked to send the
  // resident a subscribe message that opens this wish in the stub.
  expect(resident.subscribeRequests).toHaveLength(1)
  expect(resident.find('POST', '/api/v1/subscriptions').map((r) => r.statusCode)).toEqual([200])
  const opensWish = (m) => m.page.split('?')[0] === 'pages/wish-detail/wish-detail' && queryOf(m.page).id === String(wishId)
  let messages = []
  for (let i = 0; i < 50 && !messages.some(opensWish); i++) {
    if (i) await new Promise((r) => setTimeout(r, 100))
    messages = (await getJson(`${backend.url}/_dev/wechat/messages`)).filter((m) => m.touser === 'demo-resident-jinyang-1')
  }
  expect(messages.filter(opensWish)).not.toHaveLength(0)
  for (const m of messages) expect(appPages()).toContain(m.page.split('?')[0])

  for (const p of [resident, secretary, member]) {
    expect(p.toasts.filter((t) => t.icon === 'none')).toEqual([])
    expect(p.modals.filter((m) => m.showCancel === false)).toEqual([])
    expectNoErrors(p)
  }
})

test('a pool wish: two members race on the pool page, one wins, the other is told in Chinese', async () => {
  const title = `修水龙头 e2e ${Date.now() % 100000}`
  const resident = phone()
  const secretary = phone()
  const first = phone()
  const second = phone()
  await signIn(resident, 'demo-resident-jinyang-2')
  await signIn(secretary, 'demo-secretary-jinyang')
  await signIn(first, 'demo-member-jinyang-2')
  await signIn(second, 'demo-member-jinyang-3')

  const catalog = await openOn(resident, 'catalog')
  await tapOn(resident, catalog, '.category')
  const order = await openOn(resident, 'order', lastNav(resident, 'navigateTo')[1])
  await inputOn(resident, order, '#title', title)
  await inputOn(resident, order, '#content', '厨房水龙头一直滴水')
  await tapOn(resident, order, '#submit')
  const wishId = resident.find('POST', '/api/v1/wishes')[0].response.id

  // Opened to the whole community, so every member of it may grab it.
  const dispatch = await openOn(secretary, 'dispatch', { id: String(wishId) })
  await tapOn(secretary, dispatch, '.mode-pool')
  await tapOn(secretary, dispatch, '.grid[data-id=""]')
  await tapOn(secretary, dispatch, '#submit')
  expect(secretary.find('POST', `/api/v1/wishes/${wishId}/dispatch`).map((r) => [r.statusCode, r.data])).toEqual([
    [200, { pool: true }],
  ])

  const poolA = await openOn(first, 'pool')
  const poolB = await openOn(second, 'pool')
  expect(all(poolA, '.grab-btn').map((b) => Number(b.dom.dataset.id))).toContain(wishId)
  expect(all(poolB, '.grab-btn').map((b) => Number(b.dom.dataset.id))).toContain(wishId)

  await tapOn(first, poolA, `.grab-btn[data-id="${wishId}"]`)
  expect(first.find('POST', `/api/v1/wishes/${wishId}/accept`).map((r) => r.statusCode)).toEqual([200])
  expect(lastNav(first, 'navigateTo')).toEqual(['wish-detail', { id: String(wishId) }])

  await tapOn(second, poolB, `.grab-btn[data-id="${wishId}"]`)
  const lost = second.find('POST', `/api/v1/wishes/${wishId}/accept`)
  expect(lost.map((r) => [r.statusCode, r.response.code])).toEqual([[409, 'already_taken']])
  expect(second.modals.map((m) => m.content)).toEqual([text.errors.already_taken.msg])
  // The list was reloaded and the wish is gone from it.
  expect(all(poolB, '.grab-btn').map((b) => Number(b.dom.dataset.id))).not.toContain(wishId)

  for (const p of [resident, secretary, first]) expectNoErrors(p)
  expectNoErrors(second, [`POST /api/v1/wishes/${wishId}/accept → 409`])
})

test('an expired token is renewed silently: the page still loads', async () => {
  const resident = phone()
  await signIn(resident, 'demo-resident-jinyang-3')
  resident.wx.setStorageSync('xy_token', 'not-a-valid-token')
  resident.clearRecords()
  const mine = await openOn(resident, 'my-wishes')
  expect(mine.data.loaded).toBe(true)
  expect(resident.requests.map((r) => `${r.method} ${r.path} ${r.statusCode}`)).toEqual([
    'GET /api/v1/wishes 401',
    'POST /api/v1/auth/login 200',
    'GET /api/v1/wishes 200',
  ])
  expect(resident.toasts).toEqual([])
})

test('报到: a resident reports as a party member, the secretary approves, the member pages appear', async () => {
  const resident = phone()
  const secretary = phone()
  await signIn(resident, 'demo-resident-wanfolou-1')
  await signIn(secretary, 'demo-secretary-wanfolou')

  const form = await openOn(resident, 'member-report')
  const wanfolou = form.data.communities.findIndex((c) => c.name === '万佛楼社区')
  expect(wanfolou).toBeGreaterThanOrEqual(0)
  use(resident)
  await pick(resident, form, '#community', wanfolou)
  await inputOn(resident, form, '#real_name', '刘报到')
  await inputOn(resident, form, '#workplace', '区税务局')
  await inputOn(resident, form, '#party_org', '区税务局机关党委')
  await inputOn(resident, form, '#skills', '法律咨询，辅导功课')
  await tapOn(resident, form, '#submit')
  const sent = resident.find('POST', '/api/v1/member-reports')
  expect(sent.map((r) => r.statusCode)).toEqual([201])
  expect(sent[0].response.status).toBe('pending')
  const reportId = sent[0].response.id

  const reports = await openOn(secretary, 'reports')
  expect(texts(reports, '.report-name')).toContain('刘报到')
  await tapOn(secretary, reports, `.approve-btn[data-id="${reportId}"]`)
  expect(secretary.find('POST', `/api/v1/member-reports/${reportId}/approve`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(reports, '.report-name')).not.toContain('刘报到')

  const home = await openOn(resident, 'index')
  expect(home.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toContain('member')
  for (const p of [resident, secretary]) expectNoErrors(p)
})
