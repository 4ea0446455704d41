// The charts' options, built from the API's answers by pure functions (tested in tests/unit/charts.test.ts).
// Chinese titles, axis names with units, a legend; rates in per cent on a 0–100 axis; a missing rate is a gap.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import { pctValue } from './format'
import { t } from './text'
import type { BreakdownRow, RankingRow } from './types'

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | TooltipComponentOption
>

export const RATES = ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate'] as const
// The party-red of the console's header first, then colours that stay apart on a projector and in grey print.
export const COLORS = ['#c8161d', '#e6a23c', '#3a7bd5', '#2e9f6b']

const TEXT = { color: '#333', fontSize: 12 }

function title(text: string, sub = ''): TitleComponentOption {
  return { text, subtext: sub, left: 'center', top: 4, textStyle: { fontSize: 15, fontWeight: 600 }, subtextStyle: { fontSize: 12 } }
}

function percentAxis(): ChartOption['yAxis'] {
  return {
    type: 'value',
    name: t.axisPercent,
    min: 0,
    max: 100,
    nameTextStyle: TEXT,
    axisLabel: { ...TEXT, formatter: '{value}%' },
  }
}

const percentTooltip: TooltipComponentOption = {
  trigger: 'axis',
  valueFormatter: (v) => (typeof v === 'number' ? `${v}%` : '暂无'),
}

/** Rows that have anything to draw (a child with no wishes is still a row of the table, but no chart point). */
export function hasData(rows: BreakdownRow[]): boolean {
  return rows.some((r) => r.wishes > 0)
}

/** The four rates of each child side by side (bar), e.g. every street of a district. */
export function compareOption(rows: BreakdownRow[], heading: string, sub: string): ChartOption {
  const names = rows.map((r) => r.name)
  return {
    color: COLORS,
    title: title(heading, sub),
    tooltip: percentTooltip,
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 56, right: 16, top: 70, bottom: names.length > 5 ? 64 : 48 },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { ...TEXT, interval: 0, rotate: names.length > 5 ? 20 : 0 },
      triggerEvent: true,
    },
    yAxis: percentAxis(),
    series: RATES.map((rate) => ({
      type: 'bar',
      name: t.rates[rate],
      data: rows.map((r) => pctValue(r[rate])),
      barMaxWidth: 22,
      cursor: 'pointer',
    })),
  }
}

/** The four rates month by month (line). */
export function trendOption(rows: BreakdownRow[], heading: string, sub: string): ChartOption {
  return {
    color: COLORS,
    title: title(heading, sub),
    tooltip: percentTooltip,
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 56, right: 24, top: 70, bottom: 48 },
    xAxis: {
      type: 'category',
      data: rows.map((r) => monthLabel(String(r.key))),
      axisLabel: TEXT,
      boundaryGap: false,
    },
    yAxis: percentAxis(),
    series: RATES.map((rate) => ({
      type: 'line',
      name: t.rates[rate],
      data: rows.map((r) => pctValue(r[rate])),
      connectNulls: false,
      symbolSize: 7,
      label: { show: rows.length <= 6 && rate === 'response_rate', position: 'top', formatter: '{c}%', fontSize: 11 },
    })),
  }
}

/** `2026-07` → `2026年7月`. */
export function monthLabel(key: string): string {
  const [y, m] = key.split('-')
  return y && m ? `${y}年${Number(m)}月` : key
}

/** Wishes per category (bars, left axis) and the resolution and satisfaction rates (lines, right axis). */
export function categoryOption(rows: BreakdownRow[], heading: string, sub: string): ChartOption {
  const sorted = [...rows].sort((a, b) => b.wishes - a.wishes)
  return {
    color: ['#8c9bb0', COLORS[1], COLORS[2]],
    title: title(heading, sub),
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 56, right: 56, top: 70, bottom: 72 },
    xAxis: { type: 'category', data: sorted.map((r) => r.name), axisLabel: { ...TEXT, interval: 0, rotate: 25 } },
    yAxis: [
      { type: 'value', name: t.axisWishes, nameTextStyle: TEXT, axisLabel: TEXT, minInterval: 1 },
      { ...(percentAxis() as object), splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: t.wishesSeries, data: sorted.map((r) => r.wishes), barMaxWidth: 28, label: { show: true, position: 'top', fontSize: 11 } },
      { type: 'line', name: t.rates.resolution_rate, yAxisIndex: 1, data: sorted.map((r) => pctValue(r.resolution_rate)), tooltip: { valueFormatter: pctTip } },
      { type: 'line', name: t.rates.satisfaction_rate, yAxisIndex: 1, data: sorted.map((r) => pctValue(r.satisfaction_rate)), tooltip: { valueFormatter: pctTip } },
    ],
  }
}

function pctTip(v: unknown): string {
  return typeof v === 'number' ? `${v}%` : '暂无'
}

/** The ten members with the most hours (horizontal bars, the first at the top). */
export function rankingOption(rows: RankingRow[], heading: string): ChartOption {
  const top = rows.slice(0, 10).reverse()
  return {
    color: [COLORS[0]],
    title: title(heading),
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v} 小时` },
    grid: { left: 150, right: 56, top: 48, bottom: 44 },
    xAxis: { type: 'value', name: t.ranking.axisHours, nameLocation: 'middle', nameGap: 24, nameTextStyle: TEXT, axisLabel: TEXT },
    yAxis: { type: 'category', data: top.map((r) => `${r.real_name}（${r.community_name}）`), axisLabel: TEXT },
    series: [
      {
        type: 'bar',
        name: t.ranking.axisHours,
        data: top.map((r) => Math.round((r.service_minutes / 60) * 10) / 10),
        barMaxWidth: 18,
        label: { show: true, position: 'right', fontSize: 11 },
      },
    ],
  }
}
