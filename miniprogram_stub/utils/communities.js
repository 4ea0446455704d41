// The communities a user belongs to (home first, then where they are a member or staff), and the names of all
// communities (GET /api/v1/orgs?level=community, public to signed-in users) for the pages that only get ids.
const api = require('./api')
const session = require('./session')

function mine(user) {
  const ids = []
  const add = (id) => {
    if (id && ids.indexOf(id) < 0) ids.push(id)
  }
  if (user && user.home) add(user.home.community_id)
  ;((user && user.roles) || []).filter((r) => r.role === 'member' || r.role === 'secretary').forEach((r) => add(r.org_id))
  return ids
}

async function names() {
  const out = {}
  api.page(await api.get('/api/v1/orgs', { level: 'community' })).items.forEach((o) => (out[o.id] = o.name))
  return out
}

function current() {
  return mine(session.getUser())
}

module.exports = { mine, names, current }
