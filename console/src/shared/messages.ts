// The API's refusals in Chinese, by problem+json `code`. The API's own `detail` is English, for developers: it is
// never shown to a secretary. A 422's `errors[]` (which field, what is wrong) is put into Chinese field by field.
const BY_CODE: Record<string, string> = {
  not_staff: '工作台仅供书记和管理员使用，该微信账号没有相应身份。',
  ticket_expired: '二维码已过期，请刷新后重新扫码。',
  ticket_used: '该二维码已使用过，请刷新后重新扫码。',
  csrf_refused: '请求未通过安全校验，请刷新页面后重试。',
  unauthorized: '登录已失效，请重新登录。',
  forbidden: '没有权限进行此操作。',
  not_found: '没有找到该记录，或您无权查看。',
  invalid_transition: '当前状态下不能进行此操作，请刷新后查看最新状态。',
  already_taken: '该心愿已被他人接单。',
  conflict: '操作冲突，请刷新后重试。',
  validation_error: '填写的内容有误，请检查后重试。',
  content_rejected: '内容未通过安全审核，请修改后重试。',
  rate_limited: '操作过于频繁，请稍后再试。',
  wechat_unavailable: '微信服务暂时不可用，请稍后再试。',
  wechat_login_failed: '微信登录失败，请重新扫码。',
  service_unavailable: '服务暂时不可用，请稍后再试。',
  too_large: '提交的内容过大。',
  invalid_image: '图片无法识别，请上传 JPEG、PNG 或 WebP 格式的照片。',
  too_many_pixels: '图片尺寸过大，请缩小后再上传。',
  invalid_document: '文件无法识别或不完整，请上传完整的 PDF 文件。',
  full: '名额已满。',
  already_member: '该党员已在队中，或已申请加入。',
  not_member: '该党员不在队中。',
  leader_stays: '队长不能退出，请先更换队长。',
  already_signed_up: '已经报名过了。',
  not_signed_up: '尚未报名。',
  already_checked_in: '已经签到过了。',
  not_checked_in: '尚未签到。',
  signup_closed: '报名已截止。',
  not_on_site_time: '不在活动签到时间内。',
  not_started: '活动尚未开始。',
  outside_geofence: '不在活动地点范围内。',
  insufficient_points: '积分不足。',
  out_of_stock: '库存不足。',
  quota_exceeded: '已超出该星级的名额。',
  open_objection: '还有未答复的异议，暂不能发布。',
  network: '无法连接服务器，请检查网络。',
}

// By HTTP status, for a code this console does not know yet: still Chinese, never the English detail.
const BY_STATUS: Record<number, string> = {
  400: '请求有误，请刷新后重试。',
  401: BY_CODE.unauthorized,
  403: BY_CODE.forbidden,
  404: BY_CODE.not_found,
  409: BY_CODE.conflict,
  410: '该记录已失效，请刷新后重试。',
  413: BY_CODE.too_large,
  422: BY_CODE.validation_error,
  429: BY_CODE.rate_limited,
}

// What a field is called on screen: the last part of a 422's `loc`.
const FIELD_LABELS: Record<string, string> = {
  title: '标题',
  content: '内容',
  name: '名称',
  code: '编码',
  description: '说明',
  reason: '原因',
  note: '备注',
  comment: '评价',
  address: '地址',
  contact_phone: '联系电话',
  time_limit_hours: '办结时限',
  due_at: '办结期限',
  assignee_id: '承办党员',
  grid_id: '网格',
  community_id: '社区',
  org_id: '组织',
  category_id: '服务类别',
  user_id: '人员',
  role: '角色',
  level: '层级',
  parent_id: '上级组织',
  nickname: '昵称',
  real_name: '姓名',
  q: '搜索词',
  since: '开始时间',
  until: '结束时间',
  score: '评分',
  service_minutes: '服务时长',
  beneficiaries: '受益群体',
  due_on: '期望完成日期',
  availability: '提供时间',
  evidence: '佐证材料',
  points: '分数',
  stars: '星级',
  answer: '答复',
  indicators: '指标项',
  max_points: '分值',
  target: '满分目标数',
  quotas: '星级名额',
  year: '年度',
  // volunteering: activities, corrections, points and the shop
  starts_at: '开始时间',
  ends_at: '结束时间',
  signup_deadline: '报名截止',
  seats: '名额',
  positions: '岗位',
  position_id: '岗位',
  geofence_m: '签到范围',
  lat: '纬度',
  lng: '经度',
  minutes: '时长',
  price: '积分',
  stock: '库存',
  add_stock: '补货数量',
  per_hour: '每小时积分',
  per_wish: '每个心愿积分',
}

// pydantic's English messages, as the API passes them on, to Chinese (the numbers kept).
const MSG_RULES: [RegExp, (m: RegExpMatchArray) => string][] = [
  // the activity form's and the points' own checks (app/activities/schemas.py, app/points/schemas.py)
  [/ends_at must be after starts_at/, () => '结束时间须晚于开始时间，且活动不超过 7 天'],
  [/signup_deadline must not be after ends_at/, () => '报名截止不能晚于结束时间'],
  [/must end in the future/, () => '须晚于现在'],
  [/give seats, or positions/, () => '请填写名额或岗位'],
  [/position names must differ/, () => '岗位名称不能重复'],
  [/geofence needs/, () => '签到范围须填写活动地点的纬度和经度'],
  [/title and address must not be blank/, () => '标题和地点不能为空'],
  [/must stay within 0 and (\d+)/, (m) => `调整后须在 0 到 ${m[1]} 分钟之间（活动时长）`],
  [/correction of 0 minutes/, () => '调整分钟数不能为 0'],
  [/points must not be 0/, () => '分值不能为 0，原因不能为空'],
  [/must not be blank/, () => '不能为空'],
  [/times must be between/, () => '时间超出允许范围'],
  [/at most (\d+) characters?/, (m) => `不能超过 ${m[1]} 个字`],
  [/at least (\d+) characters?/, (m) => `至少 ${m[1]} 个字`],
  [/at most (\d+) items?/, (m) => `最多 ${m[1]} 项`],
  [/less than or equal to (\S+)/, (m) => `不能大于 ${m[1]}`],
  [/greater than or equal to (\S+)/, (m) => `不能小于 ${m[1]}`],
  [/greater than (\S+)/, (m) => `应大于 ${m[1]}`],
  [/Field required|required/i, () => '必须填写'],
  [/valid integer/, () => '应为整数'],
  [/valid number/, () => '应为数字'],
  [/valid datetime|valid date/, () => '时间格式不正确'],
  [/control character/, () => '含有不可见的控制字符'],
  [/Input should be/, () => '取值不在允许范围内'],
  [/Extra inputs/, () => '不应填写'],
  [/not offered/, () => '本社区不提供此项服务'],
  [/needs a reason/, () => '必须填写（分数与自评不同）'],
]

export interface FieldProblem {
  loc?: (string | number)[]
  msg?: string
}

function fieldMessage(problem: FieldProblem): string {
  const loc = (problem.loc ?? []).filter((part) => typeof part === 'string' && part !== 'body' && part !== 'query')
  const field = loc.length ? FIELD_LABELS[String(loc[loc.length - 1])] : undefined
  const msg = problem.msg ?? ''
  const rule = MSG_RULES.find(([pattern]) => pattern.test(msg))
  const what = rule ? rule[1](msg.match(rule[0]) as RegExpMatchArray) : '格式不正确'
  return field ? `${field}${what}` : what
}

export function messageOf(code: string, status: number, _detail: string, errors: FieldProblem[] = []): string {
  if (code === 'validation_error' && errors.length) {
    const fields = [...new Set(errors.map(fieldMessage))].slice(0, 3)
    return `填写的内容有误：${fields.join('；')}。`
  }
  const known = BY_CODE[code] ?? (code.startsWith('checkin_code_') ? '签到码无效或已过期，请重新扫码。' : undefined)
  if (known) return known
  if (status >= 500) return `服务器出错了（${status}），请稍后再试；如果一直出现，请联系管理员。`
  return BY_STATUS[status] ?? `操作失败（${status || '网络'}），请稍后再试。`
}

export const STATUS_LABELS: Record<string, string> = {
  ordered: '待派单',
  dispatched: '待接单',
  accepted: '服务中',
  done: '已办结',
  rejected: '已驳回',
  cancelled: '已取消',
}

export const ACTION_LABELS: Record<string, string> = {
  order: '点单',
  dispatch: '派单',
  recall: '撤回',
  accept: '接单',
  decline: '退单',
  complete: '办结',
  reject: '驳回',
  cancel: '取消',
  rate: '评价',
  reopen: '返工',
  escalate: '督办',
}

export const ROLE_LABELS: Record<string, string> = {
  secretary: '书记',
  admin: '管理员',
  member: '党员',
  resident: '居民',
  system: '系统',
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
