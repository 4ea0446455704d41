// Photos: chosen with wx.chooseMedia, uploaded with wx.uploadFile (multipart, field `file`, the bearer token),
// sent as `photo_ids` with the order, `complete` and `reopen`; shown on the wish page and previewed on a tap.
const { open, tap, input, pick, texts } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

let nextId = 600
function uploads(extra = {}) {
  return Object.assign(
    {
      'POST /api/v1/uploads': () => ok(fx.photo({ id: ++nextId, wish_id: null, stage: null, status: 'pending' }), 201),
      'POST /api/v1/subscriptions': ok({}),
      'POST /_dev/wechat/consent': ok({}),
    },
    extra,
  )
}

test('order: two photos chosen, uploaded one by one, their ids sent with the wish', async () => {
  wxh = signedIn(fx.resident, uploads({ 'POST /api/v1/wishes': ok(fx.wish({ id: 77 }), 201) }))
  wxh.chosenMedia = ['wxfile://tap-1.jpg', 'wxfile://tap-2.jpg']
  const page = await open(wxh, 'order', { category_id: '2' })
  await tap(wxh, page, '#add-photo')
  expect(wxh.chooseCalls[0]).toMatchObject({ count: 9, mediaType: ['image'] })
  const sent = wxh.find('POST', '/api/v1/uploads')
  expect(sent.map((r) => r.upload)).toEqual([
    { filePath: 'wxfile://tap-1.jpg', name: 'file', formData: undefined },
    { filePath: 'wxfile://tap-2.jpg', name: 'file', formData: undefined },
  ])
  expect(sent.every((r) => r.authorization === 'Bearer tok-test')).toBe(true)
  const ids = page.data.photos.map((p) => p.id)
  expect(ids).toHaveLength(2)
  expect(page.querySelectorAll('.photo-thumb')).toHaveLength(2)

  await tap(wxh, page, '.photo-thumb')
  expect(wxh.previews[0]).toEqual({ urls: page.data.photos.map((p) => p.url), current: page.data.photos[0].url })

  await input(wxh, page, '#title', '厨房水龙头漏水')
  await input(wxh, page, '#content', '一直滴水')
  await tap(wxh, page, '#submit')
  const order = wxh.find('POST', '/api/v1/wishes')[0]
  expect(order.data.photo_ids).toEqual(ids)
})

test('order: a removed photo is not sent; a refused upload is told and skipped', async () => {
  let calls = 0
  wxh = signedIn(
    fx.resident,
    uploads({
      'POST /api/v1/uploads': () =>
        ++calls === 2 ? problem(422, 'invalid_image', 'not an image') : ok(fx.photo({ id: 700 + calls, wish_id: null }), 201),
      'POST /api/v1/wishes': ok(fx.wish({ id: 78 }), 201),
    }),
  )
  wxh.chosenMedia = ['wxfile://a.jpg', 'wxfile://not-a-photo.pdf', 'wxfile://c.jpg']
  const page = await open(wxh, 'order', { category_id: '2' })
  await tap(wxh, page, '#add-photo')
  expect(page.data.photos.map((p) => p.id)).toEqual([701, 703])
  expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.invalid_image.msg])
  await tap(wxh, page, '.photo-remove')
  await input(wxh, page, '#title', '修灯')
  await input(wxh, page, '#content', '楼道灯不亮')
  await tap(wxh, page, '#submit')
  expect(wxh.find('POST', '/api/v1/wishes')[0].data.photo_ids).toEqual([703])
})

test('order: nine photos at most; without photos no photo_ids', async () => {
  wxh = signedIn(fx.resident, uploads({ 'POST /api/v1/wishes': ok(fx.wish({ id: 79 }), 201) }))
  wxh.chosenMedia = Array.from({ length: 12 }, (_, i) => `wxfile://p${i}.jpg`)
  const page = await open(wxh, 'order', { category_id: '2' })
  await tap(wxh, page, '#add-photo')
  expect(page.data.photos).toHaveLength(9)
  expect(page.querySelector('#add-photo')).toBeFalsy()
  page.setData({ photos: [] })
  await input(wxh, page, '#title', '修灯')
  await input(wxh, page, '#content', '楼道灯不亮')
  await tap(wxh, page, '#submit')
  expect(wxh.find('POST', '/api/v1/wishes')[0].data).not.toHaveProperty('photo_ids')
})

test.each([
  ['complete', {}, { photo_ids: [801] }],
  ['reopen', { '#reason': '还在漏水' }, { reason: '还在漏水', photo_ids: [801] }],
])('action %s: photos of the result / of what is still wrong go with it', async (action, inputs, body) => {
  nextId = 800
  wxh = signedIn(fx.member, uploads({ [`POST /api/v1/wishes/12/${action}`]: ok(fx.wish()) }))
  const page = await open(wxh, 'action', { id: '12', action })
  for (const [selector, value] of Object.entries(inputs)) await input(wxh, page, selector, value)
  await tap(wxh, page, '#add-photo')
  await tap(wxh, page, '#submit')
  expect(wxh.find('POST', `/api/v1/wishes/12/${action}`)[0].data).toEqual(body)
})

test('action: reject takes no photos', async () => {
  wxh = signedIn(fx.secretary)
  const page = await open(wxh, 'action', { id: '12', action: 'reject' })
  expect(page.querySelector('#add-photo')).toBeFalsy()
})

test('wish page: the photos I may see, their stage and check status; a tap previews them all', async () => {
  wxh = signedIn(fx.resident)
  const page = await open(wxh, 'wish-detail', { id: '12' })
  expect(page.querySelectorAll('.photo-thumb')).toHaveLength(2)
  expect(texts(page, '.photo-stage')).toEqual(['居民拍摄', '办结照片 · 审核中'])
  await tap(wxh, page, '.photo-thumb')
  expect(wxh.previews).toEqual([{ urls: fx.photos.map((p) => p.url), current: fx.photos[0].url }])
})

test('wish page: no photos, no photo card', async () => {
  wxh = signedIn(fx.resident, { 'GET /api/v1/wishes/12/photos': { items: [] } })
  const page = await open(wxh, 'wish-detail', { id: '12' })
  expect(page.querySelector('.photos')).toBeFalsy()
})
