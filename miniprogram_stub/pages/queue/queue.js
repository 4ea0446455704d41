// The secretary's queue: the wishes of the communities they run (scope=community), filtered by status and
// overdue. Dispatch, reject and the rest happen on the detail page, drawn from `allowed_actions`.
const text = require('../../utils/text')
const wishList = require('../../utils/wish-list')

const FILTERS = ['', 'ordered', 'dispatched', 'accepted', 'done', 'rejected', 'cancelled']

Component({
  behaviors: [wishList],
  data: {
    t: text.pages.queue,
    c: text.common,
    filters: FILTERS.map((s) => ({ value: s, label: s ? text.status[s] : text.pages.queue.all })),
    status: 'ordered',
    overdue: false,
  },
  methods: {
    onLoad(options = {}) {
      if (options.status !== undefined) this.setData({ status: options.status })
      if (options.overdue === 'true') this.setData({ overdue: true })
      return this.loadList(true)
    },
    listQuery() {
      return { scope: 'community', status: this.data.status, overdue: this.data.overdue ? 'true' : '' }
    },
    pickStatus(e) {
      this.setData({ status: e.currentTarget.dataset.value })
      return this.loadList(true)
    },
    toggleOverdue() {
      this.setData({ overdue: !this.data.overdue })
      return this.loadList(true)
    },
  },
})
