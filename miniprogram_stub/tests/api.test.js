// utils/api.js: base URL, token, 401 → silent re-login and one retry, Idempotency-Key, errors in Chinese.
const { installWx } = require('./helpers/wx')
const { ok, problem, router } = require('./helpers/routes')
const fx = require('./helpers/fixtures')
const api = require('../utils/api')
const config = require('../config')
const session = require('../utils/session')
const text = require('../utils/text')

const BASE = 'http://127.0.0.1:8000'

function loginRoute(tokens) {
  let n = 0
  return (req) => {
    n += 1
    return ok({ access_token: tokens[n - 1] || `tok-${n}`, token_type: 'bearer', expires_in: 3600, user: fx.resident, _code: req.data.code })
  }
}

let wxh
beforeEach(() => {
  wxh = installWx()
  config.devMode = true
})

test('sends the stored token to the configured base URL', async () => {
  session.save('tok-old', fx.resident)
  wxh.handler = router({ 'GET /api/v1/me': fx.resident })
  const me = await api.get('/api/v1/me')
  expect(me.nickname).toBe('居民小王')
  const req = wxh.last()
  expect(req.url).toBe(`${BASE}/api/v1/me`)
  expect(req.authorization).toBe('Bearer tok-old')
})

test('the base URL override kept in storage wins, without a trailing slash', async () => {
  config.setBaseUrl('http://192.168.1.5:9000/')
  wxh.handler = router({ 'GET /api/v1/categories': [] })
  await api.get('/api/v1/categories', { limit: 5, cursor: null, status: '' })
  expect(wxh.last().url).toBe('http://192.168.1.5:9000/api/v1/categories?limit=5')
  config.setBaseUrl('')
  expect(config.getBaseUrl()).toBe(BASE)
})

test('login in dev mode sends dev:<openid>:<nonce>, a new nonce each time, and keeps the token', async () => {
  wxh.handler = router({ 'POST /api/v1/auth/login': loginRoute(['tok-a', 'tok-b']) })
  await api.login('demo-resident-jinyang-1')
  await api.login()
  const codes = wxh.find('POST', '/api/v1/auth/login').map((r) => r.data.code)
  expect(codes).toHaveLength(2)
  codes.forEach((c) => expect(c).toMatch(/^dev:demo-resident-jinyang-1:[a-z0-9]+$/))
  expect(codes[0]).not.toBe(codes[1])
  expect(wxh.loginCalls).toBe(2)
  expect(session.getToken()).toBe('tok-b')
  expect(session.getUser().id).toBe(fx.resident.id)
})

test('login in real mode sends the wx.login code as it is', async () => {
  config.devMode = false
  wxh.loginCode = () => 'real-code-from-wechat'
  wxh.handler = router({ 'POST /api/v1/auth/login': loginRoute(['tok-real']) })
  await api.login()
  expect(wxh.last().data).toEqual({ code: 'real-code-from-wechat' })
  expect(session.getToken()).toBe('tok-real')
})

test('401 → one silent wx.login, then the same request again with the new token', async () => {
  session.save('tok-expired', fx.resident)
  session.setDevOpenid('demo-resident-jinyang-1')
  wxh.handler = router({
    'POST /api/v1/auth/login': loginRoute(['tok-new']),
    'GET /api/v1/wishes': (req) =>
      req.authorization === 'Bearer tok-new' ? ok({ items: [fx.wish()], next_cursor: null }) : problem(401, 'unauthorized'),
  })
  const res = await api.get('/api/v1/wishes', { scope: 'mine' })
  expect(res.items).toHaveLength(1)
  expect(wxh.loginCalls).toBe(1)
  expect(wxh.requests.map((r) => `${r.method} ${r.path} ${r.authorization || ''}`)).toEqual([
    'GET /api/v1/wishes Bearer tok-expired',
    'POST /api/v1/auth/login ',
    'GET /api/v1/wishes Bearer tok-new',
  ])
  expect(wxh.requests[2].query).toEqual({ scope: 'mine' })
  expect(wxh.toasts).toEqual([])
})

test('the Idempotency-Key of a create is kept across the retry', async () => {
  session.save('tok-expired', fx.resident)
  session.setDevOpenid('demo-resident-jinyang-1')
  wxh.handler = router({
    'POST /api/v1/auth/login': loginRoute(['tok-new']),
    'POST /api/v1/wishes': (req) =>
      req.authorization === 'Bearer tok-new' ? ok(fx.wish(), 201) : problem(401, 'unauthorized'),
  })
  const body = { category_id: 2, title: '修水龙头', content: '漏水' }
  const wish = await api.post('/api/v1/wishes', body, { idempotent: true })
  expect(wish.id).toBe(12)
  const creates = wxh.find('POST', '/api/v1/wishes')
  expect(creates).toHaveLength(2)
  expect(creates[0].idempotencyKey).toMatch(/\S{8,}/)
  expect(creates[1].idempotencyKey).toBe(creates[0].idempotencyKey)
  expect(creates[1].data).toEqual(body)
})

test('a given Idempotency-Key is sent as is; other creates get different keys', async () => {
  session.save('tok', fx.resident)
  wxh.handler = router({ 'POST /api/v1/wishes': ok(fx.wish(), 201) })
  await api.post('/api/v1/wishes', {}, { idempotencyKey: 'key-1' })
  await api.post('/api/v1/wishes', {}, { idempotent: true })
  await api.post('/api/v1/wishes', {}, { idempotent: true })
  const keys = wxh.requests.map((r) => r.idempotencyKey)
  expect(keys[0]).toBe('key-1')
  expect(keys[1]).not.toBe(keys[2])
})

test('only one retry: a second 401 is shown and thrown', async () => {
  session.save('tok-expired', fx.resident)
  session.setDevOpenid('demo-resident-jinyang-1')
  wxh.handler = router({
    'POST /api/v1/auth/login': loginRoute(['tok-new']),
    'GET /api/v1/me': problem(401, 'unauthorized'),
  })
  await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 401, code: 'unauthorized', shown: true })
  expect(wxh.find('GET', '/api/v1/me')).toHaveLength(2)
  expect(wxh.loginCalls).toBe(1)
  expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.unauthorized.msg])
})

test('when the silent re-login fails: session cleared, told in Chinese, back to the sign-in page', async () => {
  session.save('tok-expired', fx.resident)
  session.setDevOpenid('demo-resident-jinyang-1')
  wxh.handler = router({
    'POST /api/v1/auth/login': problem(401, 'wechat_login_failed', 'code been used, errcode 40163'),
    'GET /api/v1/me': problem(401, 'unauthorized'),
  })
  await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 401 })
  expect(wxh.find('GET', '/api/v1/me')).toHaveLength(1)
  expect(session.getToken()).toBe('')
  expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.unauthorized.msg])
  expect(wxh.navigations).toEqual([{ type: 'reLaunch', url: '/pages/login/login' }])
})

test('concurrent 401s share one re-login', async () => {
  session.save('tok-expired', fx.resident)
  session.setDevOpenid('demo-resident-jinyang-1')
  wxh.handler = router({
    'POST /api/v1/auth/login': loginRoute(['tok-new']),
    'GET /api/v1/me': (req) => (req.authorization === 'Bearer tok-new' ? ok(fx.resident) : problem(401, 'unauthorized')),
  })
  await Promise.all([api.get('/api/v1/me'), api.get('/api/v1/me')])
  expect(wxh.find('POST', '/api/v1/auth/login')).toHaveLength(1)
})

describe('problem+json errors are shown in plain Chinese', () => {
  const cases = [
    [409, 'invalid_transition', 'modal'],
    [409, 'already_taken', 'modal'],
    [422, 'content_rejected', 'modal'],
    [422, 'validation_error', 'modal'],
    [403, 'forbidden', 'modal'],
    [404, 'not_found', 'toast'],
    [429, 'rate_limited', 'toast'],
    [503, 'wechat_unavailable', 'toast'],
  ]
  test.each(cases)('%i %s → %s', async (status, code, how) => {
    session.save('tok', fx.resident)
    wxh.handler = router({ 'POST /api/v1/wishes/12/accept': problem(status, code, 'english detail for developers') })
    await expect(api.post('/api/v1/wishes/12/accept', {})).rejects.toMatchObject({ status, code, shown: true })
    const shown = how === 'modal' ? wxh.modals.map((m) => m.content) : wxh.toasts.map((t) => t.title)
    expect(shown).toEqual([text.errors[code].msg])
    expect(shown[0]).toMatch(/[\u4e00-\u9fa5]/)
    expect(how === 'modal' ? wxh.toasts : wxh.modals).toEqual([])
  })

  test('an unknown code falls back on the status', async () => {
    session.save('tok', fx.resident)
    wxh.handler = router({ 'GET /api/v1/me': problem(500, 'internal') })
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 500 })
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.server.msg])
  })

  test('a network failure says so', async () => {
    wxh.handler = () => Promise.reject(new Error('connect ECONNREFUSED'))
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'network' })
    expect(wxh.toasts.map((t) => t.title)).toEqual([text.errors.network.msg])
  })

  test('a page\'s own words for a code win; other codes keep the common ones', async () => {
    session.save('tok', fx.resident)
    const messages = { invalid_transition: { msg: '活动状态已变化', modal: true } }
    wxh.handler = router({
      'POST /api/v1/activities/1/signup': problem(409, 'invalid_transition'),
      'POST /api/v1/activities/1/withdraw': problem(409, 'signup_closed'),
    })
    await expect(api.post('/api/v1/activities/1/signup', {}, { messages })).rejects.toMatchObject({ shown: true })
    await expect(api.post('/api/v1/activities/1/withdraw', {}, { messages })).rejects.toMatchObject({ shown: true })
    expect(wxh.modals.map((m) => m.content)).toEqual(['活动状态已变化', text.errors.signup_closed.msg])
  })

  // The refusal codes of the activities and the shop, read from the backend's own enums and error classes: a new
  // one without its Chinese here fails this test instead of reaching an elderly user as "操作失败".
  test('every refusal code of the activities and the shop has its own Chinese', () => {
    const fs = require('fs')
    const path = require('path')
    const app = path.resolve(__dirname, '../../app')
    const enumValues = (file, cls) => {
      const src = fs.readFileSync(path.join(app, file), 'utf8')
      const body = src.split(`class ${cls}(StrEnum):`)[1].split(/\n(?=\S)/)[0] // up to the next top-level line
      return [...body.matchAll(/= "(\w+)"/g)].map((m) => m[1])
    }
    const classCodes = (file) => [...fs.readFileSync(path.join(app, file), 'utf8').matchAll(/status, code = \d+, "(\w+)"/g)].map((m) => m[1])
    const codes = [
      ...enumValues('activities/machine.py', 'Refusal'),
      ...enumValues('activities/codes.py', 'CodeProblem').map((p) => `checkin_code_${p}`),
      ...classCodes('activities/errors.py'),
      ...classCodes('points/ledger.py'),
      ...classCodes('points/shop.py'),
    ]
    expect(codes).toEqual(expect.arrayContaining(['full', 'outside_geofence', 'signup_closed', 'checkin_code_expired', 'insufficient_points', 'out_of_stock']))
    expect(codes.filter((c) => !text.errors[c])).toEqual([])
  })

  test('silent: thrown but not shown', async () => {
    wxh.handler = router({ 'GET /api/v1/client-config': problem(404, 'not_found') })
    await expect(api.get('/api/v1/client-config', null, { silent: true })).rejects.toMatchObject({ shown: false })
    expect(wxh.toasts).toEqual([])
  })
})

test('writes show a loading mask until the answer, reads do not', async () => {
  session.save('tok', fx.resident)
  wxh.handler = router({ 'POST /api/v1/wishes/12/accept': fx.wish(), 'GET /api/v1/me': fx.resident })
  await api.get('/api/v1/me')
  expect(wxh.maxLoadingDepth).toBe(0)
  await api.post('/api/v1/wishes/12/accept', {})
  expect(wxh.maxLoadingDepth).toBe(1)
  expect(wxh.loadingDepth).toBe(0)
})

test('page() reads both {items, next_cursor} and bare arrays', () => {
  expect(api.page({ items: [1], next_cursor: 'c' })).toEqual({ items: [1], next_cursor: 'c' })
  expect(api.page([1, 2])).toEqual({ items: [1, 2], next_cursor: null })
})
