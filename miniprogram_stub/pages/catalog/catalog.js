// 服务群众项目清单: the categories a resident can order from.
const api = require('../../utils/api')
const session = require('../../utils/session')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.catalog, c: text.common, categories: [], loaded: false },
  methods: {
    async onLoad() {
      try {
        // The home community's whole list (district + street + community entries); no home: the district's.
        const home = (session.getUser() || {}).home
        const list = api.page(await api.get('/api/v1/categories', home ? { org_id: home.community_id } : undefined)).items
        this.setData({ categories: list, loaded: true })
      } catch (err) {
        api.handled(err)
      }
    },
    order(e) {
      wx.navigateTo({ url: `/pages/order/order?category_id=${e.currentTarget.dataset.id}` })
    },
  },
})
