// 我的单位 (共驻共建): for the contact person of a 驻区单位. The units I act for, each with its resources (add one)
// and its projects; the open needs of the communities each unit reaches (a unit based in a street reaches the
// street's communities), with 认领. Staff see more units in GET /api/v1/joint/units: only those naming me among
// their contacts are mine here.
const api = require('../../utils/api')
const format = require('../../utils/format')
const session = require('../../utils/session')
const text = require('../../utils/text')

const t = text.pages.unit
const KINDS = Object.keys(text.resourceKinds)
const CLAIM_MESSAGES = {
  conflict: { msg: t.conflict, modal: true },
  forbidden: { msg: t.claimForbidden, modal: true },
  not_found: { msg: t.claimNotFound, modal: true },
  validation_error: { msg: t.claimInvalid, modal: true },
}
const RESOURCE_MESSAGES = {
  forbidden: { msg: t.resourceForbidden, modal: true },
  validation_error: { msg: t.resourceInvalid, modal: true },
}
const EMPTY_FORM = { unitId: null, kindIndex: -1, title: '', content: '', availability: '' }

function needView(need, unit, names) {
  return Object.assign({}, need, {
    key: `${unit.id}-${need.id}`,
    unitId: unit.id,
    communityName: names[need.community_id] || '',
    dueText: need.due_on || '',
  })
}

function projectView(p, names) {
  return Object.assign({}, p, {
    statusText: text.jointStatus[p.status] || p.status,
    communityName: names[p.community_id] || '',
    updatedText: format.time(p.updated_at),
  })
}

function resourceView(r) {
  return Object.assign({}, r, { kindText: text.resourceKinds[r.kind] || r.kind })
}

async function allPages(path, query) {
  const items = []
  let cursor = null
  do {
    const got = api.page(await api.get(path, Object.assign({ limit: 100, cursor }, query)))
    items.push(...got.items)
    cursor = got.next_cursor
  } while (cursor)
  return items
}

Component({
  data: {
    t,
    kinds: KINDS.map((k) => text.resourceKinds[k]),
    units: [],
    needs: [],
    loaded: false,
    busy: false,
    form: Object.assign({}, EMPTY_FORM),
    claim: null, // {needId, unitId, title, note}
  },
  methods: {
    onLoad() {
      return this.refresh()
    },
    onShow() {
      if (this._shownOnce) this.refresh()
      this._shownOnce = true
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      const me = session.getUser()
      try {
        const mine = (await allPages('/api/v1/joint/units')).filter((u) => (u.contact_ids || []).indexOf(me && me.id) >= 0)
        if (!mine.length) {
          this.setData({ units: [], needs: [], loaded: true })
          return
        }
        // Every org (public to signed-in users): the names, and which communities a unit reaches.
        const orgs = api.page(await api.get('/api/v1/orgs')).items
        const communities = orgs.filter((o) => o.level === 'community')
        const names = {}
        orgs.forEach((o) => (names[o.id] = o.name))
        const projects = await allPages('/api/v1/joint/projects')
        const units = []
        const needs = []
        for (const unit of mine) {
          const resources = (await allPages('/api/v1/joint/resources', { unit_id: unit.id })).map(resourceView)
          units.push(
            Object.assign({}, unit, {
              kindText: text.unitKinds[unit.kind] || unit.kind,
              orgName: names[unit.org_id] || '',
              resources,
              projects: projects.filter((p) => p.unit_id === unit.id).map((p) => projectView(p, names)),
            }),
          )
          const reached = communities.filter((c) => c.id === unit.org_id || c.parent_id === unit.org_id)
          for (const c of reached) {
            const open = await allPages('/api/v1/joint/needs', { community_id: c.id, state: 'open' })
            open.forEach((n) => needs.push(needView(n, unit, names)))
          }
        }
        this.setData({ units, needs, loaded: true })
      } catch (err) {
        api.handled(err)
      }
    },

    // 登记资源
    openForm(e) {
      this.setData({ form: Object.assign({}, EMPTY_FORM, { unitId: Number(e.currentTarget.dataset.unit) }) })
    },
    closeForm() {
      this.setData({ form: Object.assign({}, EMPTY_FORM) })
    },
    onKind(e) {
      this.setData({ 'form.kindIndex': Number(e.detail.value) })
    },
    onField(e) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
    },
    async addResource() {
      const f = this.data.form
      const title = f.title.trim()
      const content = f.content.trim()
      const availability = f.availability.trim()
      let problem = null
      if (f.kindIndex < 0) problem = t.needKind
      else if (!title || title.length > 40) problem = t.needTitle
      else if (!content || content.length > 500) problem = t.needContent
      else if (availability.length > 200) problem = t.tooLongAvailability
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' })
        return
      }
      if (this.data.busy) return
      this.setData({ busy: true })
      try {
        const body = { unit_id: f.unitId, kind: KINDS[f.kindIndex], title, content, availability }
        await api.post('/api/v1/joint/resources', body, { messages: RESOURCE_MESSAGES, idempotent: true })
        wx.showToast({ title: t.resourceAdded, icon: 'none' })
        this.setData({ form: Object.assign({}, EMPTY_FORM) })
        await this.refresh()
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
      }
    },

    // 认领
    openClaim(e) {
      const need = this.data.needs.find((n) => n.key === e.currentTarget.dataset.key)
      if (need) this.setData({ claim: { needId: need.id, unitId: need.unitId, title: need.title, note: '' } })
    },
    closeClaim() {
      this.setData({ claim: null })
    },
    onNote(e) {
      this.setData({ 'claim.note': e.detail.value })
    },
    async submitClaim() {
      const claim = this.data.claim
      if (!claim || this.data.busy) return
      const note = claim.note.trim()
      if (note.length > 500) {
        wx.showToast({ title: t.tooLongNote, icon: 'none' })
        return
      }
      this.setData({ busy: true })
      try {
        const body = { unit_id: claim.unitId }
        if (note) body.note = note
        const project = await api.post(`/api/v1/joint/needs/${claim.needId}/claim`, body, { messages: CLAIM_MESSAGES })
        wx.showToast({ title: t.claimed, icon: 'none' })
        this.setData({ claim: null })
        wx.navigateTo({ url: `/pages/joint-project/joint-project?id=${project.id}` })
        await this.refresh()
      } catch (err) {
        api.handled(err)
        // Whoever got there first, the list as it now is.
        if (err instanceof api.ApiError && (err.code === 'conflict' || err.code === 'not_found')) {
          this.setData({ claim: null })
          await this.refresh()
        }
      } finally {
        this.setData({ busy: false })
      }
    },
    openProject(e) {
      wx.navigateTo({ url: `/pages/joint-project/joint-project?id=${e.currentTarget.dataset.id}` })
    },
  },
})
