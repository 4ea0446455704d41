import { describe, expect, it } from 'vitest'
import { bulkBody } from '../../src/screens/workbench/bulk'

describe('bulk dispatch bodies', () => {
  it('names the member, or opens the pool of a grid or of the whole community', () => {
    expect(bulkBody({ kind: 'member', memberId: 7, gridId: 3 })).toEqual({ assignee_id: 7, pool: false })
    expect(bulkBody({ kind: 'pool', memberId: 7, gridId: 3 })).toEqual({ pool: true, grid_id: 3 })
    expect(bulkBody({ kind: 'pool', memberId: null, gridId: null })).toEqual({ pool: true })
  })
})
