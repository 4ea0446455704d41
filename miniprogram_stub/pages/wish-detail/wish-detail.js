// One wish, its timeline, and one button per entry of `allowed_actions` (what this caller may do now).
// Opened by wish id (?id=), also from a subscribe message (?id=&nid=, the notification to mark read).
// accept posts at once (after a confirm); dispatch opens the dispatch page; the rest open the action form.
const api = require('../../utils/api')
const format = require('../../utils/format')
const photos = require('../../utils/photos')
const text = require('../../utils/text')

const FORM_ACTIONS = ['recall', 'decline', 'complete', 'reject', 'cancel', 'rate', 'reopen']

function confirm(content) {
  return new Promise((resolve) => {
    wx.showModal({
      title: text.common.errorTitle,
      content,
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false),
    })
  })
}

Component({
  data: { t: text.pages.detail, tp: text.pages.photos, c: text.common, id: null, wish: null, events: [], photos: [], busy: false },
  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id })
      // Opened from a WeChat subscribe message: ?id=<wish>&nid=<notification>. Mark that notice read.
      if (options.nid) {
        api.post(`/api/v1/notifications/${options.nid}/read`, {}, { silent: true, loading: false }).catch(() => null)
      }
      return this.refresh()
    },
    onShow() {
      if (this._shownOnce) this.refresh()
      this._shownOnce = true
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      try {
        const wish = await api.get(`/api/v1/wishes/${this.data.id}`)
        this.setData({ wish: format.wish(wish), events: (wish.events || []).map(format.event) })
        const shown = await photos.ofWish(this.data.id)
        this.setData({ photos: shown.map((p) => Object.assign({}, p, { stageText: this.data.tp.stages[p.stage] || '' })) })
      } catch (err) {
        api.handled(err)
      }
    },
    onPreviewPhoto(e) {
      photos.preview(this.data.photos, Number(e.currentTarget.dataset.index))
    },
    async onAction(e) {
      const action = e.currentTarget.dataset.action
      const id = this.data.wish.id
      if (action === 'dispatch') {
        wx.navigateTo({ url: `/pages/dispatch/dispatch?id=${id}` })
      } else if (FORM_ACTIONS.indexOf(action) >= 0) {
        wx.navigateTo({ url: `/pages/action/action?id=${id}&action=${action}` })
      } else if (action === 'accept') {
        if (this.data.busy || !(await confirm(this.data.t.confirmAccept))) return
        this.setData({ busy: true })
        try {
          await api.post(`/api/v1/wishes/${id}/accept`, {})
          wx.showToast({ title: this.data.t.accepted, icon: 'success' })
        } catch (err) {
          api.handled(err)
        } finally {
          this.setData({ busy: false })
          await this.refresh()
        }
      }
    },
  },
})
