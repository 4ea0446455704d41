// Contract-shaped data (see /work/shared/api-contract.md) for the page tests.
const JINYANG = 11

const resident = {
  id: 101,
  nickname: '居民小王',
  phone_masked: '*******1234',
  roles: [],
  home: { community_id: JINYANG, grid_id: 21, address: '金阳小区3号楼2单元' },
}

const secretary = {
  id: 201,
  nickname: '李书记',
  phone_masked: null,
  roles: [{ role: 'secretary', org_id: JINYANG, org_name: '金阳社区' }],
  home: null,
}

const member = {
  id: 301,
  nickname: '党员张三',
  phone_masked: null,
  roles: [{ role: 'member', org_id: JINYANG, org_name: '金阳社区' }],
  home: { community_id: JINYANG, grid_id: 21, address: null },
}

const categories = [
  { id: 1, code: 'errand', name: '微心愿代购', description: '代买米面油、药品', time_limit_hours: 48 },
  { id: 2, code: 'repair', name: '家电维修', description: '小家电、水电小修', time_limit_hours: 72 },
]

function wish(overrides = {}) {
  return Object.assign(
    {
      id: 12,
      number: 'XY-20261124-0007',
      status: 'ordered',
      category: { id: 2, name: '家电维修' },
      title: '厨房水龙头漏水',
      content: '水龙头一直滴水，老人不会修',
      address: '金阳小区3号楼2单元',
      contact_phone: '13800001234',
      community_id: JINYANG,
      grid_id: 21,
      resident: { id: 101, nickname: '居民小王' },
      assignee: null,
      pool: false,
      due_at: '2026-11-27T08:30:00+00:00',
      overdue: false,
      created_at: '2026-11-24T08:30:00+00:00',
      updated_at: '2026-11-24T08:30:00+00:00',
      done_at: null,
      rating: null,
      allowed_actions: [],
    },
    overrides,
  )
}

const events = [
  {
    action: 'create',
    from_status: null,
    to_status: 'ordered',
    actor: { id: 101, role: 'resident' },
    note: null,
    at: '2026-11-24T08:30:00+00:00',
  },
  {
    action: 'dispatch',
    from_status: 'ordered',
    to_status: 'dispatched',
    actor: { id: 201, role: 'secretary' },
    note: '请尽快上门',
    at: '2026-11-24T09:00:00+00:00',
  },
]

const grids = [
  { id: 21, name: '第一网格', level: 'grid', parent_id: JINYANG },
  { id: 22, name: '第二网格', level: 'grid', parent_id: JINYANG },
]

const communities = [
  { id: JINYANG, name: '金阳社区', level: 'community', parent_id: 2 },
  { id: 12, name: '万佛楼社区', level: 'community', parent_id: 3 },
]

const members = [
  { user_id: 301, real_name: '张三', grid_id: 21, skills: ['水电维修'], active_tasks: 2, done_tasks: 5, service_minutes: 300 },
  { user_id: 302, real_name: '李四', grid_id: 22, skills: [], active_tasks: 0, done_tasks: 1, service_minutes: 60 },
]

const reports = [
  {
    id: 7,
    status: 'pending',
    community_id: JINYANG,
    grid_id: 21,
    real_name: '赵六',
    workplace: '区人民医院',
    party_org: '区卫健局党委',
    skills: ['健康咨询'],
  },
]

const summary = {
  wishes: 40,
  by_status: { ordered: 3, dispatched: 2, accepted: 5, done: 28, rejected: 1, cancelled: 1 },
  response_rate: 0.95,
  resolution_rate: 0.7368,
  satisfaction_rate: 1,
  on_time_rate: 0.9,
  median_response_minutes: 42.5,
  members: 12,
  service_minutes: 1830,
}

const notifications = [
  {
    id: 5,
    kind: 'wish_accepted',
    title: '您的心愿已被接单',
    body: '党员张三已接下“厨房水龙头漏水”',
    wish_id: 12,
    created_at: '2026-11-24T09:10:00+00:00',
    read_at: null,
    wechat_status: 'sent',
  },
  {
    id: 4,
    kind: 'wish_dispatched',
    title: '心愿已派单',
    body: '已派给党员张三',
    wish_id: null,
    created_at: '2026-11-24T09:00:00+00:00',
    read_at: '2026-11-24T09:05:00+00:00',
    wechat_status: 'no_quota',
  },
]

const clientConfig = {
  subscribe_templates: { wish_accepted: 'TMPL-ACCEPTED', wish_done: 'TMPL-DONE', wish_dispatched: 'TMPL-DISPATCHED' },
}

// Photos as GET /api/v1/wishes/{id}/photos and POST /api/v1/uploads answer them.
function photo(overrides = {}) {
  const id = overrides.id || 501
  return Object.assign(
    {
      id,
      wish_id: 12,
      stage: 'order',
      status: 'passed',
      width: 1200,
      height: 900,
      uploader_id: 101,
      created_at: '2026-11-24T08:30:00Z',
      url: `http://127.0.0.1:8000/media/photos/${id}/full?exp=1&sig=x`,
      thumb_url: `http://127.0.0.1:8000/media/photos/${id}/thumb?exp=1&sig=x`,
    },
    overrides,
  )
}

const photos = [photo({ id: 501 }), photo({ id: 502, stage: 'result', status: 'pending' })]

module.exports = {
  photo,
  photos,
  JINYANG,
  resident,
  secretary,
  member,
  categories,
  wish,
  events,
  grids,
  communities,
  members,
  reports,
  summary,
  notifications,
  clientConfig,
}

// Volunteering: activities (GET /api/v1/activities[/{id}]), points, the shop, stars, teams (TEAMS_API.md).
function signup(overrides = {}) {
  return Object.assign(
    {
      id: 61,
      activity_id: 40,
      position_id: 50,
      user_id: 301,
      status: 'signed_up',
      created_at: '2026-12-01T02:00:00Z',
      checked_in_at: null,
      checked_out_at: null,
      checked_out_by: null,
      minutes: 0,
    },
    overrides,
  )
}

function activity(overrides = {}) {
  return Object.assign(
    {
      id: 40,
      community_id: JINYANG,
      grid_id: null,
      title: '金阳小区环境清扫',
      content: '清理楼道杂物，带好手套',
      address: '金阳小区中心广场',
      lat: 34.26,
      lng: 108.94,
      geofence_m: null,
      starts_at: '2026-12-08T01:00:00Z',
      ends_at: '2026-12-08T03:00:00Z',
      signup_deadline: '2026-12-08T01:00:00Z',
      audience: 'members',
      status: 'published',
      cancel_reason: null,
      positions: [{ id: 50, name: '志愿者', seats: 10, taken: 7 }],
      seats: 10,
      taken: 7,
      created_by: 201,
      my_signup: null,
      allowed_actions: ['signup'],
    },
    overrides,
  )
}

const balances = [{ community_id: JINYANG, balance: 35 }]

const pointsEntries = [
  { id: 3, user_id: 301, community_id: JINYANG, kind: 'redeem', points: -20, reason: null, wish_id: null, redemption_id: 9, at: '2026-12-03T02:00:00Z' },
  { id: 2, user_id: 301, community_id: JINYANG, kind: 'bonus', points: 5, reason: '疫情期间值守', wish_id: null, redemption_id: null, at: '2026-12-02T02:00:00Z' },
  { id: 1, user_id: 301, community_id: JINYANG, kind: 'service', points: 50, reason: null, wish_id: null, redemption_id: null, at: '2026-12-01T02:00:00Z' },
]

const shopItems = [
  { id: 70, community_id: JINYANG, name: '洗衣液', price: 20, stock: 3, active: true },
  { id: 71, community_id: JINYANG, name: '大米5斤', price: 50, stock: 0, active: true },
]

function redemption(overrides = {}) {
  return Object.assign(
    {
      id: 9,
      item_id: 70,
      item_name: '洗衣液',
      community_id: JINYANG,
      user_id: 301,
      points: 20,
      status: 'ordered',
      created_at: '2026-12-03T02:00:00Z',
      decided_at: null,
      cancel_reason: null,
    },
    overrides,
  )
}

const communityStars = {
  community: { id: JINYANG, name: '金阳社区', level: 'community' },
  current: { year: 2026, stars: 4, published_at: '2026-12-05T02:00:00Z', corrected: false },
  history: [
    { year: 2026, stars: 4, published_at: '2026-12-05T02:00:00Z', corrected: false },
    { year: 2025, stars: 3, published_at: '2025-12-20T02:00:00Z', corrected: true },
  ],
}

function team(overrides = {}) {
  return Object.assign(
    {
      id: 80,
      org_id: JINYANG,
      org_name: '金阳社区',
      name: '金阳水电维修队',
      skills: ['水电维修'],
      leader: { id: 302, name: '李四' },
      member_count: 6,
      my_membership: null,
      allowed_actions: ['join'],
      created_at: '2026-12-01T02:00:00Z',
    },
    overrides,
  )
}

Object.assign(module.exports, { signup, activity, balances, pointsEntries, shopItems, redemption, communityStars, team })

// 共驻共建: a unit based in 金阳's street (so it reaches 金阳社区), whose contact is the resident.
function unit(overrides = {}) {
  return Object.assign(
    {
      id: 90,
      name: '市第一医院',
      kind: 'hospital',
      org_id: 2,
      created_at: '2026-12-01T02:00:00Z',
      contact_ids: [resident.id],
      contacts: [{ user_id: resident.id, name: '居民小王' }],
      council_seats: [],
    },
    overrides,
  )
}

function need(overrides = {}) {
  return Object.assign(
    {
      id: 60,
      community_id: JINYANG,
      title: '老人义诊',
      content: '每月一次上门量血压',
      beneficiaries: '独居老人',
      due_on: '2026-12-31',
      created_at: '2026-12-02T02:00:00Z',
      state: 'open',
      project_id: null,
    },
    overrides,
  )
}

function resource(overrides = {}) {
  return Object.assign(
    { id: 70, unit_id: 90, kind: 'expertise', title: '健康讲座', content: '内科医生讲慢病管理', availability: '每周六上午', created_at: '2026-12-02T03:00:00Z' },
    overrides,
  )
}

function jointProject(overrides = {}) {
  return Object.assign(
    {
      id: 50,
      community_id: JINYANG,
      unit_id: 90,
      origin: 'claim',
      need_id: 61,
      resource_id: null,
      title: '助老理发',
      status: 'agreed',
      created_at: '2026-12-03T02:00:00Z',
      updated_at: '2026-12-03T04:00:00Z',
      agreed_at: '2026-12-03T04:00:00Z',
      done_at: null,
      drop_reason: null,
      rating: null,
      allowed_actions: ['start', 'drop'],
    },
    overrides,
  )
}

function jointEvents() {
  return [
    { id: 500, action: 'claim', from_status: null, to_status: 'proposed', actor_id: resident.id, actor_name: '居民小王', side: 'unit', note: '我们派两位医生', at: '2026-12-03T02:00:00Z' },
    { id: 501, action: 'confirm', from_status: 'proposed', to_status: 'agreed', actor_id: 201, actor_name: '李书记', side: 'community', note: null, at: '2026-12-03T04:00:00Z' },
  ]
}

Object.assign(module.exports, { unit, need, resource, jointProject, jointEvents })
