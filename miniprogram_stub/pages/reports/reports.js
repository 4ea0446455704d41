// 报到审核: pending member reports of the secretary's communities; approve, or reject with a reason.
const api = require('../../utils/api')
const text = require('../../utils/text')

Component({
  data: { t: text.pages.reports, reports: [], loaded: false, rejectingId: null, reason: '', busy: false },
  methods: {
    onLoad() {
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      try {
        const res = await api.get('/api/v1/member-reports', { status: 'pending' })
        const reports = api.page(res).items.map((r) => Object.assign({}, r, { skillsText: (r.skills || []).join('、') }))
        this.setData({ reports, loaded: true })
      } catch (err) {
        api.handled(err)
      }
    },
    async decide(id, action, body, doneText) {
      if (this.data.busy) return
      this.setData({ busy: true })
      try {
        await api.post(`/api/v1/member-reports/${id}/${action}`, body)
        wx.showToast({ title: doneText, icon: 'success' })
        this.setData({ reports: this.data.reports.filter((r) => r.id !== id), rejectingId: null, reason: '' })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
      }
    },
    approve(e) {
      return this.decide(Number(e.currentTarget.dataset.id), 'approve', {}, this.data.t.approved)
    },
    startReject(e) {
      this.setData({ rejectingId: Number(e.currentTarget.dataset.id), reason: '' })
    },
    onReason(e) {
      this.setData({ reason: e.detail.value })
    },
    confirmReject() {
      const reason = this.data.reason.trim()
      if (!reason) {
        wx.showToast({ title: this.data.t.needReason, icon: 'none' })
        return Promise.resolve()
      }
      return this.decide(this.data.rejectingId, 'reject', { reason }, this.data.t.rejected)
    },
  },
})
