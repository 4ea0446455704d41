export const t = {
  title: '党员名册',
  columns: {
    name: '姓名',
    grid: '网格',
    workplace: '工作单位',
    skills: '特长',
    active: '在办',
    done: '已办结',
    hours: '服务时长（小时）',
    qrcode: '服务二维码',
    card: '服务记录卡',
  },
  show: '查看',
  qrTitle: (name: string) => `${name} 的服务二维码`,
  qrHint: '居民用微信扫码，即可直接向该党员点单（首问负责）。',
  download: '下载图片',
  cardDownload: '下载',
  close: '关闭',
  empty: '本社区还没有党员报到',
  total: (n: number) => `共 ${n} 名党员`,
  noGrid: '—',
  pick: '请选择社区',
  qrFailed: '二维码加载失败，请稍后重试。',
}

export function hours(minutes: number): string {
  return (minutes / 60).toFixed(1)
}
