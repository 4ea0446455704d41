// 报到: an in-service party member registers with the community where they live (POST /api/v1/member-reports).
const api = require('../../utils/api')
const { submitForm } = require('../../utils/form')
const session = require('../../utils/session')
const text = require('../../utils/text')

Component({
  data: {
    t: text.pages.memberReport,
    communities: [],
    communityIndex: -1,
    grids: [],
    gridIndex: -1,
    real_name: '',
    workplace: '',
    party_org: '',
    skills: '',
    submitted: null,
    busy: false,
  },
  methods: {
    async onLoad() {
      try {
        const communities = api.page(await api.get('/api/v1/orgs', { level: 'community' })).items
        const user = session.getUser()
        const homeId = user && user.home && user.home.community_id
        const communityIndex = communities.findIndex((c) => c.id === homeId)
        this.setData({ communities, communityIndex })
        if (communityIndex >= 0) await this.loadGrids()
      } catch (err) {
        api.handled(err)
      }
    },
    async loadGrids() {
      const community = this.data.communities[this.data.communityIndex]
      const grids = api.page(await api.get('/api/v1/orgs', { parent_id: community.id, level: 'grid' })).items
      this.setData({ grids, gridIndex: -1 })
    },
    async onCommunity(e) {
      this.setData({ communityIndex: Number(e.detail.value) })
      try {
        await this.loadGrids()
      } catch (err) {
        api.handled(err)
      }
    },
    onGrid(e) {
      this.setData({ gridIndex: Number(e.detail.value) })
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    body() {
      const d = this.data
      const community = d.communities[d.communityIndex]
      const fields = { real_name: d.real_name.trim(), workplace: d.workplace.trim(), party_org: d.party_org.trim() }
      let problem = null
      if (!community) problem = d.t.needCommunity
      else if (!fields.real_name || !fields.workplace || !fields.party_org) problem = d.t.needFields
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' })
        return null
      }
      const body = Object.assign({ community_id: community.id }, fields, {
        skills: d.skills
          .split(/[,，、;；\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      })
      const grid = d.grids[d.gridIndex]
      if (grid) body.grid_id = grid.id
      return body
    },
    submit() {
      return submitForm(this, async (body) => {
        const report = await api.post('/api/v1/member-reports', body)
        this.setData({ submitted: report })
        wx.showToast({ title: this.data.t.submitted, icon: 'none' })
      })
    },
  },
})
