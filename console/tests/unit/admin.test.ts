import { describe, expect, it } from 'vitest'
import { catalogRow, formProblem, personLabel } from '../../src/screens/admin/labels'
import { buildTree, CHILD_LEVEL, pathTo, startingPoint } from '../../src/screens/admin/tree'
import type { Category, Org, Person } from '../../src/screens/admin/types'

const org = (id: number, name: string, level: Org['level'], parent_id: number | null, can_manage = false): Org => ({
  id,
  name,
  level,
  parent_id,
  can_manage,
})

// As GET /api/v1/orgs gives them: flat, in id order, each naming its parent.
const ORGS: Org[] = [
  org(1, '榆阳区', 'district', null),
  org(2, '驼峰路街道', 'street', 1),
  org(3, '新明楼街道', 'street', 1),
  org(4, '金阳社区', 'community', 2, true),
  org(5, '第一网格', 'grid', 4, true),
  org(6, '第二网格', 'grid', 4, true),
  org(7, '万佛楼社区', 'community', 3),
  org(8, '第一网格', 'grid', 7),
]

describe('the org tree from the flat list', () => {
  it('nests each org under its parent, in the order they were added', () => {
    const [district, ...others] = buildTree([...ORGS].reverse())
    expect(others).toEqual([])
    expect(district.label).toBe('榆阳区')
    expect(district.children.map((s) => s.label)).toEqual(['驼峰路街道', '新明楼街道'])
    const jinyang = district.children[0].children[0]
    expect(jinyang).toMatchObject({ id: 4, level: 'community', canManage: true, appointed: true })
    expect(jinyang.children.map((g) => g.id)).toEqual([5, 6])
    // Its grids are managed through the community's appointment, not appointments of their own.
    expect(jinyang.children.map((g) => [g.canManage, g.appointed])).toEqual([
      [true, false],
      [true, false],
    ])
    expect(district.appointed).toBe(false)
    expect(district.children[1].children[0].children.map((g) => g.id)).toEqual([8]) // same name, other community
  })

  it('makes an org whose parent is not in the list a root, and survives a loop', () => {
    const roots = buildTree([org(9, '孤儿网格', 'grid', 99), org(10, 'a', 'street', 11), org(11, 'b', 'street', 10)])
    expect(roots.map((r) => r.id)).toContain(9)
    expect(pathTo([org(10, 'a', 'street', 11), org(11, 'b', 'street', 10)], 10).map((o) => o.id)).toEqual([11, 10])
  })

  it('gives the chain from the root for the breadcrumb', () => {
    expect(pathTo(ORGS, 5).map((o) => o.name)).toEqual(['榆阳区', '驼峰路街道', '金阳社区', '第一网格'])
    expect(pathTo(ORGS, 42)).toEqual([])
  })

  it('opens at the highest org the caller manages, with the tree expanded down to it', () => {
    expect(startingPoint(ORGS)).toEqual({ selected: 4, expanded: [1, 2, 4] })
    const district = ORGS.map((o) => ({ ...o, can_manage: true }))
    expect(startingPoint(district)).toEqual({ selected: 1, expanded: [1] })
    expect(startingPoint(ORGS.map((o) => ({ ...o, can_manage: false })))).toEqual({ selected: 1, expanded: [1] })
    expect(startingPoint([])).toEqual({ selected: null, expanded: [] })
  })

  it('knows what each level may hold', () => {
    expect(CHILD_LEVEL.district).toBe('street')
    expect(CHILD_LEVEL.community).toBe('grid')
    expect(CHILD_LEVEL.grid).toBeUndefined()
  })
})

describe('labels', () => {
  const person = (p: Partial<Person>): Person => ({
    user_id: 1,
    nickname: '小李',
    real_name: null,
    phone_masked: null,
    community_id: null,
    community_name: null,
    ...p,
  })

  it('names a person by member name, then what tells them apart', () => {
    expect(personLabel(person({ real_name: '李红梅', community_name: '金阳社区', phone_masked: '*******1002' }))).toBe(
      '李红梅（小李，金阳社区，*******1002）',
    )
    expect(personLabel(person({ nickname: '李红梅', real_name: '李红梅', community_name: '金阳社区' }))).toBe(
      '李红梅（金阳社区）',
    )
    expect(personLabel(person({}))).toBe('小李')
  })

  it("keeps inherited catalog entries read-only even where the caller could edit them at their owner", () => {
    const entry = (org_id: number, can_edit: boolean): Category => ({
      id: 1,
      code: 'x',
      name: 'x',
      description: '',
      time_limit_hours: 24,
      active: true,
      org_id,
      can_edit,
    })
    const jinyang = ORGS[3]
    expect(catalogRow(entry(4, true), jinyang, ORGS)).toEqual({ own: true, editable: true, owner: '金阳社区' })
    expect(catalogRow(entry(1, true), jinyang, ORGS)).toEqual({ own: false, editable: false, owner: '榆阳区' })
    expect(catalogRow(entry(4, false), jinyang, ORGS).editable).toBe(false) // the API said no
  })

  it('says what is wrong with a new entry before asking', () => {
    expect(formProblem('haircut_1', '义剪')).toBe('')
    expect(formProblem('Hair Cut', '义剪')).toMatch(/^编码/)
    expect(formProblem('', '义剪')).toMatch(/^编码/)
    expect(formProblem(null, '')).toBe('请填写服务名称')
    expect(formProblem(null, '义剪')).toBe('')
  })
})
