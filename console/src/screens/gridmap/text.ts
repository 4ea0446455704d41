export const t = {
  title: '网格服务图',
  heading: (community: string, grid: string) => `${community} · ${grid}`,
  subtitle: '网格服务图 · 居民点单 支部下单 党员接单',
  scan: '微信扫一扫，直接向我点单',
  footer: '扫码后填写心愿，党员接单办理；也可以到社区党群服务中心办理。',
  print: '打印（A4）',
  loadingImages: (done: number, all: number) => `二维码加载中（${done}/${all}）`,
  ready: (grids: number, members: number) => `${grids} 个网格，${members} 名党员，每个网格一页`,
  noGrid: '未分网格',
  empty: '本网格暂无党员',
  pick: '请选择社区',
  skills: '特长',
}
