// The in-app inbox (GET /api/v1/notifications). Tap: mark read, open the wish. Also the consent prompt for
// WeChat subscribe messages.
const api = require('../../utils/api')
const config = require('../../config')
const format = require('../../utils/format')
const subscribe = require('../../utils/subscribe')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.notifications, c: text.common, items: [], nextCursor: null, unreadOnly: false, loaded: false },
  methods: {
    onLoad() {
      subscribe.prepare()
      return this.refresh()
    },
    onShow() {
      if (this._shownOnce) this.refresh()
      this._shownOnce = true
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async load(reset) {
      const query = { limit: config.pageSize, unread: this.data.unreadOnly ? 'true' : '' }
      if (!reset) query.cursor = this.data.nextCursor
      try {
        const res = api.page(await api.get('/api/v1/notifications', query))
        const items = res.items.map(format.notification)
        this.setData({
          items: reset ? items : this.data.items.concat(items),
          nextCursor: res.next_cursor,
          loaded: true,
        })
      } catch (err) {
        api.handled(err)
      }
    },
    refresh() {
      return this.load(true)
    },
    loadMore() {
      return this.data.nextCursor ? this.load(false) : Promise.resolve()
    },
    toggleUnread() {
      this.setData({ unreadOnly: !this.data.unreadOnly })
      return this.refresh()
    },
    async open(e) {
      const id = Number(e.currentTarget.dataset.id)
      const n = this.data.items.find((x) => x.id === id)
      if (!n) return
      try {
        if (n.unread) {
          await api.post(`/api/v1/notifications/${id}/read`, {}, { loading: false })
          this.setData({
            items: this.data.items.map((x) => (x.id === id ? Object.assign({}, x, { unread: false }) : x)),
          })
        }
        if (n.wish_id) wx.navigateTo({ url: `/pages/wish-detail/wish-detail?id=${n.wish_id}` })
      } catch (err) {
        api.handled(err)
      }
    },
    askSubscribe() {
      return subscribe.ask().then((keys) => {
        if (keys.length) wx.showToast({ title: text.pages.subscribe.done, icon: 'success' })
      })
    },
  },
})
