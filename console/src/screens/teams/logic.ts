// The volunteering screens' pure pieces (tested in tests/unit/teams.test.ts): skills typed as one line, the
// quarters a service card exists for, hours from minutes, and the breakdown's ECharts bar chart.
import type { ChartOption } from '../figures/charts'
import { COLORS } from '../figures/charts'
import { t } from './text'

export interface RowCounts {
  label: string
  teams: number
  activities: number
  attendances: number
  minutes: number
}

/** "助老，义诊 助老" → ["助老", "义诊"]: split on commas, 顿号 and spaces; blanks and repeats dropped. */
export function skillsOf(line: string): string[] {
  const out: string[] = []
  for (const part of line.split(/[,，、;；\s]+/)) {
    const skill = part.trim()
    if (skill && !out.includes(skill)) out.push(skill)
  }
  return out
}

/** Hours with one decimal at most (150 minutes → 2.5). */
export function hoursOf(minutes: number): number {
  return Math.round(minutes / 6) / 10
}

export interface QuarterPick {
  year: number
  quarter: number
  label: string
}

/** The quarters that have begun, newest first, `count` of them (a card of the quarter under way is one so far). */
export function quarters(today: Date, count = 8): QuarterPick[] {
  let year = today.getFullYear()
  let quarter = Math.floor(today.getMonth() / 3) + 1
  const out: QuarterPick[] = []
  while (out.length < count && year >= 2020) {
    out.push({ year, quarter, label: `${year} 年第${'一二三四'[quarter - 1]}季度` })
    quarter -= 1
    if (quarter === 0) ((quarter = 4), (year -= 1))
  }
  return out
}

/** Activities and attendances (left axis) and hours (right axis) per row, as bars. Null when there is nothing. */
export function breakdownOption(rows: RowCounts[], byLabel: string): ChartOption | null {
  if (!rows.some((r) => r.activities > 0 || r.attendances > 0 || r.minutes > 0)) return null
  const names = rows.map((r) => r.label)
  const text = { color: '#333', fontSize: 12 }
  return {
    color: COLORS,
    title: { text: t.figures.chart(byLabel), left: 'center', top: 4, textStyle: { fontSize: 15, fontWeight: 600 } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, textStyle: text },
    grid: { left: 56, right: 56, top: 56, bottom: names.length > 5 ? 72 : 48 },
    xAxis: { type: 'category', data: names, axisLabel: { ...text, interval: 0, rotate: names.length > 5 ? 20 : 0 } },
    yAxis: [
      { type: 'value', name: '场次 / 人次', minInterval: 1, nameTextStyle: text, axisLabel: text },
      { type: 'value', name: '小时', nameTextStyle: text, axisLabel: text, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: t.figures.series.activities, data: rows.map((r) => r.activities), barMaxWidth: 22 },
      { type: 'bar', name: t.figures.series.attendances, data: rows.map((r) => r.attendances), barMaxWidth: 22 },
      {
        type: 'bar',
        name: t.figures.series.hours,
        yAxisIndex: 1,
        data: rows.map((r) => hoursOf(r.minutes)),
        barMaxWidth: 22,
      },
    ],
  }
}

export type ByKey = 'team' | 'community' | 'street' | 'month'

/** The breakdowns that say something at an org's level (a community has no streets), the first the default. */
export function bysFor(level: string | undefined): ByKey[] {
  if (level === 'district') return ['street', 'community', 'team', 'month']
  if (level === 'street') return ['community', 'team', 'month']
  return ['team', 'month']
}
