// Numbers as a cadre reads them: rates in per cent with one decimal, "—" where there is nothing to measure.
export function pct(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`
}

/** A rate as a chart's value: per cent, or '-' (ECharts' "no value": a gap, not a zero). */
export function pctValue(rate: number | null | undefined): number | '-' {
  return rate === null || rate === undefined ? '-' : Math.round(rate * 1000) / 10
}

export function hours(minutes: number): string {
  return (minutes / 60).toFixed(minutes % 60 ? 1 : 0)
}

/** "2天3小时" for minutes past a deadline. */
export function lateBy(minutes: number): string {
  if (minutes <= 0) return '—'
  const days = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  if (days) return h ? `${days}天${h}小时` : `${days}天`
  return h ? `${h}小时${minutes % 60 ? `${minutes % 60}分` : ''}` : `${minutes}分钟`
}
