// End to end, against a real backend this test starts itself (as tests/e2e/loop.test.js): the volunteering pages
// driven like a user would. The secretary's side (publishing, the check-in code, points and the shelf) is the
// console's, so it goes through the API directly; the member's side is the pages.
//   a member signs up, scans in within the geofence, is refused when scanning out from too far and then scans out;
//   earns points, redeems in the 爱心超市, is refused for stock and points, cancels; the community page reads.
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

// The staff side, through the API as the console calls it.
function asStaff(p) {
  use(p)
  return api
}

const SITE = { lat: 34.2658, lng: 108.9541 } // the activity's place (GCJ-02)

test('sign up, scan in on site, refused from too far, scan out; the seat and the status follow', async () => {
  const secretary = phone()
  const member = phone()
  const sec = await signIn(secretary, 'demo-secretary-jinyang')
  const memberUser = await signIn(member, 'demo-member-jinyang-1')
  const jinyang = sec.roles.find((r) => r.role === 'secretary').org_id

  const now = Date.now()
  const title = `楼道清扫 e2e ${now % 100000}`
  const published = await asStaff(secretary).post('/api/v1/activities', {
    community_id: jinyang,
    title,
    content: '带好手套',
    address: '金阳小区中心广场',
    lat: SITE.lat,
    lng: SITE.lng,
    geofence_m: 200,
    starts_at: new Date(now + 30 * 60000).toISOString(), // check-in opens an hour before: already open
    ends_at: new Date(now + 3 * 3600000).toISOString(),
    seats: 3,
  })

  // The member finds it in the list and opens it.
  const list = await openOn(member, 'activities')
  expect(texts(list, '.activity-title')).toContain(title)
  const page = await openOn(member, 'activity', { id: String(published.id) })
  expect(texts(page, '.activity-seats')).toEqual(['剩余 3 / 共 3'])
  expect(texts(page, '.action-btn')).toEqual([text.activityActions.signup])

  await tapOn(member, page, '.action-btn[data-action=signup]')
  expect(member.find('POST', `/api/v1/activities/${published.id}/signup`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(page, '.my-status')).toEqual(['已报名'])
  expect(texts(page, '.activity-seats')).toEqual(['剩余 2 / 共 3'])
  expect(page.data.activity.actions.map((a) => a.name)).toEqual(expect.arrayContaining(['withdraw', 'check_in']))

  // A second tap on a stale page: the server says already_signed_up, in Chinese.
  member.clearRecords()
  use(member)
  await page.instance.signup()
  await member.idle()
  expect(member.modals.filter((m) => m.showCancel === false).map((m) => m.content)).toEqual([text.errors.already_signed_up.msg])

  // Scan in: the organiser's code of the moment, and the phone's location next to the site.
  const shown = await asStaff(secretary).get(`/api/v1/activities/${published.id}/checkin-code`)
  member.scanResult = shown.code
  member.location = { latitude: SITE.lat + 0.0003, longitude: SITE.lng } // ~33 m north
  member.clearRecords()
  await tapOn(member, page, '.action-btn[data-action=check_in]')
  expect(member.find('POST', `/api/v1/activities/${published.id}/check-in`).map((r) => [r.statusCode, r.data])).toEqual([
    [200, { code: shown.code, lat: SITE.lat + 0.0003, lng: SITE.lng }],
  ])
  expect(member.locationCalls.map((c) => c.type)).toEqual(['gcj02'])
  expect(texts(page, '.my-status')).toEqual(['已签到'])

  // Scan out from 1 km away: refused, and told how far.
  member.location = { latitude: SITE.lat + 0.009, longitude: SITE.lng }
  member.clearRecords()
  await tapOn(member, page, '.action-btn[data-action=check_out]')
  const refused = member.find('POST', `/api/v1/activities/${published.id}/check-out`)
  expect(refused.map((r) => [r.statusCode, r.response.code])).toEqual([[422, 'outside_geofence']])
  expect(member.modals.map((m) => m.content)[0]).toMatch(/^您距活动地点约10\d\d米，需在200米以内才能签到/)

  // A code that is not one: checkin_code_malformed, in Chinese.
  member.location = { latitude: SITE.lat, longitude: SITE.lng }
  member.scanResult = 'https://example.com/not-a-code'
  member.clearRecords()
  await tapOn(member, page, '.action-btn[data-action=check_out]')
  expect(member.modals.map((m) => m.content)).toEqual([text.errors.checkin_code_malformed.msg])

  // Back on site with the code: checked out.
  member.scanResult = (await asStaff(secretary).get(`/api/v1/activities/${published.id}/checkin-code`)).code
  member.clearRecords()
  await tapOn(member, page, '.action-btn[data-action=check_out]')
  expect(member.find('POST', `/api/v1/activities/${published.id}/check-out`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(page, '.my-status')).toEqual(['已签退'])
  expect(page.data.activity.my_signup.user_id).toBe(memberUser.id)
  expectNoErrors(secretary)
})

test('points and the 爱心超市: a bonus, a redemption, refusals for stock and points, a cancellation', async () => {
  const secretary = phone()
  const member = phone()
  const other = phone()
  const sec = await signIn(secretary, 'demo-secretary-jinyang')
  const memberUser = await signIn(member, 'demo-member-jinyang-2')
  const otherUser = await signIn(other, 'demo-member-jinyang-3')
  const jinyang = sec.roles.find((r) => r.role === 'secretary').org_id

  // Each member starts this test on 30 points in 金阳, whatever the demo data gave them before.
  for (const [p, u] of [[member, memberUser], [other, otherUser]]) {
    use(p)
    const had = api.page(await api.get('/api/v1/points')).items.find((b) => b.community_id === jinyang)
    const points = 30 - ((had && had.balance) || 0)
    expect(points).toBeGreaterThan(0)
    await asStaff(secretary).post(`/api/v1/communities/${jinyang}/points-adjustments`, { user_id: u.id, points, reason: '清扫楼道' })
  }
  const staff = asStaff(secretary)
  const stamp = Date.now() % 100000
  const soap = await staff.post(`/api/v1/communities/${jinyang}/shop/items`, { name: `洗衣皂 ${stamp}`, price: 20, stock: 1 })
  const rice = await staff.post(`/api/v1/communities/${jinyang}/shop/items`, { name: `大米 ${stamp}`, price: 50, stock: 5 })

  const points = await openOn(member, 'points')
  expect(points.data.balances.find((b) => b.community_id === jinyang)).toMatchObject({ balance: 30, communityName: '金阳社区' })
  expect(texts(points, '.entry-reason')).toContain('清扫楼道')

  // Both members have the shop open; the last soap goes to the first, the second is told it is gone.
  const shop = await openOn(member, 'shop', { community_id: String(jinyang) })
  const otherShop = await openOn(other, 'shop', { community_id: String(jinyang) })
  expect(texts(shop, '.shop-balance')).toEqual(['30'])
  await tapOn(member, shop, `.redeem-btn[data-id="${soap.id}"]`)
  expect(member.find('POST', `/api/v1/shop/items/${soap.id}/redeem`).map((r) => r.statusCode)).toEqual([201])
  expect(texts(shop, '.shop-balance')).toEqual(['10'])
  expect(texts(shop, '.order-status')[0]).toBe('待领取')
  expect(shop.querySelectorAll(`.redeem-btn[data-id="${soap.id}"]`)).toHaveLength(0) // stock 0 now

  await tapOn(other, otherShop, `.redeem-btn[data-id="${soap.id}"]`)
  expect(other.find('POST', `/api/v1/shop/items/${soap.id}/redeem`).map((r) => `${r.statusCode} ${r.response.code}`)).toEqual(['409 out_of_stock'])
  expect(other.modals.filter((m) => m.showCancel === false).map((m) => m.content)).toEqual([text.errors.out_of_stock.msg])
  expect(texts(otherShop, '.shop-balance')).toEqual(['30']) // nothing taken

  // 10 points left, the rice costs 50.
  member.clearRecords()
  await tapOn(member, shop, `.redeem-btn[data-id="${rice.id}"]`)
  expect(member.writes().map((r) => `${r.statusCode} ${r.response.code}`)).toEqual(['409 insufficient_points'])
  expect(member.modals.filter((m) => m.showCancel === false).map((m) => m.content)).toEqual([text.errors.insufficient_points.msg])

  // Cancel the waiting order: the points come back.
  const orderId = shop.data.orders.find((o) => o.status === 'ordered').id
  member.clearRecords()
  await tapOn(member, shop, `.cancel-btn[data-id="${orderId}"]`)
  expect(member.find('POST', `/api/v1/shop/redemptions/${orderId}/cancel`).map((r) => r.statusCode)).toEqual([200])
  expect(texts(shop, '.shop-balance')).toEqual(['30'])
  expect(shop.querySelectorAll('.cancel-btn')).toHaveLength(0)
  expectNoErrors(secretary)
})

test('the community page reads the published stars of the member\'s community', async () => {
  const member = phone()
  await signIn(member, 'demo-member-jinyang-3')
  const page = await openOn(member, 'community')
  const got = member.find('GET', member.requests.find((r) => r.path.startsWith('/api/v1/stars/communities/')).path)
  expect(got.map((r) => r.statusCode)).toEqual([200])
  expect(texts(page, '.community-name')).toEqual(['金阳社区'])
  // The demo data publishes a year's rating (app/seed_stars.py): the page shows what the API says.
  const { current } = got[0].response
  expect(current).toMatchObject({ stars: expect.any(Number), year: expect.any(Number) })
  expect(page.querySelectorAll('.current-stars').map((n) => n.dom.dataset.stars)).toEqual([String(current.stars)])
  expect(texts(page, '.current-year')[0]).toContain(`${current.year}`)
  expect(page.querySelectorAll('.no-stars')).toHaveLength(0)
  expectNoErrors(member)
})
