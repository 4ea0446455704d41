// A member's tasks: wishes dispatched to or accepted by them (scope=assigned). Accept, decline and complete
// happen on the detail page, whose buttons follow `allowed_actions`.
const text = require('../../utils/text')
const wishList = require('../../utils/wish-list')

const FILTERS = ['', 'dispatched', 'accepted', 'done']

Component({
  behaviors: [wishList],
  data: {
    t: text.pages.myTasks,
    c: text.common,
    filters: FILTERS.map((s) => ({ value: s, label: s ? text.status[s] : text.pages.queue.all })),
    status: '',
  },
  methods: {
    onLoad() {
      return this.loadList(true)
    },
    listQuery() {
      return { scope: 'assigned', status: this.data.status }
    },
    pickStatus(e) {
      this.setData({ status: e.currentTarget.dataset.value })
      return this.loadList(true)
    },
  },
})
