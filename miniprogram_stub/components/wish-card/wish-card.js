// One wish in a list (expects a wish already passed through utils/format.js `wish()`). Tap opens the detail.
const text = require('../../utils/text')

Component({
  options: { addGlobalClass: true },
  properties: {
    wish: { type: Object, value: {} },
  },
  data: { t: text.common },
  methods: {
    open() {
      wx.navigateTo({ url: `/pages/wish-detail/wish-detail?id=${this.data.wish.id}` })
    },
  },
})
