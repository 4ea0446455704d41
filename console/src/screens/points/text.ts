// The Chinese of the 积分 screen.
export const t = {
  title: '积分管理',
  pick: '请选择社区',
  rates: '积分规则',
  perHour: '每服务 1 小时',
  perWish: '每办结 1 个心愿',
  points: '积分',
  ratesHint: '从保存之后的服务开始按新规则计分；时长调整不改变积分，请用奖励或扣减。',
  save: '保存规则',
  saved: (h: number, w: number) => `已保存：每小时 ${h} 分，每个心愿 ${w} 分`,
  members: '党员积分',
  columns: { name: '姓名', grid: '网格', hours: '服务时长（小时）', balance: '当前积分', actions: '奖励 / 扣减' },
  bonus: '奖励',
  deduct: '扣减',
  dialogTitle: (kind: string, name: string) => `${kind} ${name} 的积分`,
  amount: '分值',
  reason: '原因（本人可见）',
  confirm: '确定',
  cancel: '取消',
  done: (name: string, points: number, balance: number) =>
    `已${points > 0 ? '奖励' : '扣减'} ${name} ${Math.abs(points)} 分，现有 ${balance} 分`,
  empty: '本社区还没有党员',
}
