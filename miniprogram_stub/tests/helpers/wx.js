// A `wx` for Node: what the pages call, recorded so tests can assert on it.
//
// wx.request goes either to a canned `handler(req)` (page tests) or, without one, over real HTTP to the
// backend (the end-to-end test). Storage lives in memory; wx.login hands out codes; showToast / showModal /
// navigation are recorded; requestSubscribeMessage accepts every template; wx.scanCode reads `scanResult` and
// wx.getLocation answers `location` (null: the user backs out / refuses).
const http = require('http')

function parseUrl(url) {
  const u = new URL(url)
  const query = {}
  u.searchParams.forEach((v, k) => (query[k] = v))
  return { pathname: u.pathname, query, origin: u.origin }
}

function headerValue(header, name) {
  const key = Object.keys(header || {}).find((k) => k.toLowerCase() === name.toLowerCase())
  return key ? header[key] : undefined
}

// Real HTTP, answering like wx.request does: statusCode, header, data parsed as JSON when it is JSON.
function httpRequest(opts, body) {
  return new Promise((resolve, reject) => {
    const headers = Object.assign({}, opts.header)
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
    const req = http.request(opts.url, { method: opts.method || 'GET', headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const buf = Buffer.concat(chunks)
        let data
        if (opts.responseType === 'arraybuffer') {
          data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
        } else {
          data = buf.toString('utf8')
          try {
            data = JSON.parse(data)
          } catch (e) {
            // not JSON: wx.request hands back the string
          }
        }
        resolve({ statusCode: res.statusCode, header: res.headers, data })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

function createWx(options = {}) {
  const storage = new Map()
  let codeCounter = 0
  const h = {
    handler: options.handler || null, // (req) => {statusCode, data, header} | Promise | undefined (→ unmatched)
    requests: [],
    unmatched: [],
    toasts: [],
    modals: [],
    navigations: [],
    subscribeRequests: [],
    loginCalls: 0,
    chosenMedia: ['wxfile://tmp_photo_1.jpg'], // what wx.chooseMedia hands back next (the user's pick)
    chooseCalls: [],
    scanResult: 'xy1.1.0.sig', // what wx.scanCode reads next; null: the user backs out of the camera
    scanCalls: [],
    location: { latitude: 34.26, longitude: 108.94 }, // what wx.getLocation answers; null: the user refuses
    locationCalls: [],
    openedLocations: [], // wx.openLocation calls (the map with the place)
    previews: [],
    loadingDepth: 0,
    maxLoadingDepth: 0,
    modalConfirm: true,
    loginCode: () => `wx-login-code-${++codeCounter}`,
    inflight: 0,
    storage,
  }

  function later(fn) {
    setTimeout(fn, 0)
  }

  const wx = {
    request(opts) {
      const { pathname, query } = parseUrl(opts.url)
      const method = (opts.method || 'GET').toUpperCase()
      let body
      if (opts.data !== undefined && method !== 'GET') {
        body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data)
      }
      const rec = {
        method,
        url: opts.url,
        path: pathname,
        query,
        data: opts.data,
        header: Object.assign({}, opts.header),
        idempotencyKey: headerValue(opts.header, 'Idempotency-Key'),
        authorization: headerValue(opts.header, 'Authorization'),
      }
      h.requests.push(rec)
      h.inflight += 1
      const answer = h.handler ? Promise.resolve().then(() => h.handler(rec)) : httpRequest(opts, body)
      answer
        .then((res) => {
          if (!res) {
            h.unmatched.push(`${method} ${pathname}`)
            res = { statusCode: 404, data: { code: 'not_found', status: 404, title: 'Not Found' } }
          }
          const full = Object.assign({ header: {}, errMsg: 'request:ok' }, res)
          rec.statusCode = full.statusCode
          rec.response = full.data
          if (opts.success) opts.success(full)
          if (opts.complete) opts.complete(full)
        })
        .catch((err) => {
          rec.statusCode = 0
          const res = { errMsg: `request:fail ${err.message}` }
          if (opts.fail) opts.fail(res)
          if (opts.complete) opts.complete(res)
        })
        .finally(() => {
          h.inflight -= 1
        })
      return { abort() {} }
    },
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => storage.set(k, JSON.parse(JSON.stringify(v))),
    removeStorageSync: (k) => storage.delete(k),
    clearStorageSync: () => storage.clear(),
    login(opts) {
      h.loginCalls += 1
      const code = h.loginCode()
      later(() => opts.success && opts.success({ code, errMsg: 'login:ok' }))
    },
    showToast(opts) {
      h.toasts.push(opts)
    },
    showModal(opts) {
      h.modals.push(opts)
      const res = { confirm: h.modalConfirm, cancel: !h.modalConfirm, errMsg: 'showModal:ok' }
      later(() => opts.success && opts.success(res))
    },
    showLoading() {
      h.loadingDepth += 1
      h.maxLoadingDepth = Math.max(h.maxLoadingDepth, h.loadingDepth)
    },
    hideLoading() {
      h.loadingDepth -= 1
    },
    requestSubscribeMessage(opts) {
      h.subscribeRequests.push(opts.tmplIds)
      const res = { errMsg: 'requestSubscribeMessage:ok' }
      opts.tmplIds.forEach((id) => (res[id] = 'accept'))
      later(() => opts.success && opts.success(res))
    },
    arrayBufferToBase64: (ab) => Buffer.from(ab).toString('base64'),
    chooseMedia(opts) {
      h.chooseCalls.push(opts)
      const tempFiles = h.chosenMedia.slice(0, opts.count).map((p) => ({ tempFilePath: p, size: 1000, fileType: 'image' }))
      later(() => opts.success && opts.success({ tempFiles, type: 'image', errMsg: 'chooseMedia:ok' }))
    },
    // As wx.request, but multipart: recorded with the file path and field name; the answer's data is a string.
    uploadFile(opts) {
      const { pathname, query } = parseUrl(opts.url)
      const rec = {
        method: 'POST',
        url: opts.url,
        path: pathname,
        query,
        upload: { filePath: opts.filePath, name: opts.name, formData: opts.formData },
        header: Object.assign({}, opts.header),
        authorization: headerValue(opts.header, 'Authorization'),
      }
      h.requests.push(rec)
      h.inflight += 1
      Promise.resolve()
        .then(() => (h.handler ? h.handler(rec) : null))
        .then((res) => {
          if (!res) {
            h.unmatched.push(`POST ${pathname}`)
            res = { statusCode: 404, data: { code: 'not_found', status: 404, title: 'Not Found' } }
          }
          rec.statusCode = res.statusCode
          rec.response = res.data
          const full = { statusCode: res.statusCode, data: JSON.stringify(res.data), errMsg: 'uploadFile:ok' }
          if (opts.success) opts.success(full)
        })
        .finally(() => {
          h.inflight -= 1
        })
      return { abort() {}, onProgressUpdate() {} }
    },
    scanCode(opts) {
      h.scanCalls.push(opts)
      const result = h.scanResult
      later(() => {
        if (result === null) opts.fail && opts.fail({ errMsg: 'scanCode:fail cancel' })
        else opts.success && opts.success({ result, scanType: 'QR_CODE', charSet: 'utf-8', errMsg: 'scanCode:ok' })
      })
    },
    getLocation(opts) {
      h.locationCalls.push(opts)
      const loc = h.location
      later(() => {
        if (!loc) opts.fail && opts.fail({ errMsg: 'getLocation:fail auth deny' })
        else opts.success && opts.success(Object.assign({ accuracy: 30, errMsg: 'getLocation:ok' }, loc))
      })
    },
    openLocation(opts) {
      h.openedLocations.push(opts)
    },
    previewImage(opts) {
      h.previews.push(opts)
    },
    stopPullDownRefresh() {},
    setNavigationBarTitle() {},
  }
  ;['navigateTo', 'redirectTo', 'reLaunch', 'switchTab', 'navigateBack'].forEach((type) => {
    wx[type] = (opts = {}) => {
      h.navigations.push({ type, url: opts.url })
      later(() => opts.success && opts.success({ errMsg: `${type}:ok` }))
    }
  })
  h.wx = wx

  // Resolves once no request is in flight and nothing is queued behind it (pages chain requests).
  h.idle = async function idle(timeoutMs = 20000) {
    const start = Date.now()
    let quiet = 0
    while (quiet < 3) {
      if (Date.now() - start > timeoutMs) throw new Error(`wx harness: still ${h.inflight} requests in flight`)
      await new Promise((r) => setTimeout(r, h.inflight ? 5 : 0))
      quiet = h.inflight === 0 ? quiet + 1 : 0
    }
  }

  h.find = (method, path) => h.requests.filter((r) => r.method === method && r.path === path)
  h.last = () => h.requests[h.requests.length - 1]
  // Requests other than GETs, as "METHOD path" + body: what a button did.
  h.writes = () => h.requests.filter((r) => r.method !== 'GET')
  h.clearRecords = () => {
    h.requests.length = 0
    h.unmatched.length = 0
    h.toasts.length = 0
    h.modals.length = 0
    h.navigations.length = 0
    h.subscribeRequests.length = 0
  }
  return h
}

// Puts a fresh harness in place as the global `wx` and returns it.
function installWx(options) {
  const h = createWx(options)
  global.wx = h.wx
  return h
}

module.exports = { createWx, installWx }
