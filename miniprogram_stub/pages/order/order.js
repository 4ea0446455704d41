// 点单: the order form. Opened from the catalog (?category_id=) or by scanning a member's service QR code
// (?scene=m%3D123 → target_member_id 123, 首问负责).
const api = require('../../utils/api')
const { submitForm } = require('../../utils/form')
const format = require('../../utils/format')
const photos = require('../../utils/photos')
const session = require('../../utils/session')
const subscribe = require('../../utils/subscribe')
const text = require('../../utils/text')

Component({
  data: {
    t: text.pages.order,
    tp: text.pages.photos,
    photos: [],
    uploading: false,
    categories: [],
    categoryIndex: -1,
    communities: [],
    communityIndex: -1,
    needCommunity: false,
    targetMemberId: null,
    title: '',
    content: '',
    address: '',
    contact_phone: '',
    idemKey: '',
    busy: false,
  },
  methods: {
    async onLoad(options = {}) {
      const scene = format.parseScene(options.scene)
      const target = parseInt(scene.m || options.member_id, 10)
      const user = session.getUser()
      const home = user && user.home
      this.setData({
        targetMemberId: Number.isNaN(target) ? null : target,
        address: (home && home.address) || '',
        needCommunity: !home,
        idemKey: api.newIdempotencyKey(),
      })
      subscribe.prepare()
      try {
        await this.loadCategories(home && home.community_id, parseInt(options.category_id, 10))
        if (!home) {
          const communities = api.page(await api.get('/api/v1/orgs', { level: 'community' })).items
          this.setData({ communities })
        }
      } catch (err) {
        api.handled(err)
      }
    },
    // The community's whole list (一社一特色): the district's entries, its street's and its own. Without a
    // community yet, the district-wide ones; the chosen category stays chosen if the new list has it.
    async loadCategories(communityId, wantedId) {
      const query = communityId ? { org_id: communityId } : undefined
      const categories = api.page(await api.get('/api/v1/categories', query)).items
      this.setData({ categories, categoryIndex: categories.findIndex((c) => c.id === wantedId) })
    },
    onCategory(e) {
      this.setData({ categoryIndex: Number(e.detail.value) })
    },
    async onCommunity(e) {
      const index = Number(e.detail.value)
      const chosen = this.data.categories[this.data.categoryIndex]
      this.setData({ communityIndex: index })
      try {
        await this.loadCategories(this.data.communities[index].id, chosen && chosen.id)
      } catch (err) {
        api.handled(err)
      }
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
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
    // The body of POST /api/v1/wishes, or null after telling the user what is missing.
    body() {
      const d = this.data
      const t = d.t
      const category = d.categories[d.categoryIndex]
      const title = d.title.trim()
      const content = d.content.trim()
      let problem = null
      if (!category) problem = t.needCategory
      else if (!title || title.length > 40) problem = t.needTitle
      else if (!content || content.length > 500) problem = t.needContent
      else if (d.needCommunity && !d.communities[d.communityIndex]) problem = t.needCommunity
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' })
        return null
      }
      const body = { category_id: category.id, title, content }
      if (d.address.trim()) body.address = d.address.trim()
      if (d.contact_phone.trim()) body.contact_phone = d.contact_phone.trim()
      if (d.needCommunity) body.community_id = d.communities[d.communityIndex].id
      if (d.targetMemberId) body.target_member_id = d.targetMemberId
      if (d.photos.length) body.photo_ids = photos.ids(this)
      return body
    },
    submit() {
      return submitForm(this, async (body) => {
        await subscribe.ask() // the consent prompt must come straight from the tap
        // The key stays the same until a wish is created, so a retry after a network error makes no second wish.
        const wish = await api.post('/api/v1/wishes', body, { idempotencyKey: this.data.idemKey })
        this.setData({ idemKey: api.newIdempotencyKey() })
        wx.showToast({ title: this.data.t.created, icon: 'success' })
        wx.redirectTo({ url: `/pages/wish-detail/wish-detail?id=${wish.id}` })
      })
    },
  },
})
