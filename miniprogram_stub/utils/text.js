// Every Chinese word the user sees (except page titles, which WeChat reads from each page's .json).

const status = {
  ordered: '待派单',
  dispatched: '已派单',
  accepted: '办理中',
  done: '已办结',
  rejected: '不予受理',
  cancelled: '已撤销',
}

// Button labels, one per action of the contract. Only what `allowed_actions` lists is ever drawn.
const actions = {
  dispatch: '派单',
  recall: '撤回派单',
  accept: '接单',
  decline: '退单',
  complete: '办结',
  reject: '不予受理',
  cancel: '撤销心愿',
  rate: '评价',
  reopen: '申请返工',
}

// What happened, for the event timeline.
const events = {
  create: '居民点单',
  order: '居民点单',
  dispatch: '支部派单',
  recall: '撤回派单',
  accept: '党员接单',
  decline: '党员退单',
  complete: '党员办结',
  reject: '不予受理',
  cancel: '居民撤销',
  rate: '居民评价',
  reopen: '居民申请返工',
  overdue: '超时督办',
}

const roles = {
  resident: '居民',
  member: '党员',
  secretary: '支部书记',
  admin: '管理员',
  system: '系统',
}

// problem+json `code` → what the user reads. `modal: true` shows a dialog instead of a toast.
const errors = {
  unauthorized: { msg: '登录已过期，请重新登录' },
  wechat_login_failed: { msg: '微信登录失败，请重试' },
  forbidden: { msg: '您没有权限进行此操作', modal: true },
  not_found: { msg: '内容不存在或已无权查看' },
  validation_error: { msg: '填写的内容有误，请检查后再提交', modal: true },
  invalid_transition: { msg: '工单状态已变化，请刷新后再试', modal: true },
  already_taken: { msg: '手慢了，这个心愿已被其他党员认领', modal: true },
  content_rejected: { msg: '内容未通过安全检查，请修改后再提交', modal: true },
  rate_limited: { msg: '操作太频繁，请稍后再试' },
  wechat_unavailable: { msg: '微信服务暂时不可用，请稍后再试' },
  not_staff: { msg: '工作台仅供社区书记和管理员登录，您的账号没有相应身份', modal: true },
  ticket_expired: { msg: '二维码已过期，请在电脑上刷新二维码后重新扫码', modal: true },
  ticket_used: { msg: '该二维码已使用过，请在电脑上刷新二维码后重新扫码', modal: true },
  invalid_image: { msg: '这个文件不是照片或已损坏，请换一张' },
  too_many_pixels: { msg: '照片尺寸太大，请换一张' },
  too_large: { msg: '照片太大了（最大10MB），请换一张' },
  network: { msg: '网络不通，请检查网络后重试' },
  server: { msg: '服务器开小差了，请稍后再试' },
  unknown: { msg: '操作失败，请稍后再试' },
}

const common = {
  loading: '加载中',
  submitting: '提交中',
  empty: '暂无内容',
  loadMore: '加载更多',
  noMore: '没有更多了',
  submit: '提交',
  confirm: '确定',
  cancel: '取消',
  back: '返回',
  overdue: '已超时',
  pool: '抢单',
  none: '—',
  errorTitle: '提示',
  hours: '小时',
  minutes: '分钟',
  saved: '已保存',
  done: '操作成功',
}

const pages = {
  index: {
    hello: '您好，',
    resident: '居民服务',
    member: '党员志愿',
    secretary: '支部工作',
    general: '通用',
    subscribe: '开启微信消息提醒',
    logout: '切换账号',
    home: '所在社区：',
    noHome: '尚未设置所在社区',
  },
  login: {
    intro: '心愿：居民点单、支部下单、党员接单',
    devTitle: '开发模式：选择演示身份登录',
    wxLogin: '微信一键登录',
    baseUrl: '后端地址',
    saveBaseUrl: '保存地址',
    signedIn: '登录成功',
  },
  catalog: {
    intro: '选择一项服务，向社区提出您的微心愿',
    limit: '限时办结：',
    order: '我要点单',
  },
  order: {
    category: '服务类型',
    pickCategory: '请选择服务类型',
    community: '所在社区',
    pickCommunity: '请选择社区',
    title: '心愿标题',
    titlePh: '一句话说明（40字以内）',
    content: '详细描述',
    contentPh: '需要什么帮助、什么时间方便（500字以内）',
    address: '服务地址',
    addressPh: '楼栋、单元、门牌号',
    phone: '联系电话',
    phonePh: '方便党员联系您',
    target: '扫码点单：将直接交给这位党员办理（首问负责）',
    submit: '提交心愿',
    needCategory: '请选择服务类型',
    needTitle: '请填写心愿标题（40字以内）',
    needContent: '请填写详细描述（500字以内）',
    needCommunity: '请选择所在社区',
    created: '心愿已提交',
  },
  myWishes: {
    empty: '您还没有提过心愿',
    order: '去点单',
  },
  photos: {
    add: '添加照片',
    max: '最多9张照片',
    uploading: '照片上传中',
    remove: '删除',
    pending: '审核中',
    review: '待复核',
    title: '照片',
    stages: { order: '居民拍摄', result: '办结照片', reopen: '返工照片' },
  },
  detail: {
    number: '工单号',
    category: '服务类型',
    content: '详细描述',
    address: '服务地址',
    phone: '联系电话',
    resident: '点单居民',
    assignee: '办理党员',
    due: '办结时限',
    created: '提交时间',
    doneAt: '办结时间',
    rating: '居民评价',
    timeline: '办理进度',
    pool: '已开放抢单',
    confirmAccept: '确认接下这个心愿？',
    accepted: '接单成功',
  },
  action: {
    reason: '原因',
    reasonPh: '请说明原因',
    reasonOptional: '原因（选填）',
    note: '办理说明',
    notePh: '做了什么、结果如何（选填）',
    minutes: '服务时长（分钟）',
    minutesPh: '例如 60',
    score: '满意度',
    comment: '评价内容',
    commentPh: '说说您的感受（选填）',
    needReason: '请填写原因',
    badMinutes: '服务时长请填写0或正整数（分钟）',
    needScore: '请选择1到5星',
    stars: ['很不满意', '不满意', '一般', '满意', '非常满意'],
  },
  queue: {
    all: '全部',
    overdueOnly: '只看超时',
    empty: '暂无工单',
  },
  dispatch: {
    toMember: '指派党员',
    toPool: '开放抢单',
    active: '在办',
    done: '已办',
    minutesServed: '服务',
    skills: '特长：',
    wholeCommunity: '全社区',
    note: '派单说明（选填）',
    submit: '确认派单',
    needMember: '请选择一位党员',
    noMembers: '本社区还没有报到的党员',
    dispatched: '派单成功',
    wish: '心愿：',
  },
  reports: {
    empty: '没有待审核的报到',
    workplace: '工作单位：',
    partyOrg: '所在党组织：',
    skills: '特长：',
    approve: '通过',
    reject: '驳回',
    reasonPh: '驳回原因',
    confirmReject: '确认驳回',
    approved: '已通过',
    rejected: '已驳回',
    needReason: '请填写驳回原因',
  },
  stats: {
    wishes: '心愿总数',
    response: '响应率',
    resolution: '解决率',
    satisfaction: '满意率',
    onTime: '按时办结率',
    median: '响应时间中位数',
    members: '报到党员',
    serviceHours: '志愿服务时长',
    byStatus: '按状态',
    noCommunity: '您不是任何社区的书记或管理员',
  },
  memberReport: {
    intro: '在职党员向居住地社区报到，书记审核后即可接单服务',
    community: '报到社区',
    grid: '所在网格（选填）',
    pickGrid: '请选择网格',
    realName: '真实姓名',
    workplace: '工作单位',
    partyOrg: '所在党组织',
    skills: '特长（用逗号分隔）',
    skillsPh: '例如：水电维修，辅导功课',
    submit: '提交报到',
    submitted: '已提交，等待书记审核',
    needFields: '请填写姓名、工作单位和所在党组织',
    needCommunity: '请选择报到社区',
    pending: '审核中',
  },
  myTasks: {
    empty: '暂时没有派给您的任务',
  },
  pool: {
    intro: '社区开放的心愿，先到先得',
    grab: '抢单',
    grabbed: '抢单成功',
    empty: '暂时没有可抢的心愿',
  },
  consoleLogin: {
    title: '登录心愿工作台',
    where: '登录地址',
    from: '电脑 IP',
    browser: '浏览器',
    until: '有效期至',
    warn: '请确认是您本人在电脑前操作，否则请勿确认',
    confirm: '确认登录',
    done: '已确认，电脑上的工作台已登录',
    expired: '二维码已过期，请在电脑上刷新后重新扫码',
    used: '该二维码已使用过',
  },
  qrcode: {
    intro: '居民扫描此码点单，心愿将直接交给您办理（首问负责）',
    notMember: '报到通过后才有服务二维码',
    failed: '二维码加载失败',
  },
  notifications: {
    unreadOnly: '只看未读',
    empty: '暂无消息',
    unread: '未读',
    subscribe: '开启微信消息提醒',
  },
  subscribe: {
    devFallback: '开发模式：模拟器无法弹出订阅消息授权，是否模拟“全部允许”？',
    done: '已开启消息提醒',
  },
}

// Home page menu: group → entries. Which groups a user sees depends on their roles (utils/session.js).
const menu = {
  resident: [
    { label: '服务清单 · 我要点单', url: '/pages/catalog/catalog' },
    { label: '我的心愿', url: '/pages/my-wishes/my-wishes' },
    { label: '党员报到', url: '/pages/member-report/member-report' },
  ],
  member: [
    { label: '我的任务', url: '/pages/my-tasks/my-tasks' },
    { label: '抢单大厅', url: '/pages/pool/pool' },
    { label: '我的服务二维码', url: '/pages/qrcode/qrcode' },
  ],
  secretary: [
    { label: '工单队列 · 派单', url: '/pages/queue/queue' },
    { label: '党员报到审核', url: '/pages/reports/reports' },
    { label: '社区数据', url: '/pages/stats/stats' },
  ],
  general: [{ label: '消息通知', url: '/pages/notifications/notifications' }],
}

// The demo users `xinyuan seed-demo` creates (dev mode only).
const demoUsers = []
;[
  ['jinyang', '金阳社区'],
  ['wanfolou', '万佛楼社区'],
].forEach(([key, name]) => {
  demoUsers.push({ openid: `demo-secretary-${key}`, label: `${name} · 支部书记` })
  ;[1, 2, 3].forEach((n) => demoUsers.push({ openid: `demo-member-${key}-${n}`, label: `${name} · 党员${n}` }))
  ;[1, 2, 3].forEach((n) => demoUsers.push({ openid: `demo-resident-${key}-${n}`, label: `${name} · 居民${n}` }))
})
demoUsers.push({ openid: 'demo-admin', label: '管理员' })

module.exports = { status, actions, events, roles, errors, common, pages, menu, demoUsers }
