// The community's figures (三率 and more) from GET /api/v1/stats/summary?org_id=.
const api = require('../../utils/api')
const format = require('../../utils/format')
const session = require('../../utils/session')
const text = require('../../utils/text')

function figures(s, t) {
  return [
    { key: 'wishes', label: t.wishes, value: `${s.wishes || 0}` },
    { key: 'response_rate', label: t.response, value: format.percent(s.response_rate) },
    { key: 'resolution_rate', label: t.resolution, value: format.percent(s.resolution_rate) },
    { key: 'satisfaction_rate', label: t.satisfaction, value: format.percent(s.satisfaction_rate) },
    { key: 'on_time_rate', label: t.onTime, value: format.percent(s.on_time_rate) },
    {
      key: 'median_response_minutes',
      label: t.median,
      value:
        s.median_response_minutes === null || s.median_response_minutes === undefined
          ? text.common.none
          : `${Math.round(s.median_response_minutes)}${text.common.minutes}`,
    },
    { key: 'members', label: t.members, value: `${s.members || 0}` },
    { key: 'service_minutes', label: t.serviceHours, value: format.hours(s.service_minutes) },
  ]
}

Component({
  data: { t: text.pages.stats, orgs: [], orgIndex: 0, figures: [], byStatus: [], loaded: false },
  methods: {
    onLoad() {
      const orgs = session.managedOrgs(session.getUser())
      this.setData({ orgs })
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    pickOrg(e) {
      this.setData({ orgIndex: Number(e.detail.value) })
      return this.refresh()
    },
    async refresh() {
      const org = this.data.orgs[this.data.orgIndex]
      if (!org) {
        this.setData({ loaded: true })
        return
      }
      try {
        const s = await api.get('/api/v1/stats/summary', { org_id: org.org_id })
        const byStatus = Object.keys(s.by_status || {}).map((k) => ({
          key: k,
          label: text.status[k] || k,
          value: s.by_status[k],
        }))
        this.setData({ figures: figures(s, this.data.t), byStatus, loaded: true })
      } catch (err) {
        api.handled(err)
      }
    },
  },
})
