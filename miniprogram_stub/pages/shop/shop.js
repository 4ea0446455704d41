// 爱心超市: one community's items (price in points, stock), my balance there, redeem with a confirm, my orders and
// cancelling one that still waits (points and stock go back). ?community_id= (from 我的积分), else my community.
const api = require('../../utils/api')
const communities = require('../../utils/communities')
const format = require('../../utils/format')
const text = require('../../utils/text')

const t = text.pages.shop
const MESSAGES = { invalid_transition: { msg: t.changed, modal: true } }

function ask(content) {
  return new Promise((resolve) => {
    wx.showModal({ title: text.common.errorTitle, content, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) })
  })
}

Component({
  data: { t, choices: [], choiceIndex: 0, communityId: null, balance: 0, items: [], orders: [], loaded: false, busy: false },
  methods: {
    async onLoad(options = {}) {
      const ids = communities.current()
      const asked = Number(options.community_id)
      if (asked && ids.indexOf(asked) < 0) ids.unshift(asked)
      if (!ids.length) {
        this.setData({ loaded: true })
        return
      }
      try {
        const names = await communities.names()
        this.setData({ choices: ids.map((id) => ({ id, name: names[id] || '' })), communityId: ids[0] })
        await this.refresh()
      } catch (err) {
        api.handled(err)
      }
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    pickCommunity(e) {
      const index = Number(e.detail.value)
      this.setData({ choiceIndex: index, communityId: this.data.choices[index].id })
      return this.refresh()
    },
    async refresh() {
      const id = this.data.communityId
      if (!id) return
      try {
        const [balances, items, orders] = await Promise.all([
          api.get('/api/v1/points'),
          api.get(`/api/v1/communities/${id}/shop/items`),
          api.get('/api/v1/shop/redemptions', { community_id: id }),
        ])
        const mine = balances.find((b) => b.community_id === id)
        const balance = mine ? mine.balance : 0
        this.setData({
          balance,
          items: items.map((i) => Object.assign({}, i, {
            priceText: format.fill(t.price, { price: i.price }),
            stockText: i.stock ? format.fill(t.stock, { stock: i.stock }) : t.soldOut,
            // Said before the tap; the server still decides (insufficient_points) if the balance changed meanwhile.
            shortText: i.stock && i.price > balance ? format.fill(t.short, { n: i.price - balance }) : '',
          })),
          orders: orders.map((o) => Object.assign({}, o, {
            statusText: t.status[o.status] || o.status,
            createdText: format.time(o.created_at),
          })),
          loaded: true,
        })
      } catch (err) {
        api.handled(err)
      }
    },
    async run(send, doneText) {
      this.setData({ busy: true })
      try {
        await send()
        wx.showToast({ title: doneText, icon: 'none' })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
        await this.refresh()
      }
    },
    async redeem(e) {
      const item = this.data.items.find((i) => i.id === Number(e.currentTarget.dataset.id))
      if (this.data.busy || !item || !(await ask(format.fill(t.confirmRedeem, item)))) return
      await this.run(() => api.post(`/api/v1/shop/items/${item.id}/redeem`, {}, { messages: MESSAGES }), t.redeemed)
    },
    async cancel(e) {
      const order = this.data.orders.find((o) => o.id === Number(e.currentTarget.dataset.id))
      if (this.data.busy || !order || !(await ask(format.fill(t.confirmCancel, { name: order.item_name })))) return
      await this.run(() => api.post(`/api/v1/shop/redemptions/${order.id}/cancel`, {}, { messages: MESSAGES }), t.cancelled)
    },
  },
})
