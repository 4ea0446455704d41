// 工作台扫码登录: opened by the console's mini-program code (?scene=c%3D<ticket>). Shows where the console runs and
// from which computer, then one tap confirms (POST /api/v1/console/tickets/{ticket}/confirm). A resident or member
// is refused by the API (403 not_staff), shown as a modal by utils/api.
const api = require('../../utils/api')
const format = require('../../utils/format')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.consoleLogin, ticket: '', view: null, until: '', done: false, busy: false },
  methods: {
    async onLoad(options = {}) {
      const ticket = format.parseScene(options.scene).c || options.ticket || ''
      this.setData({ ticket })
      if (!ticket) return
      try {
        const view = await api.get(`/api/v1/console/tickets/${ticket}`)
        this.setData({ view, until: format.time(view.expires_at) })
      } catch (err) {
        api.handled(err)
      }
    },
    async onConfirm() {
      if (this.data.busy || this.data.done) return
      this.setData({ busy: true })
      try {
        await api.post(`/api/v1/console/tickets/${this.data.ticket}/confirm`)
        this.setData({ done: true })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
      }
    },
  },
})
