// Sign-in. Dev mode: pick a demo user (code `dev:<openid>:<nonce>` for the fake WeChat). Real mode: wx.login.
const api = require('../../utils/api')
const config = require('../../config')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.login, devMode: false, users: [], baseUrl: '', busy: false },
  methods: {
    onLoad() {
      this.setData({ devMode: config.devMode, users: text.demoUsers, baseUrl: config.getBaseUrl() })
    },
    async signIn(openid) {
      if (this.data.busy) return
      this.setData({ busy: true })
      try {
        await api.login(openid)
        wx.showToast({ title: this.data.t.signedIn, icon: 'success' })
        wx.reLaunch({ url: '/pages/index/index' })
      } catch (err) {
        if (err instanceof api.ApiError) api.showError(err)
        else api.handled(err)
      } finally {
        this.setData({ busy: false })
      }
    },
    pickUser(e) {
      return this.signIn(e.currentTarget.dataset.openid)
    },
    wxLogin() {
      return this.signIn()
    },
    onBaseUrl(e) {
      this.setData({ baseUrl: e.detail.value })
    },
    saveBaseUrl() {
      config.setBaseUrl(this.data.baseUrl)
      this.setData({ baseUrl: config.getBaseUrl() })
      wx.showToast({ title: text.common.saved, icon: 'success' })
    },
  },
})
