// One activity: when, where, seats left, my sign-up; one button per own action in `allowed_actions` (报名, 取消报名,
// 扫码签到 / 签退, 补卡申请). A scan is wx.scanCode (the organiser's rotating code), then, when the activity has a
// geofence, wx.getLocation in GCJ-02, the coordinates the backend measures against.
const api = require('../../utils/api')
const format = require('../../utils/format')
const text = require('../../utils/text')

const t = text.pages.activity
// The page's own words for codes whose general text speaks of wishes.
const MESSAGES = { invalid_transition: { msg: t.changed, modal: true }, conflict: { msg: t.makeupPending, modal: true } }
const EARLY_MS = 60 * 60 * 1000 // check-in (and a 补卡's time) from an hour before the start

function ask(content) {
  return new Promise((resolve) => {
    wx.showModal({ title: text.common.errorTitle, content, success: (r) => resolve(!!r.confirm), fail: () => resolve(false) })
  })
}

function scanCode() {
  return new Promise((resolve) => {
    wx.scanCode({ onlyFromCamera: true, scanType: ['qrCode'], success: (r) => resolve(r.result), fail: () => resolve(null) })
  })
}

function locate() {
  return new Promise((resolve) => {
    wx.getLocation({ type: 'gcj02', success: (r) => resolve(r), fail: () => resolve(null) })
  })
}

// Metres between two GCJ-02 points (haversine), to say how far off a refused scan was.
function distance(lat1, lng1, lat2, lng2) {
  const rad = Math.PI / 180
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2
  return Math.round(2 * 6371000 * Math.asin(Math.sqrt(a)))
}

function pad(n) {
  return n < 10 ? `0${n}` : `${n}`
}

function dateOf(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

function timeOf(d) {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

Component({
  data: {
    t,
    id: null,
    activity: null,
    positionIndex: -1,
    positions: [],
    checkedInText: '',
    checkedOutText: '',
    minutesText: '',
    makeupKindText: '',
    seatsText: '',
    geofenceText: '',
    audienceText: '',
    makeups: [],
    makeupOpen: false,
    makeupKind: 'check_in',
    makeupDate: '',
    makeupTime: '',
    dateStart: '',
    dateEnd: '',
    reason: '',
    busy: false,
  },
  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id })
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    async refresh() {
      try {
        this.show(await api.get(`/api/v1/activities/${this.data.id}`))
        if (this.data.activity.my_signup) {
          const makeups = await api.get(`/api/v1/activities/${this.data.id}/makeups`)
          this.setData({ makeups: makeups.map((m) => this.makeupView(m)) })
        }
      } catch (err) {
        api.handled(err)
      }
    },
    show(raw) {
      const a = format.activity(raw)
      const index = a.positions.length === 1 ? 0 : this.data.positionIndex
      this.setData({
        activity: a,
        positionIndex: index,
        seatsText: format.fill(t.seatsOf, { left: a.left, seats: a.seats }),
        geofenceText: a.geofence_m ? format.fill(t.geofence, { m: a.geofence_m }) : '',
        audienceText: t.audiences[a.audience] || a.audience,
        checkedInText: a.my_signup ? format.time(a.my_signup.checked_in_at) : '',
        checkedOutText: a.my_signup ? format.time(a.my_signup.checked_out_at) : '',
        minutesText: a.my_signup && a.my_signup.minutes ? `${a.my_signup.minutes}${text.common.minutes}` : '',
        positions: a.positions.map((p) => Object.assign({}, p, { label: `${p.name}（${p.seats - p.taken}/${p.seats}）` })),
      })
    },
    makeupView(m) {
      return Object.assign({}, m, {
        kindText: t.makeupKind[m.kind] || m.kind,
        atText: format.time(m.at),
        statusText: t.makeupStatus[m.status] || m.status,
      })
    },
    // The place on WeChat's map (its own 导航 button goes on from there).
    openMap() {
      const a = this.data.activity
      wx.openLocation({ latitude: a.lat, longitude: a.lng, name: a.title, address: a.address, scale: 17 })
    },
    pickPosition(e) {
      this.setData({ positionIndex: Number(e.detail.value) })
    },
    onAction(e) {
      const name = e.currentTarget.dataset.action
      if (this.data.busy) return Promise.resolve()
      if (name === 'signup') return this.signup()
      if (name === 'withdraw') return this.withdraw()
      if (name === 'check_in' || name === 'check_out') return this.scan(name)
      if (name === 'request_makeup') return this.openMakeup()
      return Promise.resolve()
    },
    // Run one request with the buttons off; its answer (the activity again) redraws the page.
    async act(send, doneText) {
      this.setData({ busy: true })
      try {
        await send()
        wx.showToast({ title: doneText, icon: 'success' })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
        await this.refresh()
      }
    },
    async signup() {
      const a = this.data.activity
      const position = a.positions[this.data.positionIndex]
      if (a.positions.length > 1 && !position) {
        wx.showToast({ title: t.needPosition, icon: 'none' })
        return
      }
      if (!(await ask(t.confirmSignup))) return
      const body = a.positions.length > 1 ? { position_id: position.id } : {}
      await this.act(() => api.post(`/api/v1/activities/${a.id}/signup`, body, { messages: MESSAGES }), t.signedUp)
    },
    async withdraw() {
      if (!(await ask(t.confirmWithdraw))) return
      await this.act(() => api.post(`/api/v1/activities/${this.data.id}/withdraw`, {}, { messages: MESSAGES }), t.withdrawn)
    },
    async scan(action) {
      const a = this.data.activity
      const code = await scanCode()
      if (!code) return // backed out of the camera
      const body = { code }
      if (a.geofence_m) {
        const here = await locate()
        if (!here) {
          wx.showModal({ title: text.common.errorTitle, content: t.needLocation, showCancel: false })
          return
        }
        Object.assign(body, { lat: here.latitude, lng: here.longitude })
      }
      const path = `/api/v1/activities/${a.id}/${action === 'check_in' ? 'check-in' : 'check-out'}`
      await this.act(async () => {
        try {
          await api.post(path, body, { silent: true })
        } catch (err) {
          if (err instanceof api.ApiError) api.showError(err, this.scanMessages(err, body))
          throw err
        }
      }, action === 'check_in' ? t.checkedIn : t.checkedOut)
    },
    // outside_geofence: say how far away the phone was, from the same two points the server measured.
    scanMessages(err, body) {
      const a = this.data.activity
      if (err.code !== 'outside_geofence' || a.lat === null || body.lat === undefined) return MESSAGES
      const away = distance(a.lat, a.lng, body.lat, body.lng)
      return Object.assign({}, MESSAGES, { outside_geofence: { msg: format.fill(t.farAway, { away, m: a.geofence_m }), modal: true } })
    },
    openMakeup() {
      const a = this.data.activity
      const kind = a.attendance === 'checked_in' ? 'check_out' : 'check_in'
      const start = new Date(a.starts_at)
      const end = new Date(a.ends_at)
      // A check-out: now, kept between the check-in (or the start) and the end.
      const from = a.my_signup && a.my_signup.checked_in_at ? new Date(a.my_signup.checked_in_at) : start
      const at = kind === 'check_in' ? start : new Date(Math.max(from.getTime(), Math.min(Date.now(), end.getTime())))
      this.setData({
        makeupOpen: true,
        makeupKind: kind,
        makeupKindText: t.makeupKind[kind],
        makeupDate: dateOf(at),
        makeupTime: timeOf(at),
        dateStart: dateOf(new Date(start.getTime() - EARLY_MS)),
        dateEnd: dateOf(end),
        reason: '',
      })
      return Promise.resolve()
    },
    onMakeupDate(e) {
      this.setData({ makeupDate: e.detail.value })
    },
    onMakeupTime(e) {
      this.setData({ makeupTime: e.detail.value })
    },
    onReason(e) {
      this.setData({ reason: e.detail.value })
    },
    // The 补卡 body, or null after saying what is wrong.
    makeupBody() {
      const d = this.data
      const reason = d.reason.trim()
      if (!reason) {
        wx.showToast({ title: t.needReason, icon: 'none' })
        return null
      }
      const at = new Date(`${d.makeupDate}T${d.makeupTime}:00`)
      const from = new Date(d.activity.starts_at).getTime() - EARLY_MS
      if (Number.isNaN(at.getTime()) || at.getTime() < from || at.getTime() > new Date(d.activity.ends_at).getTime()) {
        wx.showToast({ title: t.makeupBadTime, icon: 'none' })
        return null
      }
      return { kind: d.makeupKind, at: at.toISOString(), reason }
    },
    async submitMakeup() {
      if (this.data.busy) return
      const body = this.makeupBody()
      if (!body) return
      this.setData({ busy: true })
      try {
        await api.post(`/api/v1/activities/${this.data.id}/makeups`, body, { messages: MESSAGES })
        wx.showToast({ title: t.makeupSent, icon: 'success' })
        this.setData({ makeupOpen: false, reason: '' })
      } catch (err) {
        api.handled(err)
      } finally {
        this.setData({ busy: false })
        await this.refresh()
      }
    },
  },
})
