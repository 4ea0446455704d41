import { describe, expect, it } from 'vitest'
import { describe as tell, formTotal, measuredText, missingStep, quotaLine, setBody, starsText, stepBody } from '../../src/screens/stars/logic'

describe('star rating steps', () => {
  it('asks stars for approve, stars and a reason for correct, a reason to send back', () => {
    expect(stepBody('approve', { stars: 4, reason: '' })).toEqual({ stars: 4 })
    expect(stepBody('correct', { stars: 3, reason: ' 复核扣分 ' })).toEqual({ stars: 3, reason: '复核扣分' })
    expect(stepBody('send_back', { stars: null, reason: '佐证不足' })).toEqual({ reason: '佐证不足' })
    expect(stepBody('publish', { stars: 5, reason: 'x' })).toBeUndefined()
    expect(missingStep('approve', { stars: null, reason: '' })).toBe(true)
    expect(missingStep('correct', { stars: 3, reason: ' ' })).toBe(true)
    expect(missingStep('review', { stars: null, reason: '' })).toBe(false)
  })

  it('turns the form into the set the API takes: measures, targets for counts only, quotas left empty dropped', () => {
    const body = setBody(1, {
      year: 2027,
      quotas: { '5': 10, '4': null },
      items: [
        { name: ' 班子建设 ', max_points: 20, kind: 'people', target: 9 },
        { name: '解决率', max_points: 10, kind: 'resolution_rate', target: 3 },
        { name: '党员数', max_points: 10, kind: 'members', target: 30 },
      ],
    })
    expect(body).toEqual({
      district_id: 1,
      year: 2027,
      quotas: { '5': 10 },
      indicators: [
        { name: '班子建设', max_points: 20 },
        { name: '解决率', max_points: 10, measure: 'resolution_rate' },
        { name: '党员数', max_points: 10, measure: 'members', target: 30 },
      ],
    })
    expect(formTotal({ year: 2027, quotas: {}, items: [{ name: 'a', max_points: 20, kind: 'people', target: null }, { name: 'b', max_points: 15, kind: 'people', target: null }] })).toBe(35)
  })

  it('shows rates in per cent, counts as numbers, stars as stars', () => {
    expect(measuredText('resolution_rate', 0.8765)).toBe('87.7%')
    expect(measuredText('members', 3)).toBe('3')
    expect(measuredText(null, null)).toBe('—')
    expect(starsText(4)).toBe('★★★★☆')
    expect(starsText(null)).toBe('—')
  })

  it('tells every step in one line', () => {
    const e = { action: 'review_item', from_status: 'submitted', to_status: 'submitted', stars: null, indicator_id: 7, points: 12, actor_id: 1, actor_name: '新明楼街道管理员', note: '无障碍设施未完善', at: '' } as const
    expect(tell(e, { 7: '阵地建设' })).toBe('审核「阵地建设」 12 分：无障碍设施未完善')
    expect(tell({ ...e, action: 'approve', indicator_id: null, points: null, stars: 4, note: null }, {})).toBe('审定星级 4 星')
  })
})

describe('quotas', () => {
  it('tells each level its share and how many communities that is, rounded down as the API counts', () => {
    expect(quotaLine({ '4': 30, '5': 10 }, 4)).toBe('5星不超过 10%（最多 0 个）；4星不超过 30%（最多 1 个）')
    expect(quotaLine({ '5': 10 }, 50)).toBe('5星不超过 10%（最多 5 个）')
    expect(quotaLine({ '5': 10 }, null)).toBe('5星不超过 10%')
    expect(quotaLine({}, 4)).toBe('不限')
  })
})
