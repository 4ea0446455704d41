export const t = {
  title: '心愿 · 工作台',
  subtitle: '书记、管理员使用微信扫码登录',
  scanHint: '请使用微信扫描二维码，并在小程序中确认登录',
  expired: '二维码已过期',
  refresh: '刷新二维码',
  loading: '正在生成二维码…',
  devTitle: '开发模式：选择演示账号',
  devHint: '仅开发环境可用，生产环境不会出现',
  devPick: '以此身份登录',
  signingIn: '正在登录…',
}
