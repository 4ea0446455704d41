// 派单: give a wish to one member (with their workload in view) or open it to a grid / the community (抢单).
// POST /api/v1/wishes/{id}/dispatch {"assignee_id"} or {"pool": true, "grid_id"?}, plus "note"?.
const api = require('../../utils/api')
const { submitForm } = require('../../utils/form')
const text = require('../../utils/text')

Component({
  data: {
    t: text.pages.dispatch,
    c: text.common,
    id: null,
    wish: null,
    mode: 'member', // 'member' | 'pool'
    members: [],
    grids: [],
    assigneeId: null,
    gridId: '', // '' = the whole community
    note: '',
    loaded: false,
    busy: false,
  },
  methods: {
    async onLoad(options = {}) {
      this.setData({ id: options.id })
      try {
        const wish = await api.get(`/api/v1/wishes/${options.id}`)
        const [members, grids] = await Promise.all([
          api.get('/api/v1/members', { org_id: wish.community_id }),
          api.get('/api/v1/orgs', { parent_id: wish.community_id, level: 'grid' }),
        ])
        const gridList = api.page(grids).items
        const gridName = {}
        gridList.forEach((g) => (gridName[g.id] = g.name))
        this.setData({
          wish,
          members: api.page(members).items.map((m) =>
            Object.assign({}, m, {
              gridName: gridName[m.grid_id] || '',
              skillsText: (m.skills || []).join('、'),
              hoursText: Math.round(((m.service_minutes || 0) / 60) * 10) / 10,
            }),
          ),
          grids: gridList,
          gridId: wish.grid_id || '',
          loaded: true,
        })
      } catch (err) {
        api.handled(err)
      }
    },
    pickMode(e) {
      this.setData({ mode: e.currentTarget.dataset.mode })
    },
    pickMember(e) {
      this.setData({ assigneeId: Number(e.currentTarget.dataset.id) })
    },
    pickGrid(e) {
      const id = e.currentTarget.dataset.id
      this.setData({ gridId: id === '' || id === undefined ? '' : Number(id) })
    },
    onNote(e) {
      this.setData({ note: e.detail.value })
    },
    body() {
      const d = this.data
      const body = {}
      if (d.mode === 'member') {
        if (!d.assigneeId) {
          wx.showToast({ title: d.t.needMember, icon: 'none' })
          return null
        }
        body.assignee_id = d.assigneeId
      } else {
        body.pool = true
        if (d.gridId) body.grid_id = d.gridId
      }
      if (d.note.trim()) body.note = d.note.trim()
      return body
    },
    submit() {
      return submitForm(this, async (body) => {
        await api.post(`/api/v1/wishes/${this.data.id}/dispatch`, body)
        wx.showToast({ title: this.data.t.dispatched, icon: 'success' })
        wx.navigateBack()
      })
    },
  },
})
