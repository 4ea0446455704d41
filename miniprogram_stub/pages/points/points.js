// 我的积分: my balance in each community (a link to its 爱心超市) and the ledger, newest first: what was earned,
// given, taken and spent, and why.
const api = require('../../utils/api')
const communities = require('../../utils/communities')
const config = require('../../config')
const format = require('../../utils/format')
const text = require('../../utils/text')

const t = text.pages.points

function entryView(e, names) {
  return Object.assign({}, e, {
    kindText: t.kinds[e.kind] || e.kind,
    pointsText: e.points > 0 ? `+${e.points}` : String(e.points),
    gain: e.points > 0,
    communityName: names[e.community_id] || '',
    atText: format.time(e.at),
  })
}

Component({
  data: { t, c: text.common, balances: [], entries: [], nextCursor: null, loaded: false, loading: false },
  methods: {
    onLoad() {
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
        const [balances, names] = await Promise.all([api.get('/api/v1/points'), communities.names()])
        this._names = names
        this.setData({ balances: balances.map((b) => Object.assign({}, b, { communityName: names[b.community_id] || '' })) })
        await this.loadEntries(true)
        this.setData({ loaded: true })
      } catch (err) {
        api.handled(err)
      }
    },
    async loadEntries(reset) {
      const query = { limit: config.pageSize }
      if (!reset) query.cursor = this.data.nextCursor
      this.setData({ loading: true })
      try {
        const res = api.page(await api.get('/api/v1/points/entries', query))
        const items = res.items.map((e) => entryView(e, this._names || {}))
        this.setData({ entries: (reset ? [] : this.data.entries).concat(items), nextCursor: res.next_cursor })
      } finally {
        this.setData({ loading: false })
      }
    },
    loadMore() {
      if (!this.data.nextCursor || this.data.loading) return Promise.resolve()
      return this.loadEntries(false).catch((err) => api.handled(err))
    },
    openShop(e) {
      wx.navigateTo({ url: `/pages/shop/shop?community_id=${e.currentTarget.dataset.id}` })
    },
  },
})
