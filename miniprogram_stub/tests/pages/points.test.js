// 我的积分 and the 爱心超市: what each button sends (redeem after a confirm, cancel a waiting order), and what the
// user reads when the shop refuses (insufficient_points, out_of_stock, an order no longer waiting).
const { open, tap, pick, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

const t = text.pages.shop
let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

function said() {
  return wxh.modals.filter((m) => m.showCancel === false).map((m) => m.content)
}

describe('points', () => {
  test('a balance opens its community\'s shop', async () => {
    wxh = signedIn(fx.member)
    const page = await open(wxh, 'points')
    await tap(wxh, page, '.shop-btn[data-id="11"]')
    expect(wxh.navigations).toEqual([{ type: 'navigateTo', url: '/pages/shop/shop?community_id=11' }])
  })

  test('the ledger pages on with the cursor', async () => {
    let n = 0
    wxh = signedIn(fx.member, {
      'GET /api/v1/points/entries': () =>
        ++n === 1 ? ok({ items: fx.pointsEntries.slice(0, 2), next_cursor: 'c2' }) : ok({ items: fx.pointsEntries.slice(2), next_cursor: null }),
    })
    const page = await open(wxh, 'points')
    await tap(wxh, page, '.load-more')
    expect(wxh.find('GET', '/api/v1/points/entries').map((r) => r.query)).toEqual([{ limit: '20' }, { limit: '20', cursor: 'c2' }])
    expect(texts(page, '.entry-points')).toEqual(['-20', '+5', '+50'])
    expect(page.querySelector('.load-more')).toBeFalsy()
  })

  test('no points yet: told how to earn them', async () => {
    wxh = signedIn(fx.resident, { 'GET /api/v1/points': [], 'GET /api/v1/points/entries': { items: [], next_cursor: null } })
    const page = await open(wxh, 'points')
    expect(texts(page, '.no-points')).toEqual([text.pages.points.noPoints])
    expect(page.querySelectorAll('.shop-btn')).toHaveLength(0)
  })
})

describe('shop', () => {
  test('兑换 after a confirm naming the price: POST …/redeem, then the shop is read again', async () => {
    wxh = signedIn(fx.member, { 'POST /api/v1/shop/items/70/redeem': ok(fx.redemption({ id: 10 }), 201) })
    const page = await open(wxh, 'shop')
    await tap(wxh, page, '.redeem-btn[data-id="70"]')
    expect(wxh.modals.map((m) => m.content)).toEqual(['确认用20积分兑换“洗衣液”？兑换后到社区领取'])
    expect(wxh.writes().map((r) => r.path)).toEqual(['/api/v1/shop/items/70/redeem'])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.redeemed])
    expect(wxh.find('GET', `/api/v1/communities/${fx.JINYANG}/shop/items`)).toHaveLength(2)
  })

  test('a confirm declined sends nothing', async () => {
    wxh = signedIn(fx.member)
    wxh.modalConfirm = false
    const page = await open(wxh, 'shop')
    await tap(wxh, page, '.redeem-btn[data-id="70"]')
    await tap(wxh, page, '.cancel-btn[data-id="9"]')
    expect(wxh.writes()).toEqual([])
  })

  test.each(['insufficient_points', 'out_of_stock'])('redeem refused with 409 %s: explained', async (code) => {
    wxh = signedIn(fx.member, { 'POST /api/v1/shop/items/70/redeem': problem(409, code) })
    const page = await open(wxh, 'shop')
    await tap(wxh, page, '.redeem-btn[data-id="70"]')
    expect(said()).toEqual([text.errors[code].msg])
    expect(wxh.toasts).toEqual([])
  })

  test('an item beyond the balance says how many points are missing; the tap is still the server\'s to refuse', async () => {
    wxh = signedIn(fx.member, {
      [`GET /api/v1/communities/${fx.JINYANG}/shop/items`]: [Object.assign({}, fx.shopItems[1], { stock: 2 })],
      'POST /api/v1/shop/items/71/redeem': problem(409, 'insufficient_points'),
    })
    const page = await open(wxh, 'shop')
    expect(texts(page, '.item-stock')).toEqual(['库存 2 · 还差15积分'])
    await tap(wxh, page, '.redeem-btn[data-id="71"]')
    expect(said()).toEqual([text.errors.insufficient_points.msg])
  })

  test('取消兑换 of a waiting order after a confirm: POST …/cancel', async () => {
    wxh = signedIn(fx.member, { 'POST /api/v1/shop/redemptions/9/cancel': ok(fx.redemption({ status: 'cancelled' })) })
    const page = await open(wxh, 'shop')
    await tap(wxh, page, '.cancel-btn[data-id="9"]')
    expect(wxh.modals.map((m) => m.content)).toEqual(['确认取消兑换“洗衣液”？积分将退回'])
    expect(wxh.writes().map((r) => [r.path, r.data])).toEqual([['/api/v1/shop/redemptions/9/cancel', {}]])
    expect(wxh.toasts.map((x) => x.title)).toEqual([t.cancelled])
  })

  test('an order handed over meanwhile (invalid_transition): the shop says it can no longer be cancelled', async () => {
    wxh = signedIn(fx.member, { 'POST /api/v1/shop/redemptions/9/cancel': problem(409, 'invalid_transition') })
    const page = await open(wxh, 'shop')
    await tap(wxh, page, '.cancel-btn[data-id="9"]')
    expect(said()).toEqual([t.changed])
  })

  test('?community_id= picks the community; with several, a picker switches', async () => {
    const wanfolou = 12
    wxh = signedIn(fx.member, {
      [`GET /api/v1/communities/${wanfolou}/shop/items`]: [Object.assign({}, fx.shopItems[0], { id: 72, community_id: wanfolou, name: '食用油' })],
      'GET /api/v1/points': [{ community_id: fx.JINYANG, balance: 35 }, { community_id: wanfolou, balance: 8 }],
    })
    const page = await open(wxh, 'shop', { community_id: String(wanfolou) })
    expect(texts(page, '.item-name')).toEqual(['食用油'])
    expect(texts(page, '.shop-balance')).toEqual(['8'])
    await pick(wxh, page, '#community', 1)
    expect(texts(page, '.item-name')).toEqual(['洗衣液', '大米5斤'])
    expect(texts(page, '.shop-balance')).toEqual(['35'])
    expect(wxh.find('GET', '/api/v1/shop/redemptions').map((r) => r.query.community_id)).toEqual(['12', '11'])
  })

  test('no community: said so, nothing asked', async () => {
    wxh = signedIn(Object.assign({}, fx.resident, { home: null }))
    const page = await open(wxh, 'shop')
    expect(texts(page, '.no-community')).toEqual([t.noCommunity])
    expect(wxh.requests).toEqual([])
  })
})
