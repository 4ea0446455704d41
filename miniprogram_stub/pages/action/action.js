// The form behind an action that takes input: ?id=12&action=complete|rate|cancel|reject|decline|reopen|recall.
// Posts POST /api/v1/wishes/{id}/{action} with exactly the fields the contract lists, then goes back.
const api = require('../../utils/api')
const { submitForm } = require('../../utils/form')
const photos = require('../../utils/photos')
const text = require('../../utils/text')

// Which inputs each action shows: reason (required or optional), note, minutes, score + comment.
const FORMS = {
  complete: { note: true, minutes: true, photos: true }, // the result
  rate: { score: true },
  cancel: { reason: 'optional' },
  reject: { reason: 'required' },
  decline: { reason: 'required' },
  reopen: { reason: 'required', photos: true }, // what is still wrong
  recall: { note: true },
}

Component({
  data: {
    t: text.pages.action,
    tp: text.pages.photos,
    photos: [],
    uploading: false,
    id: null,
    action: '',
    actionLabel: '',
    form: {},
    stars: [1, 2, 3, 4, 5],
    reason: '',
    note: '',
    minutes: '',
    score: 0,
    comment: '',
    busy: false,
  },
  methods: {
    onLoad(options = {}) {
      const action = options.action
      this.setData({
        id: options.id,
        action,
        actionLabel: text.actions[action] || '',
        form: FORMS[action] || {},
      })
      if (text.actions[action]) wx.setNavigationBarTitle({ title: text.actions[action] })
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
    pickScore(e) {
      this.setData({ score: Number(e.currentTarget.dataset.score) })
    },
    // The request body, or null after telling the user what is wrong.
    body() {
      const d = this.data
      const form = d.form
      const body = {}
      let problem = null
      if (form.reason) {
        const reason = d.reason.trim()
        if (reason) body.reason = reason
        else if (form.reason === 'required') problem = d.t.needReason
      }
      if (form.note && d.note.trim()) body.note = d.note.trim()
      if (form.minutes && String(d.minutes).trim() !== '') {
        const minutes = Number(String(d.minutes).trim())
        if (!Number.isInteger(minutes) || minutes < 0) problem = d.t.badMinutes
        else body.service_minutes = minutes
      }
      if (form.score) {
        if (!(d.score >= 1 && d.score <= 5)) problem = d.t.needScore
        body.score = d.score
        if (d.comment.trim()) body.comment = d.comment.trim()
      }
      if (form.photos && d.photos.length) body.photo_ids = photos.ids(this)
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' })
        return null
      }
      return body
    },
    submit() {
      return submitForm(this, async (body) => {
        await api.post(`/api/v1/wishes/${this.data.id}/${this.data.action}`, body)
        wx.showToast({ title: text.common.done, icon: 'success' })
        wx.navigateBack()
      })
    },
  },
})
