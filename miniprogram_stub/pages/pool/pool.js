// 抢单: wishes opened to the member's community / grid and not yet taken (scope=pool). One member wins; the
// others get 409 already_taken, which api.js shows, and the list is refreshed.
const api = require('../../utils/api')
const text = require('../../utils/text')
const wishList = require('../../utils/wish-list')

Component({
  behaviors: [wishList],
  data: { t: text.pages.pool, c: text.common, busyId: null },
  methods: {
    onLoad() {
      return this.loadList(true)
    },
    listQuery() {
      return { scope: 'pool' }
    },
    async grab(e) {
      const id = e.currentTarget.dataset.id
      if (this.data.busyId) return
      this.setData({ busyId: id })
      try {
        await api.post(`/api/v1/wishes/${id}/accept`, {})
        wx.showToast({ title: this.data.t.grabbed, icon: 'success' })
        wx.navigateTo({ url: `/pages/wish-detail/wish-detail?id=${id}` })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busyId: null })
        this.loadList(true)
      }
    },
  },
})
