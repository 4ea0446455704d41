import { describe, expect, it } from 'vitest'
import type { Member, Org } from '../../src/api/types'
import { sheetsOf } from '../../src/screens/gridmap/sheets'

const grid = (id: number, name: string) => ({ id, name, level: 'grid', parent_id: 1 }) as Org
const member = (user_id: number, grid_id: number | null) => ({ user_id, grid_id, real_name: `m${user_id}` }) as Member

describe('grid map pages', () => {
  it('one page per grid, empty ones too, in the order given', () => {
    const sheets = sheetsOf([grid(2, '第一网格'), grid(3, '第二网格')], [member(9, 3), member(8, 2), member(7, 3)], '未分网格')
    expect(sheets.map((s) => [s.name, s.members.map((m) => m.user_id)])).toEqual([
      ['第一网格', [8]],
      ['第二网格', [9, 7]],
    ])
    expect(sheetsOf([grid(2, '第一网格')], [], '未分网格')[0].members).toEqual([])
  })

  it('members with no grid (or a grid not listed) get a page of their own', () => {
    const sheets = sheetsOf([grid(2, '第一网格')], [member(9, null), member(8, 99)], '未分网格')
    expect(sheets.map((s) => s.name)).toEqual(['第一网格', '未分网格'])
    expect(sheets[1].members.map((m) => m.user_id)).toEqual([9, 8])
  })
})
