import { describe, expect, it } from 'vitest'
import { bodyFor, missingInput, statusChart, tabOf, windowOf } from '../../src/screens/joint/logic'
import { supervised, under } from '../../src/shared/orgs'

const blank = { note: '', reason: '', score: 5, comment: '' }

describe('joint project actions', () => {
  it('builds each body the API expects', () => {
    expect(bodyFor('progress', { ...blank, note: ' 已开课2次 ' })).toEqual({ note: '已开课2次' })
    expect(bodyFor('drop', { ...blank, reason: '场地改建' })).toEqual({ reason: '场地改建' })
    expect(bodyFor('rate', { ...blank, score: 4 })).toEqual({ score: 4 })
    expect(bodyFor('rate', { ...blank, score: 5, comment: '很好' })).toEqual({ score: 5, comment: '很好' })
    expect(bodyFor('complete', blank)).toBeUndefined()
    expect(bodyFor('complete', { ...blank, note: '完工' })).toEqual({ note: '完工' })
    expect(bodyFor('confirm', { ...blank, note: 'ignored' })).toBeUndefined()
  })

  it('holds the call back until the needed input is there', () => {
    expect(missingInput('progress', { ...blank, note: '  ' })).toBe(true)
    expect(missingInput('drop', blank)).toBe(true)
    expect(missingInput('rate', { ...blank, score: 0 })).toBe(true)
    expect(missingInput('rate', blank)).toBe(false)
    expect(missingInput('start', blank)).toBe(false)
  })
})

describe('joint screen state', () => {
  it('reads the tab from the URL; the units tab is for admins', () => {
    expect(tabOf('needs', false)).toBe('needs')
    expect(tabOf('units', true)).toBe('units')
    expect(tabOf('units', false)).toBe('projects')
    expect(tabOf('nonsense', true)).toBe('projects')
  })

  it('draws projects by status in the machine order, nothing when there is none', () => {
    const option = statusChart({ done: 2, proposed: 1 }, '榆阳区')
    expect(option?.xAxis.data).toEqual(['待确认', '已确认', '实施中', '已完成', '已终止'])
    expect(option?.series[0].data.map((d) => d.value)).toEqual([1, 0, 0, 2, 0])
    expect(statusChart({}, '榆阳区')).toBeNull()
  })

  it('gives each window its days, ending today', () => {
    const today = new Date(2026, 11, 7)
    expect(windowOf('d30', today)).toEqual({ since: '2026-11-08', until: '2026-12-07' })
    expect(windowOf('year', today)).toEqual({ since: '2026-01-01', until: '2026-12-07' })
    expect(windowOf('m6', today)).toEqual({ since: '2026-06-07', until: '2026-12-07' })
  })

  it('lists the orgs under the caller, own first, without grids', () => {
    const org = (id: number, parent_id: number | null, level: string) => ({ id, name: `o${id}`, level, parent_id, can_manage: false })
    const orgs = [org(1, null, 'district'), org(2, 1, 'street'), org(3, 2, 'community'), org(4, 3, 'grid'), org(5, 1, 'street')]
    const user = { roles: [{ role: 'admin', org_id: 2, org_name: 'o2' }] }
    // @ts-expect-error: a partial user and orgs are enough for the walk
    expect(supervised(orgs, user).map((o) => o.id)).toEqual([2, 3])
    // @ts-expect-error: partial orgs
    expect(under(orgs, 1).map((o) => o.id)).toEqual([1, 2, 5, 3, 4])
  })
})
