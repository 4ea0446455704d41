import { describe, expect, it } from 'vitest'
import { breakdownOption, bysFor, hoursOf, quarters, skillsOf } from '../../src/screens/teams/logic'

const row = (label: string, activities: number, attendances: number, minutes: number) => ({
  label,
  teams: 1,
  activities,
  attendances,
  minutes,
})

describe('skillsOf', () => {
  it('splits on Chinese and ASCII commas, 顿号 and spaces, dropping blanks and repeats in order', () => {
    expect(skillsOf('助老，义诊、 助老  智能手机教学,;')).toEqual(['助老', '义诊', '智能手机教学'])
    expect(skillsOf('   ')).toEqual([])
  })
})

describe('hoursOf', () => {
  it('gives hours with one decimal', () => {
    expect(hoursOf(150)).toBe(2.5)
    expect(hoursOf(100)).toBe(1.7)
    expect(hoursOf(0)).toBe(0)
  })
})

describe('quarters', () => {
  it('starts with the quarter under way and goes back across the year', () => {
    const qs = quarters(new Date(2026, 1, 15), 3) // 15 February 2026
    expect(qs.map((q) => [q.year, q.quarter])).toEqual([
      [2026, 1],
      [2025, 4],
      [2025, 3],
    ])
    expect(qs[0].label).toBe('2026 年第一季度')
  })
  it('stops at 2020, the first year the API makes cards for', () => {
    const qs = quarters(new Date(2020, 4, 1), 8)
    expect(qs.map((q) => `${q.year}Q${q.quarter}`)).toEqual(['2020Q2', '2020Q1'])
  })
})

describe('bysFor', () => {
  it('offers the breakdowns below the org, the next level down first', () => {
    expect(bysFor('district')[0]).toBe('street')
    expect(bysFor('street')).toEqual(['community', 'team', 'month'])
    expect(bysFor('community')).not.toContain('street')
  })
})

describe('breakdownOption', () => {
  it('is null when no row has anything to draw', () => {
    expect(breakdownOption([row('红色先锋队', 0, 0, 0)], '按服务队')).toBeNull()
  })
  it('draws activities and attendances on the left axis, hours on the right, in the rows’ order', () => {
    const option = breakdownOption([row('红色先锋队', 2, 5, 150), row('银龄助老队', 1, 3, 90)], '按服务队')
    expect(option).not.toBeNull()
    const series = option?.series as { name: string; data: number[]; yAxisIndex?: number }[]
    expect(series.map((s) => s.name)).toEqual(['活动场次', '参与人次', '服务时长（小时）'])
    expect(series[0].data).toEqual([2, 1])
    expect(series[1].data).toEqual([5, 3])
    expect(series[2].data).toEqual([2.5, 1.5])
    expect(series[2].yAxisIndex).toBe(1)
    expect((option?.xAxis as { data: string[] }).data).toEqual(['红色先锋队', '银龄助老队'])
    expect((option?.title as { text: string }).text).toBe('志愿服务按服务队对比')
  })
})
