// 我的服务队: my teams (and my standing in each), the teams of my community I may join, leaving one; a leader sees
// who asks to join and approves or refuses (the teams API, /api/v1/teams); join / leave follow each team's
// `allowed_actions`.
const api = require('../../utils/api')
const format = require('../../utils/format')
const session = require('../../utils/session')
const text = require('../../utils/text')

const t = text.pages.team
const MESSAGES = { invalid_transition: { msg: t.changed, modal: true } }

function ask(content) {
  return new Promise((resolve) => {
    wx.showModal({ title: text.common.errorTitle, content, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) })
  })
}

function teamView(team) {
  const allowed = team.allowed_actions || []
  return Object.assign({}, team, {
    leaderName: (team.leader && team.leader.name) || '',
    membersText: format.fill(t.members, { n: team.member_count }),
    skillsText: (team.skills || []).join('、'),
    membershipText: t.membership[team.my_membership] || '',
    canJoin: allowed.indexOf('join') >= 0,
    canLeave: allowed.indexOf('leave') >= 0,
  })
}

Component({
  data: { t, member: false, mine: [], joinable: [], pending: [], loaded: false, busy: false },
  methods: {
    onLoad() {
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      const orgs = session.orgsWithRole(session.getUser(), 'member')
      this.setData({ member: orgs.length > 0 })
      try {
        const mine = api.page(await api.get('/api/v1/teams', { mine: true })).items.map(teamView)
        // The teams I may ask to join: the API lists those I may see (a street's teams too, which `org_id` of my
        // community would miss, since it means "at or under") and says which I may join in `allowed_actions`.
        const joinable = []
        if (orgs.length) {
          const teams = api.page(await api.get('/api/v1/teams', { limit: 100 })).items
          teams.filter((x) => !x.my_membership && (x.allowed_actions || []).indexOf('join') >= 0).forEach((x) => joinable.push(teamView(x)))
        }
        const pending = []
        for (const team of mine.filter((x) => x.my_membership === 'leader')) {
          const rows = await api.get(`/api/v1/teams/${team.id}/members`, { status: 'pending' })
          rows.forEach((r) => pending.push(Object.assign({}, r, { teamId: team.id, teamName: team.name, key: `${team.id}-${r.user_id}` })))
        }
        this.setData({ mine, joinable, pending, loaded: true })
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
    team(e) {
      const id = Number(e.currentTarget.dataset.id)
      return this.data.mine.concat(this.data.joinable).find((x) => x.id === id)
    },
    async join(e) {
      const team = this.team(e)
      if (this.data.busy || !team || !(await ask(format.fill(t.confirmJoin, team)))) return
      await this.run(() => api.post(`/api/v1/teams/${team.id}/join`, {}, { messages: MESSAGES }), t.joined)
    },
    async leave(e) {
      const team = this.team(e)
      if (this.data.busy || !team || !(await ask(format.fill(t.confirmLeave, team)))) return
      await this.run(() => api.post(`/api/v1/teams/${team.id}/leave`, {}, { messages: MESSAGES }), t.left)
    },
    decide(e, action, doneText) {
      const { team, user } = e.currentTarget.dataset
      if (this.data.busy) return Promise.resolve()
      return this.run(() => api.post(`/api/v1/teams/${team}/members/${user}/${action}`, {}, { messages: MESSAGES }), doneText)
    },
    approve(e) {
      return this.decide(e, 'approve', t.approved)
    },
    refuse(e) {
      return this.decide(e, 'refuse', t.refused)
    },
  },
})
