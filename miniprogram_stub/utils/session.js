// The signed-in user, kept in storage so it survives a restart of the mini-program.
const TOKEN = 'xy_token'
const USER = 'xy_user'
const DEV_OPENID = 'xy_dev_openid'

function getToken() {
  return wx.getStorageSync(TOKEN) || ''
}

function getUser() {
  return wx.getStorageSync(USER) || null
}

function save(token, user) {
  wx.setStorageSync(TOKEN, token)
  if (user) wx.setStorageSync(USER, user)
}

function saveUser(user) {
  wx.setStorageSync(USER, user)
}

function clear() {
  wx.removeStorageSync(TOKEN)
  wx.removeStorageSync(USER)
  wx.removeStorageSync(DEV_OPENID)
}

// Dev mode: the demo openid chosen on the sign-in page, so a silent re-login signs in as the same person.
function getDevOpenid() {
  return wx.getStorageSync(DEV_OPENID) || ''
}

function setDevOpenid(openid) {
  wx.setStorageSync(DEV_OPENID, openid)
}

// The orgs in which the user holds `role` ('member' | 'secretary' | 'admin'): [{org_id, org_name}].
function orgsWithRole(user, role) {
  return ((user && user.roles) || []).filter((r) => r.role === role)
}

function hasRole(user, role) {
  return orgsWithRole(user, role).length > 0
}

// Secretaries and admins run orgs; both see the secretary pages.
function managedOrgs(user) {
  return orgsWithRole(user, 'secretary').concat(orgsWithRole(user, 'admin'))
}

module.exports = {
  getToken,
  getUser,
  save,
  saveUser,
  clear,
  getDevOpenid,
  setDevOpenid,
  orgsWithRole,
  hasRole,
  managedOrgs,
}
