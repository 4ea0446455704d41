// Every page of app.json renders, from contract-shaped data, what it is there to show.
const { open, texts, appPages } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const fx = require('../helpers/fixtures')
const config = require('../../config')
const text = require('../../utils/text')

const rendered = new Set()
let wxh

async function render(name, user, options) {
  const comp = await open(wxh, name, options)
  rendered.add(`pages/${name}/${name}`)
  return comp
}

afterEach(() => {
  expect(wxh.unmatched).toEqual([])
  expect(wxh.toasts).toEqual([])
  expect(wxh.modals).toEqual([])
})

test('index: the menu groups follow the roles', async () => {
  wxh = signedIn(fx.resident)
  let page = await render('index')
  expect(page.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toEqual(['resident', 'volunteer', 'general'])
  expect(texts(page, '.user-name')[0]).toContain('居民小王')
  const entries = page.querySelectorAll('.menu-entry').map((n) => n.dom.dataset.url)
  expect(entries).toEqual(expect.arrayContaining([
    '/pages/activities/activities',
    '/pages/points/points',
    '/pages/shop/shop',
    '/pages/community/community',
  ]))
  expect(entries).not.toContain('/pages/my-team/my-team')

  wxh = signedIn(fx.secretary)
  page = await render('index')
  expect(page.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toEqual([
    'resident',
    'volunteer',
    'secretary',
    'general',
  ])
  expect(texts(page, '.user-roles')[0]).toBe('金阳社区支部书记')

  wxh = signedIn(fx.member)
  page = await render('index')
  expect(page.querySelectorAll('.menu-group').map((g) => g.dom.dataset.group)).toEqual([
    'resident',
    'volunteer',
    'member',
    'general',
  ])
  expect(page.querySelectorAll('.menu-entry').map((n) => n.dom.dataset.url)).toContain('/pages/my-team/my-team')
})

test('index: signed out → the sign-in page', async () => {
  wxh = signedIn(fx.resident)
  wxh.storage.clear()
  await render('index')
  expect(wxh.navigations).toEqual([{ type: 'reLaunch', url: '/pages/login/login' }])
  expect(wxh.requests).toEqual([])
})

test('login: dev mode lists the demo users; real mode one WeChat button', async () => {
  wxh = signedIn(fx.resident)
  let page = await render('login')
  expect(texts(page, '.demo-user')).toEqual(text.demoUsers.map((u) => u.label))
  expect(page.querySelector('.wx-login')).toBeFalsy()
  config.devMode = false
  try {
    page = await render('login')
    expect(page.querySelectorAll('.demo-user')).toHaveLength(0)
    expect(page.querySelector('.wx-login')).toBeTruthy()
  } finally {
    config.devMode = true
  }
})

test('catalog: one card per category with its time limit', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('catalog')
  const cards = texts(page, '.category')
  expect(cards).toHaveLength(2)
  expect(cards[0]).toContain('微心愿代购')
  expect(cards[0]).toContain('48小时')
})

test('order: categories to pick from, address prefilled from home', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('order', null, { category_id: '2' })
  expect(page.data.categories).toHaveLength(2)
  expect(texts(page, '.category-name')).toEqual(['家电维修'])
  expect(page.data.address).toBe('金阳小区3号楼2单元')
  expect(page.querySelector('.target-member')).toBeFalsy()
})

test('my-wishes: a card per wish with status and overdue marker', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('my-wishes')
  expect(wxh.find('GET', '/api/v1/wishes')[0].query).toMatchObject({ scope: 'mine' })
  expect(texts(page, '.wish >>> .wish-title')).toEqual(['厨房水龙头漏水', '代买药品'])
  expect(texts(page, '.wish >>> .wish-status')).toEqual(['待派单', '待派单'])
  expect(page.querySelectorAll('.wish >>> .wish-overdue')).toHaveLength(1)
})

test('wish-detail: fields, timeline, buttons', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('wish-detail', null, { id: '12' })
  expect(texts(page, '.wish-title')).toEqual(['厨房水龙头漏水'])
  expect(texts(page, '.event-label')).toEqual(['居民点单', '支部派单'])
  expect(texts(page, '.event-note')).toEqual(['请尽快上门'])
  expect(texts(page, '.action-btn')).toEqual(['撤销心愿'])
})

test('action: each action shows its own fields', async () => {
  wxh = signedIn(fx.member)
  let page = await render('action', null, { id: '12', action: 'complete' })
  expect(['#note', '#minutes', '#reason', '.star'].map((s) => !!page.querySelector(s))).toEqual([true, true, false, false])
  expect(texts(page, '#submit')).toEqual(['办结'])
  page = await render('action', null, { id: '12', action: 'rate' })
  expect(page.querySelectorAll('.star')).toHaveLength(5)
  expect(page.querySelector('#reason')).toBeFalsy()
  page = await render('action', null, { id: '12', action: 'reject' })
  expect(!!page.querySelector('#reason')).toBe(true)
  expect(texts(page, '#submit')).toEqual(['不予受理'])
})

test('queue: community scope, status filter on 待派单 by default', async () => {
  wxh = signedIn(fx.secretary)
  const page = await render('queue')
  expect(wxh.find('GET', '/api/v1/wishes')[0].query).toMatchObject({ scope: 'community', status: 'ordered' })
  expect(texts(page, '.status-filter.on')).toEqual(['待派单'])
  expect(texts(page, '.wish >>> .wish-title')).toEqual(['厨房水龙头漏水', '代买药品'])
})

test('dispatch: members with their active tasks, grids for the pool', async () => {
  wxh = signedIn(fx.secretary)
  const page = await render('dispatch', null, { id: '12' })
  expect(wxh.find('GET', '/api/v1/members')[0].query).toEqual({ org_id: String(fx.JINYANG) })
  expect(texts(page, '.member-name')).toEqual(['张三', '李四'])
  expect(texts(page, '.member-load')[0]).toContain('在办 2')
  expect(page.data.grids.map((g) => g.name)).toEqual(['第一网格', '第二网格'])
})

test('reports: pending reports with approve / reject', async () => {
  wxh = signedIn(fx.secretary)
  const page = await render('reports')
  expect(wxh.find('GET', '/api/v1/member-reports')[0].query).toEqual({ status: 'pending' })
  expect(texts(page, '.report-name')).toEqual(['赵六'])
  expect(page.querySelectorAll('.approve-btn')).toHaveLength(1)
  expect(page.querySelectorAll('.reject-btn')).toHaveLength(1)
})

test('stats: the community figures', async () => {
  wxh = signedIn(fx.secretary)
  const page = await render('stats')
  expect(wxh.find('GET', '/api/v1/stats/summary')[0].query).toEqual({ org_id: String(fx.JINYANG) })
  const keys = page.querySelectorAll('.figure').map((n) => n.dom.dataset.key)
  const values = texts(page, '.figure-value')
  const figures = {}
  keys.forEach((k, i) => (figures[k] = values[i]))
  expect(figures).toMatchObject({
    wishes: '40',
    response_rate: '95%',
    resolution_rate: '73.7%',
    satisfaction_rate: '100%',
    median_response_minutes: '43分钟',
    service_minutes: '30.5小时',
  })
})

test('member-report: communities and the home grid list', async () => {
  wxh = signedIn(fx.member)
  const page = await render('member-report')
  expect(texts(page, '.community-name')).toEqual(['金阳社区'])
  expect(page.data.grids).toHaveLength(2)
})

test('my-tasks: assigned scope', async () => {
  wxh = signedIn(fx.member)
  const page = await render('my-tasks')
  expect(wxh.find('GET', '/api/v1/wishes')[0].query).toMatchObject({ scope: 'assigned' })
  expect(texts(page, '.wish >>> .wish-title')).toEqual(['厨房水龙头漏水', '代买药品'])
})

test('pool: a 抢单 button only where allowed_actions has accept', async () => {
  wxh = signedIn(fx.member, {
    'GET /api/v1/wishes': {
      items: [
        fx.wish({ id: 30, status: 'dispatched', pool: true, allowed_actions: ['accept'] }),
        fx.wish({ id: 31, status: 'dispatched', pool: true, allowed_actions: [] }),
      ],
      next_cursor: null,
    },
  })
  const page = await render('pool')
  expect(wxh.find('GET', '/api/v1/wishes')[0].query).toMatchObject({ scope: 'pool' })
  expect(page.querySelectorAll('.grab-btn').map((b) => b.dom.dataset.id)).toEqual(['30'])
  expect(texts(page, '.wish >>> .wish-status')).toEqual(['已派单', '已派单'])
})

test('qrcode: the member code as a data URI; residents are told they have none', async () => {
  wxh = signedIn(fx.member)
  let page = await render('qrcode')
  expect(page.data.src).toBe('data:image/png;base64,iVBORw==')
  wxh = signedIn(fx.resident)
  page = await render('qrcode')
  expect(page.querySelector('.not-member')).toBeTruthy()
  expect(wxh.requests).toEqual([])
})

test('notifications: unread marked', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('notifications')
  expect(page.querySelectorAll('.notification')).toHaveLength(2)
  expect(page.querySelectorAll('.notification.unread')).toHaveLength(1)
})

test('console-login: what signs in where, or that the code expired', async () => {
  const view = {
    ticket: 'T1',
    status: 'pending',
    origin: 'http://127.0.0.1:8000',
    client_ip: '10.0.0.8',
    user_agent: 'Chrome',
    created_at: '2026-12-07T02:00:00Z',
    expires_at: '2026-12-07T02:02:00Z',
  }
  wxh = signedIn(fx.secretary, { 'GET /api/v1/console/tickets/T1': view })
  let page = await render('console-login', null, { scene: encodeURIComponent('c=T1') })
  expect(texts(page, '.origin')).toEqual(['http://127.0.0.1:8000'])
  expect(page.querySelector('.confirm')).toBeTruthy()
  wxh = signedIn(fx.secretary, { 'GET /api/v1/console/tickets/T1': Object.assign({}, view, { status: 'expired' }) })
  page = await render('console-login', null, { scene: encodeURIComponent('c=T1') })
  expect(page.querySelector('.expired')).toBeTruthy()
  expect(page.querySelector('.confirm')).toBeFalsy()
})

test('activities: published ones, time, place, seats left, my status', async () => {
  wxh = signedIn(fx.member)
  const page = await render('activities')
  expect(wxh.find('GET', '/api/v1/activities')[0].query).toMatchObject({ status: 'published' })
  expect(texts(page, '.activity-title')).toEqual(['金阳小区环境清扫', '敬老院陪伴'])
  expect(texts(page, '.activity-where')[0]).toBe('金阳小区中心广场')
  expect(texts(page, '.activity-seats')[0]).toBe('剩余名额 3')
  expect(texts(page, '.activity-mine')).toEqual(['未报名', '已报名'])
  expect(texts(page, '.activity-when')[0]).toMatch(/^12-08 \d\d:00 至 \d\d:00$/)
})

test('activity: where, when, seats left, my status, the buttons allowed_actions lists', async () => {
  wxh = signedIn(fx.member)
  const page = await render('activity', null, { id: '40' })
  expect(texts(page, '.activity-title')).toEqual(['金阳小区环境清扫'])
  expect(texts(page, '.activity-where')).toEqual(['金阳小区中心广场'])
  expect(texts(page, '.activity-seats')).toEqual(['剩余 3 / 共 10'])
  expect(texts(page, '.my-status')).toEqual(['未报名'])
  expect(texts(page, '.action-btn')).toEqual([text.activityActions.signup])
  expect(page.querySelector('.geofence')).toBeFalsy()
  expect(page.querySelector('.makeup-form')).toBeFalsy()
})

test('points: balances with the community name, the ledger signed', async () => {
  wxh = signedIn(fx.member)
  const page = await render('points')
  expect(texts(page, '.balance-community')).toEqual(['金阳社区'])
  expect(texts(page, '.balance-value')).toEqual(['35分'])
  expect(texts(page, '.entry-kind')).toEqual(['兑换物品', '社区奖励', '志愿服务'])
  expect(texts(page, '.entry-points')).toEqual(['-20', '+5', '+50'])
  expect(texts(page, '.entry-reason')).toEqual(['疫情期间值守'])
})

test('shop: balance, items with price and stock, my orders with cancel only while waiting', async () => {
  wxh = signedIn(fx.member)
  const page = await render('shop')
  expect(wxh.find('GET', '/api/v1/shop/redemptions')[0].query).toEqual({ community_id: String(fx.JINYANG) })
  expect(texts(page, '.shop-balance')).toEqual(['35'])
  expect(texts(page, '.item-name')).toEqual(['洗衣液', '大米5斤'])
  expect(texts(page, '.item-stock')).toEqual(['库存 3', '已兑完'])
  expect(page.querySelectorAll('.item-short')).toHaveLength(0) // 35 points: the 20 affordable, the 50 sold out
  expect(page.querySelectorAll('.redeem-btn').map((b) => b.dom.dataset.id)).toEqual(['70'])
  expect(texts(page, '.order-status')).toEqual(['待领取', '已领取'])
  expect(page.querySelectorAll('.cancel-btn').map((b) => b.dom.dataset.id)).toEqual(['9'])
})

test('community: this year\'s stars and the history by year', async () => {
  wxh = signedIn(fx.resident)
  const page = await render('community')
  expect(texts(page, '.community-name')).toEqual(['金阳社区'])
  expect(texts(page, '.current-stars')).toEqual(['★★★★☆'])
  expect(texts(page, '.current-year')[0]).toContain('2026年度 · 4星')
  expect(texts(page, '.year-label')).toEqual(['2026', '2025'])
  expect(texts(page, '.year-stars')).toEqual(['★★★★☆', '★★★☆☆已更正'])
})

test('my-team: my teams, the ones of my community to join', async () => {
  wxh = signedIn(fx.member)
  const page = await render('my-team')
  expect(wxh.find('GET', '/api/v1/teams').map((r) => r.query)).toEqual([{ mine: 'true' }, { limit: '100' }])
  expect(texts(page, '.my-team .team-name')).toEqual(['金阳助老服务队'])
  expect(texts(page, '.team-membership')).toEqual(['队员'])
  expect(texts(page, '.joinable-team .team-name')).toEqual(['金阳水电维修队'])
  expect(page.querySelectorAll('.join-btn').map((b) => b.dom.dataset.id)).toEqual(['80'])
  expect(page.querySelectorAll('.leave-btn').map((b) => b.dom.dataset.id)).toEqual(['81'])
  expect(page.querySelector('.pending')).toBeFalsy()
})


test('unit: my unit, its resource and project, the open need to claim', async () => {
  wxh = signedIn(fx.resident, {
    'GET /api/v1/joint/units': { items: [fx.unit()], next_cursor: null },
    'GET /api/v1/joint/projects': { items: [fx.jointProject()], next_cursor: null },
    'GET /api/v1/joint/resources': { items: [fx.resource()], next_cursor: null },
    'GET /api/v1/joint/needs': { items: [fx.need()], next_cursor: null },
  })
  const page = await render('unit')
  expect(texts(page, '.unit-name')).toEqual(['市第一医院'])
  expect(texts(page, '.resource-title')).toEqual(['健康讲座'])
  expect(texts(page, '.project-status')).toEqual([text.jointStatus.agreed])
  expect(texts(page, '.need-title')).toEqual(['老人义诊'])
})

test('joint-project: facts, timeline, the buttons allowed', async () => {
  wxh = signedIn(fx.resident, {
    'GET /api/v1/joint/projects/50': Object.assign(fx.jointProject(), { events: fx.jointEvents() }),
    'GET /api/v1/joint/projects/50/photos': { items: [] },
    'GET /api/v1/joint/units/90': fx.unit(),
  })
  const page = await render('joint-project', null, { id: '50' })
  expect(texts(page, '.project-title')).toEqual(['助老理发'])
  expect(texts(page, '.event-label')).toEqual([text.jointEvents.claim, text.jointEvents.confirm])
  expect(texts(page, '.action-btn')).toEqual([text.jointActions.start, text.jointActions.drop])
})

test('every page in app.json has a render test above', () => {
  wxh = signedIn(fx.resident)
  expect([...rendered].sort()).toEqual([...appPages()].sort())
})
