// The grid map's pages: one per grid of the community, in the tree's order, and one for members with no grid.
import type { Member, Org } from '../../api/types'

export interface Sheet {
  key: string
  name: string
  members: Member[]
}

export function sheetsOf(grids: Org[], members: Member[], noGrid: string): Sheet[] {
  const sheets = grids.map((g) => ({ key: `g${g.id}`, name: g.name, members: members.filter((m) => m.grid_id === g.id) }))
  const known = new Set(grids.map((g) => g.id))
  const loose = members.filter((m) => m.grid_id === null || !known.has(m.grid_id))
  return loose.length ? [...sheets, { key: 'none', name: noGrid, members: loose }] : sheets
}
