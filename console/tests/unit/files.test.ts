import { describe, expect, it } from 'vitest'
import type { Org, Photo, Unit } from '../../src/api/types'
import { baseChoices, bodyFor, committeeOf, councilChoices, personText, unitPatch } from '../../src/screens/joint/logic'
import { scoreBody } from '../../src/screens/stars/logic'
import { groupBy, room, sameOrigin, sizeText, without } from '../../src/shared/files'

const photo = (id: number, fields: Partial<Photo>): Photo =>
  ({ id, wish_id: null, joint_event_id: null, star_score_id: null, status: 'passed', ...fields }) as Photo

describe('files beside a record', () => {
  it('reads signed URLs from the console origin, keeping the signature', () => {
    expect(sameOrigin('http://10.0.0.5:8000/media/photos/7/thumb?exp=9&sig=ab')).toBe('/media/photos/7/thumb?exp=9&sig=ab')
    expect(sameOrigin('/media/documents/3?exp=1&sig=x')).toBe('/media/documents/3?exp=1&sig=x')
  })

  it('groups photos by the progress entry they show, leaving out the others', () => {
    const grouped = groupBy([photo(1, { joint_event_id: 5 }), photo(2, { joint_event_id: 6 }), photo(3, { joint_event_id: 5 }), photo(4, {})], 'joint_event_id')
    expect(Object.fromEntries(Object.entries(grouped).map(([k, v]) => [k, v.map((p) => p.id)]))).toEqual({ 5: [1, 3], 6: [2] })
  })

  it('sizes, removal and the nine-file limit', () => {
    expect(sizeText(900)).toBe('900 B')
    expect(sizeText(36 * 1024)).toBe('36 KB')
    expect(sizeText(1.25 * 1024 * 1024)).toBe('1.3 MB')
    expect(without([{ id: 1 }, { id: 2 }], 1)).toEqual([{ id: 2 }])
    expect(room(7)).toBe(2)
    expect(room(12)).toBe(0)
  })

  it('a progress entry carries its photos; other actions never do', () => {
    const input = { note: ' 开班 ', reason: '', score: 5, comment: '' }
    expect(bodyFor('progress', input, [4, 9])).toEqual({ note: '开班', photo_ids: [4, 9] })
    expect(bodyFor('progress', input, [])).toEqual({ note: '开班' })
    expect(bodyFor('complete', input, [4])).toEqual({ note: '开班' })
  })

  it('a self-score sets the exact lists of files, or leaves them be when they were never loaded', () => {
    const files = { photos: [{ id: 3 }], documents: [{ id: 8 }, { id: 9 }] }
    expect(scoreBody(18, ' 三会一课 ', files)).toEqual({ points: 18, evidence: '三会一课', photo_ids: [3], document_ids: [8, 9] })
    expect(scoreBody(18, '全部移除', { photos: [], documents: [] })).toEqual({ points: 18, evidence: '全部移除', photo_ids: [], document_ids: [] })
    expect(scoreBody(18, '文字')).toEqual({ points: 18, evidence: '文字' })
  })
})

describe('驻区单位 forms', () => {
  const org = (id: number, parent_id: number | null, level: string, can_manage = true) => ({ id, name: `o${id}`, level, parent_id, can_manage }) as Org
  const orgs = [org(1, null, 'district'), org(2, 1, 'street'), org(3, 2, 'community'), org(4, 3, 'grid'), org(5, 1, 'street'), org(6, 5, 'community', false)]
  const unit = (org_id: number, seats: number[] = []) =>
    ({ id: 1, name: '区医院', kind: 'hospital', org_id, contact_ids: [], contacts: [], council_seats: seats.map((c) => ({ council_org_id: c, committee_members: [], joined_at: '' })) }) as unknown as Unit

  it('bases a unit in a street or community the caller runs', () => {
    expect(baseChoices(orgs).map((o) => o.id)).toEqual([2, 3, 5])
  })

  it('seats a unit on its own, the street above or its communities, not twice', () => {
    expect(councilChoices(orgs, unit(3)).map((o) => o.id)).toEqual([2, 3])
    expect(councilChoices(orgs, unit(2, [2])).map((o) => o.id)).toEqual([3])
    expect(councilChoices(orgs, unit(6)).map((o) => o.id)).toEqual([5])
  })

  it('reads 兼职委员 separated as people write them', () => {
    expect(committeeOf(' 李卫东、张敏,王芳，赵强；钱进  孙立 ')).toEqual(['李卫东', '张敏', '王芳', '赵强', '钱进', '孙立'])
    expect(committeeOf('  ')).toEqual([])
  })

  it('patches only what changed', () => {
    expect(unitPatch(unit(3), ' 区医院 ', 'hospital')).toBeNull()
    expect(unitPatch(unit(3), '榆阳区人民医院', 'hospital')).toEqual({ name: '榆阳区人民医院' })
    expect(unitPatch(unit(3), '区医院', 'government')).toEqual({ kind: 'government' })
  })

  it('names a person so that two of one name are told apart', () => {
    const p = { user_id: 1, nickname: '海涛', real_name: '刘海涛', phone_masked: '138****2001', community_id: 3, community_name: '万佛楼社区' }
    expect(personText(p)).toBe('刘海涛（海涛，万佛楼社区，138****2001）')
    expect(personText({ ...p, real_name: null, community_name: null, phone_masked: null })).toBe('海涛')
  })
})
