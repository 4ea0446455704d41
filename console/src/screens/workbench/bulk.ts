// What a bulk dispatch sends for each wish: to one member, or opened to a grid's pool (grid 0 or none: the
// whole community's).
import type { DispatchIn } from '../../api/types'

export interface BulkTarget {
  kind: 'member' | 'pool'
  memberId: number | null
  gridId: number | null
}

export function bulkBody(target: BulkTarget): DispatchIn {
  if (target.kind === 'member') return { assignee_id: target.memberId, pool: false }
  return target.gridId ? { pool: true, grid_id: target.gridId } : { pool: true }
}
