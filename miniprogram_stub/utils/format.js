// Turns API objects into what the templates draw. Pure functions, no wx calls.
const text = require('./text')

function pad(n) {
  return n < 10 ? `0${n}` : `${n}`
}

// ISO 8601 → "11-24 16:30" in the phone's time zone.
function time(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

function percent(rate) {
  if (rate === null || rate === undefined) return text.common.none
  return `${Math.round(rate * 1000) / 10}%`
}

function hours(minutes) {
  if (!minutes) return `0${text.common.hours}`
  return `${Math.round((minutes / 60) * 10) / 10}${text.common.hours}`
}

// Only the actions we know a label for are drawn; the server decides which ones are allowed.
function actions(allowed) {
  return (allowed || []).filter((a) => text.actions[a]).map((a) => ({ name: a, label: text.actions[a] }))
}

function wish(w) {
  return Object.assign({}, w, {
    statusText: text.status[w.status] || w.status,
    categoryName: (w.category && w.category.name) || '',
    createdText: time(w.created_at),
    dueText: time(w.due_at),
    doneText: time(w.done_at),
    assigneeName: (w.assignee && w.assignee.real_name) || '',
    residentName: (w.resident && w.resident.nickname) || '',
    actions: actions(w.allowed_actions),
  })
}

function event(e, index) {
  const actor = e.actor || {}
  return Object.assign({}, e, {
    seq: index,
    label: text.events[e.action] || text.actions[e.action] || e.action,
    actorText: text.roles[actor.role] || '',
    statusText: text.status[e.to_status] || '',
    atText: time(e.at),
  })
}

function notification(n) {
  return Object.assign({}, n, { createdText: time(n.created_at), unread: !n.read_at })
}

// "剩余 {left} / 共 {seats}" + {left: 3, seats: 10} → "剩余 3 / 共 10".
function fill(template, vars) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])))
}

// An activity's times: "12-08 09:00 至 11:00" on one day, else both in full.
function span(startIso, endIso) {
  const start = time(startIso)
  const end = time(endIso)
  if (start.slice(0, 5) === end.slice(0, 5)) return `${start} 至 ${end.slice(6)}`
  return `${start} 至 ${end}`
}

// An activity as the list and its page draw it: times, seats left, my attendance, my buttons.
function activity(a) {
  const mine = a.my_signup
  const attendance = mine ? mine.status : 'none'
  return Object.assign({}, a, {
    whenText: span(a.starts_at, a.ends_at),
    deadlineText: time(a.signup_deadline),
    left: Math.max(0, a.seats - a.taken),
    statusText: text.activityStatus[a.status] || a.status,
    attendance,
    attendanceText: text.attendance[attendance] || attendance,
    actions: (a.allowed_actions || [])
      .filter((n) => text.activityActions[n])
      .map((n) => ({ name: n, label: text.activityActions[n] })),
  })
}

// `scene` from a mini-program code: "m=123" (URL-encoded when it arrives) → {m: "123"}.
function parseScene(scene) {
  const out = {}
  if (!scene) return out
  decodeURIComponent(scene)
    .split('&')
    .forEach((pair) => {
      const i = pair.indexOf('=')
      if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1)
    })
  return out
}

module.exports = { fill, span, activity, time, percent, hours, actions, wish, event, notification, parseScene }
