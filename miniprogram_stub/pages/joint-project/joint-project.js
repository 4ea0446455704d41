// One joint project (共驻共建), as its unit's contact person sees it: the facts, the timeline (the claim, each
// change, each dated progress entry with its photos), and the buttons its `allowed_actions` give: 确认, 开始,
// 记录进展 (a note and photos), 完成, 终止 (a reason). `rate` is the community's, in the console.
const api = require('../../utils/api')
const format = require('../../utils/format')
const photos = require('../../utils/photos')
const text = require('../../utils/text')

const t = text.pages.jointProject
const MESSAGES = {
  invalid_transition: { msg: t.changed, modal: true },
  forbidden: { msg: t.notYourSide, modal: true },
  not_found: { msg: t.notFound, modal: true },
  validation_error: { msg: t.invalid, modal: true },
}
const FORMS = { progress: 'note', drop: 'reason' } // the actions that open a form, and the field each needs
const LIMITS = { note: 500, reason: 200 }

function ask(content) {
  return new Promise((resolve) => {
    wx.showModal({ title: text.common.errorTitle, content, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) })
  })
}

function eventView(e, shots) {
  return Object.assign({}, e, {
    label: text.jointEvents[e.action] || e.action,
    sideText: text.jointSides[e.side] || '',
    atText: format.time(e.at),
    photos: shots.filter((p) => p.joint_event_id === e.id),
  })
}

function projectView(p, names) {
  return Object.assign({}, p, {
    statusText: text.jointStatus[p.status] || p.status,
    communityName: names[p.community_id] || '',
    createdText: format.time(p.created_at),
    agreedText: format.time(p.agreed_at),
    doneText: format.time(p.done_at),
    actions: (p.allowed_actions || []).filter((a) => text.jointActions[a]).map((name) => ({ name, label: text.jointActions[name] })),
  })
}

Component({
  data: { t, tp: text.pages.photos, id: null, project: null, events: [], unitName: '', form: null, value: '', photos: [], uploading: false, busy: false },
  methods: {
    onLoad(options) {
      this.setData({ id: Number(options.id) })
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      try {
        const project = await api.get(`/api/v1/joint/projects/${this.data.id}`, undefined, { messages: MESSAGES })
        const [shots, orgs, unit] = await Promise.all([
          api.get(`/api/v1/joint/projects/${this.data.id}/photos`, undefined, { silent: true }).then((r) => api.page(r).items, () => []),
          api.get('/api/v1/orgs', { level: 'community' }, { silent: true }).then((r) => api.page(r).items, () => []),
          api.get(`/api/v1/joint/units/${project.unit_id}`, undefined, { silent: true }).catch(() => null),
        ])
        const names = {}
        orgs.forEach((o) => (names[o.id] = o.name))
        this.setData({
          project: projectView(project, names),
          events: project.events.map((e) => eventView(e, shots)),
          unitName: (unit && unit.name) || '',
        })
      } catch (err) {
        api.handled(err)
      }
    },
    onAction(e) {
      const action = e.currentTarget.dataset.action
      if (this.data.busy) return Promise.resolve()
      if (FORMS[action]) {
        this.setData({ form: action, value: '', photos: [] })
        return Promise.resolve()
      }
      return this.simple(action)
    },
    async simple(action) {
      if (!(await ask(t.ask[action]))) return
      await this.send(action, {})
    },
    onValue(e) {
      this.setData({ value: e.detail.value })
    },
    closeForm() {
      this.setData({ form: null, value: '', photos: [] })
    },
    onAddPhoto() {
      return photos.add(this)
    },
    onRemovePhoto(e) {
      photos.remove(this, Number(e.currentTarget.dataset.index))
    },
    onPreviewPhoto(e) {
      photos.preview(this.data.photos, Number(e.currentTarget.dataset.index))
    },
    onPreviewShot(e) {
      const { event, index } = e.currentTarget.dataset
      const ev = this.data.events.find((x) => x.id === Number(event))
      if (ev) photos.preview(ev.photos, Number(index))
    },
    async submitForm() {
      const action = this.data.form
      const field = FORMS[action]
      const value = this.data.value.trim()
      if (!value || value.length > LIMITS[field]) {
        wx.showToast({ title: field === 'note' ? t.needNote : t.needReason, icon: 'none' })
        return
      }
      if (this.data.busy || this.data.uploading) return
      const body = { [field]: value }
      if (action === 'progress' && this.data.photos.length) body.photo_ids = photos.ids(this)
      if (await this.send(action, body)) this.setData({ form: null, value: '', photos: [] })
    },
    async send(action, body) {
      this.setData({ busy: true })
      try {
        await api.post(`/api/v1/joint/projects/${this.data.id}/${action}`, body, { messages: MESSAGES, idempotent: true })
        wx.showToast({ title: t.done[action], icon: 'none' })
        return true
      } catch (err) {
        api.handled(err)
        return false
      } finally {
        this.setData({ busy: false })
        await this.refresh()
      }
    },
  },
})
