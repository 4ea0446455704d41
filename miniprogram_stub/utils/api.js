// The one wrapper around wx.request. Every page talks to the backend through it.
//
// - base URL from config.js (or the dev override kept in storage);
// - `Authorization: Bearer <token>`, the token kept with wx.setStorageSync (utils/session.js);
// - on 401: a silent wx.login, then the same request once more (same headers, so the same Idempotency-Key);
// - `idempotent: true` adds an Idempotency-Key (or pass `idempotencyKey` to keep one across the user's retries);
// - errors (RFC 9457 problem+json with `code`) are shown in plain Chinese (utils/text.js) and thrown as ApiError;
// - `messages`: the page's own words for some codes, over utils/text.js's;
// - `loading`: a wx.showLoading while the request runs (default for everything but GET).
const config = require('../config')
const session = require('./session')
const text = require('./text')

class ApiError extends Error {
  constructor(status, body) {
    const problem = body && typeof body === 'object' ? body : {}
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = problem.code || codeForStatus(status)
    this.problem = problem
    this.shown = false
  }
}

function codeForStatus(status) {
  if (status === 0) return 'network'
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not_found'
  if (status === 422) return 'validation_error'
  if (status === 429) return 'rate_limited'
  if (status >= 500) return 'server'
  return 'unknown'
}

// `messages`: a page's own words for some codes ({code: {msg, modal}}), e.g. what invalid_transition means there.
function messageFor(err, messages) {
  const own = messages && messages[err.code]
  return own || text.errors[err.code] || text.errors[codeForStatus(err.status)] || text.errors.unknown
}

// Show an error once, as a toast or (for the ones the user must read) a modal.
function showError(err, messages) {
  if (err.shown) return
  err.shown = true
  const { msg, modal } = messageFor(err, messages)
  if (modal) {
    wx.showModal({ title: text.common.errorTitle, content: msg, showCancel: false })
  } else {
    wx.showToast({ title: msg, icon: 'none', duration: 2500 })
  }
}

// For pages' catch blocks: an ApiError has been shown already; anything else is a bug worth seeing.
function handled(err) {
  if (err instanceof ApiError) return
  console.error(err)
  wx.showToast({ title: text.errors.unknown.msg, icon: 'none' })
}

let counter = 0
function nonce() {
  counter += 1
  return `${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`
}

function newIdempotencyKey() {
  return `mp-${nonce()}`
}

function queryString(query) {
  if (!query) return ''
  const parts = Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

// One wx.request as a promise. Resolves with {statusCode, data, header} for any HTTP status; a network
// failure resolves with statusCode 0 so callers handle one shape.
function send({ method, path, query, data, header, responseType }) {
  return new Promise((resolve) => {
    wx.request({
      url: config.getBaseUrl() + path + queryString(query),
      method,
      data,
      header,
      responseType: responseType || 'text',
      dataType: 'json',
      success: (res) => resolve(res),
      fail: (err) => resolve({ statusCode: 0, data: { detail: err && err.errMsg }, header: {} }),
    })
  })
}

function loginCode() {
  return new Promise((resolve, reject) => {
    wx.login({ success: (res) => resolve(res.code), fail: reject })
  }).then((code) => {
    // The fake WeChat only knows `dev:<openid>:<nonce>`; each code works once, so the nonce is always new.
    const openid = config.devMode && session.getDevOpenid()
    return openid ? `dev:${openid}:${nonce()}` : code
  })
}

let pendingLogin = null

// Sign in (again). In dev mode `openid` picks the demo user; afterwards silent re-logins reuse it.
function login(openid) {
  if (openid) session.setDevOpenid(openid)
  if (!pendingLogin) {
    pendingLogin = (async () => {
      const code = await loginCode()
      const res = await send({
        method: 'POST',
        path: '/api/v1/auth/login',
        data: { code },
        header: { 'content-type': 'application/json' },
      })
      if (res.statusCode !== 200) throw new ApiError(res.statusCode, res.data)
      session.save(res.data.access_token, res.data.user)
      return res.data.user
    })().finally(() => {
      pendingLogin = null
    })
  }
  return pendingLogin
}

function logout() {
  session.clear()
}

async function request(method, path, opts = {}) {
  const header = { 'content-type': 'application/json' }
  if (opts.idempotent || opts.idempotencyKey) {
    header['Idempotency-Key'] = opts.idempotencyKey || newIdempotencyKey()
  }
  const useLoading = opts.loading !== undefined ? opts.loading : method !== 'GET'
  if (useLoading) {
    wx.showLoading({ title: typeof useLoading === 'string' ? useLoading : text.common.submitting, mask: true })
  }
  const call = () => {
    const token = session.getToken()
    if (token) header.Authorization = `Bearer ${token}`
    return send({ method, path, query: opts.query, data: opts.data, header, responseType: opts.responseType })
  }
  try {
    let res = await call()
    if (res.statusCode === 401) {
      try {
        await login()
      } catch (loginErr) {
        session.clear()
        const err = new ApiError(401, { code: 'unauthorized' })
        if (!opts.silent) showError(err, opts.messages)
        wx.reLaunch({ url: '/pages/login/login' })
        throw err
      }
      res = await call()
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const err = new ApiError(res.statusCode, res.data)
      if (!opts.silent) showError(err, opts.messages)
      throw err
    }
    return res.data
  } finally {
    if (useLoading) wx.hideLoading()
  }
}

const get = (path, query, opts = {}) => request('GET', path, Object.assign({}, opts, { query }))
const post = (path, data, opts = {}) => request('POST', path, Object.assign({}, opts, { data: data || {} }))
const patch = (path, data, opts = {}) => request('PATCH', path, Object.assign({}, opts, { data: data || {} }))

// Lists are `{items, next_cursor}`; a few endpoints answer a bare array. Pages read both the same way.
function page(res) {
  if (Array.isArray(res)) return { items: res, next_cursor: null }
  return { items: (res && res.items) || [], next_cursor: (res && res.next_cursor) || null }
}

module.exports = {
  ApiError,
  request,
  get,
  post,
  patch,
  login,
  logout,
  showError,
  handled,
  messageFor,
  newIdempotencyKey,
  page,
}
