// Home: who you are, and the pages your roles open. Signed out → the sign-in page.
const api = require('../../utils/api')
const session = require('../../utils/session')
const subscribe = require('../../utils/subscribe')
const text = require('../../utils/text')

// `contact`: the user acts for some 驻区单位 (GET /api/v1/joint/units lists one with them among its contacts).
function groupsFor(user, contact) {
  const groups = [
    { key: 'resident', title: text.pages.index.resident, entries: text.menu.resident },
    { key: 'volunteer', title: text.pages.index.volunteer, entries: text.menu.volunteer },
  ]
  if (session.hasRole(user, 'member')) {
    groups.push({ key: 'member', title: text.pages.index.member, entries: text.menu.member })
  }
  if (session.managedOrgs(user).length) {
    groups.push({ key: 'secretary', title: text.pages.index.secretary, entries: text.menu.secretary })
  }
  if (contact) {
    groups.push({ key: 'unit', title: text.pages.index.unit, entries: text.menu.unit })
  }
  groups.push({ key: 'general', title: text.pages.index.general, entries: text.menu.general })
  return groups
}

function rolesText(user) {
  const names = ((user && user.roles) || []).map((r) => `${r.org_name || ''}${text.roles[r.role] || r.role}`)
  return names.length ? names.join('、') : text.roles.resident
}

Component({
  data: { t: text.pages.index, user: null, rolesText: '', groups: [], contact: false },
  methods: {
    onLoad() {
      return this.refresh()
    },
    onShow() {
      if (this._shownOnce) this.refresh()
      this._shownOnce = true
    },
    async refresh() {
      if (!session.getToken()) {
        wx.reLaunch({ url: '/pages/login/login' })
        return
      }
      this.show(session.getUser())
      subscribe.prepare()
      try {
        const user = await api.get('/api/v1/me')
        session.saveUser(user)
        this.show(user)
        await this.checkContact(user)
      } catch (err) {
        api.handled(err)
      }
    },
    // Staff see the units of their orgs too: only a unit naming this user among its contacts opens 我的单位. A
    // plain resident gets an empty page. Silent: the home page works without it.
    async checkContact(user) {
      try {
        const units = api.page(await api.get('/api/v1/joint/units', { limit: 100 }, { silent: true })).items
        const contact = units.some((u) => (u.contact_ids || []).indexOf(user.id) >= 0)
        if (contact !== this.data.contact) {
          this.setData({ contact })
          this.show(user)
        }
      } catch (err) {
        // not shown: the entry simply stays hidden
      }
    },
    show(user) {
      if (!user) return
      this.setData({ user, rolesText: rolesText(user), groups: groupsFor(user, this.data.contact) })
    },
    go(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url })
    },
    askSubscribe() {
      subscribe.ask().then((keys) => {
        if (keys.length) wx.showToast({ title: text.pages.subscribe.done, icon: 'success' })
      })
    },
    logout() {
      api.logout()
      wx.reLaunch({ url: '/pages/login/login' })
    },
  },
})
