// The resident's own wishes (scope=mine).
const text = require('../../utils/text')
const wishList = require('../../utils/wish-list')

Component({
  behaviors: [wishList],
  data: { t: text.pages.myWishes, c: text.common },
  methods: {
    onLoad() {
      return this.loadList(true)
    },
    listQuery() {
      return { scope: 'mine' }
    },
    goCatalog() {
      wx.navigateTo({ url: '/pages/catalog/catalog' })
    },
  },
})
