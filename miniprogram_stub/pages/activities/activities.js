// 志愿活动: the activities open to me (my community, my grid; residents' ones where I live) that are still
// published, newest first, each with its time, place, seats left and my sign-up. A card opens the activity.
const api = require('../../utils/api')
const config = require('../../config')
const format = require('../../utils/format')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.activities, c: text.common, items: [], shown: [], mineOnly: false, nextCursor: null, loading: false, loaded: false },
  methods: {
    onLoad() {
      return this.load(true)
    },
    onShow() {
      // Back from an activity (signed up, withdrew): its seats and my status changed.
      if (this._shownOnce) this.load(true)
      this._shownOnce = true
    },
    onPullDownRefresh() {
      return this.load(true).then(() => wx.stopPullDownRefresh())
    },
    async load(reset) {
      const query = { status: 'published', limit: config.pageSize }
      if (!reset) query.cursor = this.data.nextCursor
      this.setData({ loading: true })
      try {
        const res = api.page(await api.get('/api/v1/activities', query))
        const items = (reset ? [] : this.data.items).concat(res.items.map(format.activity))
        this.setData({ items, nextCursor: res.next_cursor, loaded: true })
        this.filter()
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ loading: false })
      }
    },
    loadMore() {
      if (this.data.nextCursor && !this.data.loading) return this.load(false)
      return Promise.resolve()
    },
    filter() {
      const items = this.data.items
      this.setData({ shown: this.data.mineOnly ? items.filter((a) => a.attendance !== 'none') : items })
    },
    toggleMine() {
      this.setData({ mineOnly: !this.data.mineOnly })
      this.filter()
    },
    open(e) {
      wx.navigateTo({ url: `/pages/activity/activity?id=${e.currentTarget.dataset.id}` })
    },
  },
})
