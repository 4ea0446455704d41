import { describe, expect, it } from 'vitest'
import { categoryOption, compareOption, hasData, monthLabel, rankingOption, trendOption } from '../../src/screens/figures/charts'
import { countNewlines, filenameOf } from '../../src/screens/figures/exporter'
import { lateBy, pct, pctValue } from '../../src/screens/figures/format'
import { apiQuery, drillTo, fromQuery, presetOf, presetWindow, toQuery } from '../../src/screens/figures/state'
import type { BreakdownRow, RankingRow } from '../../src/screens/figures/types'

const TODAY = new Date(2026, 11, 7) // 7 December 2026, local

function row(key: number | string | null, name: string, rates: Partial<BreakdownRow> = {}): BreakdownRow {
  const counts = { responded_in_time: 0, response_base: 0, done: 0, resolution_base: 0, satisfied: 0, rated: 0, on_time: 0 }
  return {
    key,
    name,
    wishes: 10,
    by_status: {},
    response_rate: 0.9,
    resolution_rate: 0.8,
    satisfaction_rate: null,
    on_time_rate: 0.75,
    median_response_minutes: 60,
    overdue: 1,
    members: 3,
    service_minutes: 90,
    counts,
    ...rates,
  }
}

describe('the figures URL state', () => {
  it('defaults to the last six whole months, the children, and the user’s own org', () => {
    expect(fromQuery({}, TODAY)).toEqual({ org: null, since: '2026-07-01', until: '2026-12-07', by: 'child' })
  })

  it('reads the URL back from what it wrote, and refuses nonsense', () => {
    const state = { org: 17, since: '2026-11-01', until: '2026-11-30', by: 'month' as const }
    expect(fromQuery(toQuery(state), TODAY)).toEqual(state)
    expect(toQuery({ ...state, by: 'child' })).toEqual({ org: '17', since: '2026-11-01', until: '2026-11-30' })
    const bad = fromQuery({ org: '-3', since: '2026-12-01', until: '2026-11-01', by: 'street' }, TODAY)
    expect(bad).toEqual({ org: null, since: '2026-07-01', until: '2026-12-07', by: 'child' })
  })

  it('drills down to a child org and resets the grouping; 未分网格 (no org) goes nowhere', () => {
    const state = { org: 1, since: '2026-07-01', until: '2026-12-07', by: 'category' as const }
    expect(drillTo(state, 4)).toEqual({ ...state, org: 4, by: 'child' })
    expect(drillTo(state, null)).toBeNull()
    expect(drillTo(state, '2026-07')).toBeNull()
  })

  it('names the presets’ windows and recognises them', () => {
    expect(presetWindow('month', TODAY)).toEqual({ since: '2026-12-01', until: '2026-12-07' })
    expect(presetWindow('3m', TODAY)).toEqual({ since: '2026-10-01', until: '2026-12-07' })
    expect(presetWindow('year', TODAY)).toEqual({ since: '2026-01-01', until: '2026-12-07' })
    expect(presetWindow('6m', new Date(2026, 1, 15)).since).toBe('2025-09-01') // across the new year
    expect(presetOf(fromQuery({}, TODAY), TODAY)).toBe('6m')
    expect(presetOf({ org: null, since: '2026-11-02', until: '2026-12-07', by: 'child' }, TODAY)).toBeNull()
  })

  it('asks the API for the same org and window', () => {
    const q = apiQuery(fromQuery({}, TODAY), 4, { by: 'month' })
    expect(Object.fromEntries(new URLSearchParams(q))).toEqual({ org_id: '4', since: '2026-07-01', until: '2026-12-07', by: 'month' })
  })
})

describe('the charts’ options', () => {
  it('compares the four rates of every child in per cent, a missing rate as a gap', () => {
    const option = compareOption([row(4, '驼峰路街道'), row(5, '青山路街道', { wishes: 0, response_rate: null })], '标题', '统计期')
    const series = option.series as { name: string; data: unknown[] }[]
    expect(series.map((s) => s.name)).toEqual(['响应率', '解决率', '满意率', '按时办结率'])
    expect(series[0]?.data).toEqual([90, '-'])
    expect(series[2]?.data).toEqual(['-', '-'])
    expect((option.xAxis as { data: string[] }).data).toEqual(['驼峰路街道', '青山路街道'])
    expect((option.yAxis as { max: number; name: string }).max).toBe(100)
  })

  it('has no chart when no row has a wish (the screen shows 暂无数据 instead)', () => {
    expect(hasData([row(4, 'a', { wishes: 0 })])).toBe(false)
    expect(hasData([])).toBe(false)
    expect(hasData([row(4, 'a')])).toBe(true)
  })

  it('labels months in Chinese and sorts categories by their wishes', () => {
    expect(monthLabel('2026-07')).toBe('2026年7月')
    const trend = trendOption([row('2026-11', '2026-11'), row('2026-12', '2026-12')], 't', 's')
    expect((trend.xAxis as { data: string[] }).data).toEqual(['2026年11月', '2026年12月'])
    const cat = categoryOption([row(1, '家电维修', { wishes: 2 }), row(2, '微心愿代购', { wishes: 9 })], 't', 's')
    expect((cat.xAxis as { data: string[] }).data).toEqual(['微心愿代购', '家电维修'])
  })

  it('ranks the top ten members by hours, the first at the top', () => {
    const rows: RankingRow[] = Array.from({ length: 12 }, (_, i) => ({
      rank: i + 1, user_id: i, real_name: `党员${i + 1}`, community_id: 1, community_name: '金阳社区',
      grid_id: null, service_minutes: 600 - i * 30, done_wishes: 3,
    }))
    const option = rankingOption(rows, '前十')
    const names = (option.yAxis as { data: string[] }).data
    expect(names).toHaveLength(10)
    expect(names[9]).toBe('党员1（金阳社区）')
    expect((option.series as { data: number[] }[])[0]?.data[9]).toBe(10)
  })
})

describe('formats and the export’s name', () => {
  it('shows rates in per cent and nothing as a dash', () => {
    expect(pct(0.71429)).toBe('71.4%')
    expect(pct(null)).toBe('—')
    expect(pctValue(0.7143)).toBe(71.4)
    expect(lateBy(0)).toBe('—')
    expect(lateBy(125)).toBe('2小时5分')
    expect(lateBy(1440 * 2 + 180)).toBe('2天3小时')
  })

  it('takes the Chinese file name from Content-Disposition', () => {
    const header = `attachment; filename="export-4.xlsx"; filename*=UTF-8''${encodeURIComponent('心愿明细-驼峰路街道-20261101-20261130.xlsx')}`
    expect(filenameOf(header, 'x')).toBe('心愿明细-驼峰路街道-20261101-20261130.xlsx')
    expect(filenameOf('attachment; filename="a.csv"', 'x')).toBe('a.csv')
    expect(filenameOf(null, 'x.csv')).toBe('x.csv')
    expect(countNewlines(new TextEncoder().encode('a\r\nb\r\nc'))).toBe(2)
  })
})
