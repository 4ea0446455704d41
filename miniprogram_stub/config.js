// Where the backend lives and how to sign in. Edit here, or (dev mode) on the sign-in page, which keeps an
// override in storage so a phone on the LAN can point at your machine without rebuilding.
const BASE_URL_KEY = 'xy_base_url'

const config = {
  // `make run` serves the backend here. In WeChat DevTools tick "不校验合法域名" (see README).
  baseUrl: 'http://127.0.0.1:8000',
  // true: the sign-in page offers the demo users and signs in with `dev:<openid>:<nonce>` codes, which only
  // the backend's fake WeChat (WECHAT_MODE=fake) accepts. false: plain `wx.login`, for a real appid.
  devMode: true,
  // Per page of list requests.
  pageSize: 20,
  // WeChat lets one wx.requestSubscribeMessage call ask for at most three templates.
  maxTemplatesPerAsk: 3,
}

config.getBaseUrl = function getBaseUrl() {
  const override = wx.getStorageSync(BASE_URL_KEY)
  return (override || config.baseUrl).replace(/\/+$/, '')
}

config.setBaseUrl = function setBaseUrl(url) {
  if (url) wx.setStorageSync(BASE_URL_KEY, url.trim())
  else wx.removeStorageSync(BASE_URL_KEY)
}

module.exports = config
