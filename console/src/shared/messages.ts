// The API's refusals in Chinese, by problem+json `code` (the API's own detail is English, for developers).
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
  service_unavailable: '服务暂时不可用，请稍后再试。',
  too_large: '提交的内容过大。',
  network: '无法连接服务器，请检查网络。',
}

export function messageOf(code: string, status: number, detail: string): string {
  const known = BY_CODE[code]
  if (known) return code === 'validation_error' && detail ? `${known}（${detail}）` : known
  return `操作失败（${status || '网络'}）${detail ? `：${detail}` : ''}`
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
