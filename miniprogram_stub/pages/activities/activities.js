// 志愿活动: the activities open to me (my community, my grid; residents' ones where I live), newest first, each with
// its time, place, seats left and my sign-up: those still open (published) by default, or the finished ones (where
// a forgotten scan is still a 补卡 request). A card opens the activity.
const api = require('../../utils/api')
const config = require('../../config')
const format = require('../../utils/format')
const text = require('../../utils/text')

Component({
  data: {
    t: text.pages.activities,
    c: text.common,
    statuses: ['published', 'finished'].map((s) => ({ value: s, label: text.pages.activities.statuses[s] })),
    status: 'published',
    items: [],
    shown: [],
    mineOnly: false,
    nextCursor: null,
    loading: false,
    loaded: false,
  },
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
      const seq = (this._seq = (this._seq || 0) + 1)
      const query = { status: this.data.status, limit: config.pageSize }
      if (!reset) query.cursor = this.data.nextCursor
      this.setData({ loading: true })
      try {
        const res = api.page(await api.get('/api/v1/activities', query))
        if (seq !== this._seq) return // a newer load (the other tab) won
        const items = (reset ? [] : this.data.items).concat(res.items.map(format.activity))
        this.setData({ items, nextCursor: res.next_cursor, loaded: true })
        this.filter()
      } catch (err) {
        api.handled(err)
      } finally {
        if (seq === this._seq) this.setData({ loading: false })
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
    pickStatus(e) {
      this.setData({ status: e.currentTarget.dataset.value })
      return this.load(true)
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
