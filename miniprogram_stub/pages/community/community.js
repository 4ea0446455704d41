// 我的社区: the community's published 评星定级 — the latest year's stars and every published year, newest first
// (GET /api/v1/stars/communities/{id}). ?id= any community; else my own.
const api = require('../../utils/api')
const communities = require('../../utils/communities')
const format = require('../../utils/format')
const text = require('../../utils/text')

const t = text.pages.community

function yearView(y) {
  return Object.assign({}, y, {
    starsText: '★'.repeat(y.stars) + '☆'.repeat(Math.max(0, 5 - y.stars)),
    yearText: format.fill(t.current, { year: y.year }),
    publishedText: format.time(y.published_at),
  })
}

Component({
  data: { t, id: null, community: null, current: null, history: [], loaded: false },
  methods: {
    onLoad(options = {}) {
      const id = Number(options.id) || communities.current()[0] || null
      this.setData({ id })
      if (!id) {
        this.setData({ loaded: true })
        return Promise.resolve()
      }
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      try {
        const res = await api.get(`/api/v1/stars/communities/${this.data.id}`)
        this.setData({
          community: res.community,
          current: res.current ? yearView(res.current) : null,
          history: res.history.map(yearView),
          loaded: true,
        })
        wx.setNavigationBarTitle({ title: res.community.name })
      } catch (err) {
        api.handled(err)
      }
    },
  },
})
