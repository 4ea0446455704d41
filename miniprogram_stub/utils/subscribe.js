// The consent prompt for WeChat subscribe messages.
//
// WeChat only shows wx.requestSubscribeMessage from a tap, so pages call `prepare()` when they load (it fetches
// the template ids from /api/v1/client-config) and `ask()` first thing in the tap handler, before any await.
// What the user allows is reported to the backend with POST /api/v1/subscriptions (quota +1 per template).
const api = require('./api')
const config = require('../config')
const session = require('./session')
const text = require('./text')

let templates = null // {key: templateId}

function prepare() {
  if (templates) return Promise.resolve(templates)
  return api
    .get('/api/v1/client-config', null, { silent: true })
    .then((cfg) => {
      templates = (cfg && cfg.subscribe_templates) || {}
      return templates
    })
    .catch(() => ({}))
}

function requestSubscribe(tmplIds) {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(res),
      fail: (err) => resolve({ failed: true, err }),
    })
  })
}

function confirmDev() {
  return new Promise((resolve) => {
    wx.showModal({
      title: text.common.errorTitle,
      content: text.pages.subscribe.devFallback,
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false),
    })
  })
}

// Ask for consent; resolves with the template keys the user accepted (never rejects).
async function ask() {
  const known = templates || (await prepare())
  const entries = Object.keys(known)
    .map((key) => [key, known[key]])
    .slice(0, config.maxTemplatesPerAsk)
  if (!entries.length) return []
  let res = await requestSubscribe(entries.map((e) => e[1]))
  // DevTools cannot show the prompt for the fake template ids; in dev mode offer to pretend the user allowed all.
  if (res.failed && config.devMode && (await confirmDev())) {
    res = {}
    entries.forEach((e) => (res[e[1]] = 'accept'))
  }
  const accepted = entries.filter((e) => res[e[1]] === 'accept')
  if (!accepted.length) return []
  // Dev only: tell the fake WeChat what the real one records when the user taps "allow" (best effort).
  const openid = config.devMode && session.getDevOpenid()
  if (openid) {
    await api
      .post('/_dev/wechat/consent', { openid, template_ids: accepted.map((e) => e[1]) }, { silent: true, loading: false })
      .catch(() => null)
  }
  try {
    await api.post('/api/v1/subscriptions', { accepted: accepted.map((e) => e[0]) }, { loading: false })
  } catch (err) {
    api.handled(err)
    return []
  }
  return accepted.map((e) => e[0])
}

function reset() {
  templates = null
}

module.exports = { prepare, ask, reset }
