// Behavior shared by the pages that list wishes (my wishes, queue, my tasks, pool): cursor paging, pull-down
// refresh, refresh on coming back. A page defines `listQuery()` → the query of GET /api/v1/wishes.
const api = require('./api')
const config = require('../config')
const format = require('./format')

module.exports = Behavior({
  data: { items: [], nextCursor: null, loading: false, loaded: false },
  methods: {
    async loadList(reset) {
      const seq = (this._listSeq = (this._listSeq || 0) + 1)
      const query = Object.assign({ limit: config.pageSize }, this.listQuery())
      if (!reset) query.cursor = this.data.nextCursor
      this.setData({ loading: true })
      try {
        const res = api.page(await api.get('/api/v1/wishes', query))
        if (seq !== this._listSeq) return // a newer load (another filter) won
        const items = res.items.map(format.wish)
        this.setData({
          items: reset ? items : this.data.items.concat(items),
          nextCursor: res.next_cursor,
          loaded: true,
        })
      } catch (err) {
        api.handled(err)
      } finally {
        if (seq === this._listSeq) this.setData({ loading: false })
      }
    },
    loadMore() {
      if (this.data.nextCursor && !this.data.loading) return this.loadList(false)
      return Promise.resolve()
    },
    onPullDownRefresh() {
      return this.loadList(true).then(() => wx.stopPullDownRefresh())
    },
    onShow() {
      // onLoad did the first load; later shows (back from the detail page) refresh.
      if (this._shownOnce) this.loadList(true)
      this._shownOnce = true
    },
  },
})
