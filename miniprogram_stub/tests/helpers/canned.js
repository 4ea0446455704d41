// A canned backend for page tests: every GET the pages make, answered from fixtures. Tests add or override
// routes for the writes they expect; anything else is recorded as unmatched (and fails the test).
const fx = require('./fixtures')
const { ok, router } = require('./routes')
const { installWx } = require('./wx')
const session = require('../../utils/session')
const subscribe = require('../../utils/subscribe')

function cannedRoutes(user, extra = {}) {
  const detail = Object.assign(fx.wish({ allowed_actions: ['cancel'] }), { events: fx.events })
  return Object.assign(
    {
      'GET /api/v1/me': user,
      'GET /api/v1/categories': fx.categories,
      'GET /api/v1/client-config': fx.clientConfig,
      'GET /api/v1/orgs': (req) =>
        ok(req.query.level === 'grid' ? fx.grids : fx.communities),
      'GET /api/v1/wishes': (req) => ok({ items: [fx.wish({ id: 12 }), fx.wish({ id: 13, title: '代买药品', overdue: true })], next_cursor: null, _scope: req.query.scope }),
      'GET /api/v1/wishes/12': detail,
      'GET /api/v1/wishes/12/photos': { items: fx.photos },
      'GET /api/v1/members': fx.members,
      'GET /api/v1/member-reports': fx.reports,
      'GET /api/v1/stats/summary': fx.summary,
      'GET /api/v1/notifications': { items: fx.notifications, next_cursor: null },
      'GET /api/v1/activities': { items: [fx.activity(), fx.activity({ id: 41, title: '敬老院陪伴', my_signup: fx.signup({ activity_id: 41 }), allowed_actions: ['withdraw'] })], next_cursor: null },
      'GET /api/v1/activities/40': fx.activity(),
      'GET /api/v1/activities/40/makeups': [],
      'GET /api/v1/points': fx.balances,
      'GET /api/v1/points/entries': { items: fx.pointsEntries, next_cursor: null },
      [`GET /api/v1/communities/${fx.JINYANG}/shop/items`]: fx.shopItems,
      'GET /api/v1/shop/redemptions': [fx.redemption(), fx.redemption({ id: 8, status: 'collected' })],
      [`GET /api/v1/stars/communities/${fx.JINYANG}`]: fx.communityStars,
      // No unit names this user a contact unless a test says so (a plain resident's empty page).
      'GET /api/v1/joint/units': { items: [], next_cursor: null },
      'GET /api/v1/teams': (req) =>
        ok(
          req.query.mine
            ? { items: [fx.team({ id: 81, name: '金阳助老服务队', my_membership: 'member', allowed_actions: ['leave'] })], next_cursor: null }
            : { items: [fx.team(), fx.team({ id: 81, name: '金阳助老服务队', my_membership: 'member', allowed_actions: ['leave'] })], next_cursor: null },
        ),
      [`GET /api/v1/members/${fx.member.id}/qrcode`]: () => ({
        statusCode: 200,
        data: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]).buffer,
        header: { 'content-type': 'image/png' },
      }),
    },
    extra,
  )
}

// Fresh wx harness, signed in as `user`, answering from the canned routes (+ `extra`).
function signedIn(user, extra) {
  const wxh = installWx({ handler: router(cannedRoutes(user, extra)) })
  session.save('tok-test', user)
  subscribe.reset()
  return wxh
}

module.exports = { cannedRoutes, signedIn }
