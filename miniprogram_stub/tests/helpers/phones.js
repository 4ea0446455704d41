// For the end-to-end tests: "phones" (each a wx harness with its own storage and records) talking to the backend
// the test started, and the steps every such test takes with them.
const { installWx } = require('./wx')
const { open, tap, input, queryOf } = require('./page')

function phones(baseUrl) {
  // A phone: its own wx (storage, records). Every call below makes it the current global `wx` first.
  function phone() {
    const p = installWx()
    p.wx.setStorageSync('xy_base_url', baseUrl())
    return p
  }

  function use(p) {
    global.wx = p.wx
    return p
  }

  async function openOn(p, name, options) {
    use(p)
    return open(p, name, options)
  }

  async function tapOn(p, comp, selector) {
    use(p)
    return tap(p, comp, selector)
  }

  async function inputOn(p, comp, selector, value) {
    use(p)
    return input(p, comp, selector, value)
  }

  // The page a navigation went to: "/pages/x/x?id=1" → ["x", {id: "1"}].
  function lastNav(p, type) {
    const nav = p.navigations[p.navigations.length - 1]
    expect(nav && nav.type).toBe(type)
    return nav.url ? [nav.url.split('?')[0].split('/')[2], queryOf(nav.url)] : [null, {}]
  }

  // Sign in through the sign-in page, as a developer does in DevTools.
  async function signIn(p, openid) {
    const login = await openOn(p, 'login')
    await tapOn(p, login, `.demo-user[data-openid=${openid}]`)
    expect(lastNav(p, 'reLaunch')[0]).toBe('index')
    const res = p.find('POST', '/api/v1/auth/login').pop()
    expect(res.statusCode).toBe(200)
    return res.response.user
  }

  // Fail on any request a page made that the server refused (4xx / 5xx / no answer), except those listed.
  function expectNoErrors(p, allowed = []) {
    const bad = p.requests
      .filter((r) => !(r.statusCode >= 200 && r.statusCode < 400))
      .map((r) => `${r.method} ${r.path} → ${r.statusCode} ${JSON.stringify(r.response)}`)
      .filter((line) => !allowed.some((a) => line.startsWith(a)))
    expect(bad).toEqual([])
  }

  return { phone, use, openOn, tapOn, inputOn, lastNav, signIn, expectNoErrors }
}

module.exports = { phones }
