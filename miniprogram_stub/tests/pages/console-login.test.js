// 工作台扫码登录: the page shows where the console runs, and one tap confirms; a resident's tap shows the API's
// refusal (not_staff) as a modal.
const { open, tap } = require('../helpers/page')
const { signedIn } = require('../helpers/canned')
const { ok, problem } = require('../helpers/routes')
const fx = require('../helpers/fixtures')
const text = require('../../utils/text')

const VIEW = {
  ticket: 'T1ck3t',
  status: 'pending',
  origin: 'http://127.0.0.1:8000',
  client_ip: '10.0.0.8',
  user_agent: 'Chrome',
  created_at: '2026-12-07T02:00:00Z',
  expires_at: '2026-12-07T02:02:00Z',
}

let wxh
afterEach(() => expect(wxh.unmatched).toEqual([]))

test('shows what signs in where, and confirms with one tap', async () => {
  wxh = signedIn(fx.secretary, {
    'GET /api/v1/console/tickets/T1ck3t': VIEW,
    'POST /api/v1/console/tickets/T1ck3t/confirm': ok(null, 204),
  })
  const page = await open(wxh, 'console-login', { scene: encodeURIComponent('c=T1ck3t') })
  expect(page.querySelector('.origin').dom.textContent).toBe('http://127.0.0.1:8000')
  await tap(wxh, page, '.confirm')
  expect(wxh.writes().map((r) => [r.method, r.path])).toEqual([['POST', '/api/v1/console/tickets/T1ck3t/confirm']])
  expect(page.querySelector('.done').dom.textContent).toBe(text.pages.consoleLogin.done)
})

test('a resident is refused clearly', async () => {
  wxh = signedIn(fx.resident, {
    'GET /api/v1/console/tickets/T1ck3t': VIEW,
    'POST /api/v1/console/tickets/T1ck3t/confirm': problem(403, 'not_staff'),
  })
  const page = await open(wxh, 'console-login', { scene: encodeURIComponent('c=T1ck3t') })
  await tap(wxh, page, '.confirm')
  expect(wxh.modals.map((m) => m.content)).toEqual([text.errors.not_staff.msg])
  expect(page.querySelector('.done')).toBeFalsy()
})
