// 服务二维码: the member's own mini-program code (GET /api/v1/members/{user_id}/qrcode → image/png). Residents
// who scan it land on the order page with the wish aimed at this member (首问负责).
const api = require('../../utils/api')
const session = require('../../utils/session')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.qrcode, user: null, isMember: false, src: '', failed: false },
  methods: {
    async onLoad() {
      const user = session.getUser()
      const isMember = session.hasRole(user, 'member')
      this.setData({ user, isMember })
      if (!isMember) return
      try {
        // <image> cannot send the Authorization header, so fetch the bytes and show them as a data URI.
        const png = await api.get(`/api/v1/members/${user.id}/qrcode`, null, { responseType: 'arraybuffer' })
        this.setData({ src: `data:image/png;base64,${wx.arrayBufferToBase64(png)}` })
      } catch (err) {
        this.setData({ failed: true })
        api.handled(err)
      }
    },
  },
})
