import { describe, expect, it } from 'vitest'
import { bodyFor, buttonsFor, missingInput } from '../../src/screens/wish/actions'

describe('wish action buttons', () => {
  it('offers only what allowed_actions gives, and only staff actions', () => {
    expect(buttonsFor(['dispatch', 'reject', 'cancel'])).toEqual(['dispatch', 'reject'])
    expect(buttonsFor(['recall'])).toEqual(['recall'])
    expect(buttonsFor([])).toEqual([])
  })

  it('builds each body the API expects', () => {
    expect(bodyFor('dispatch', { memberId: 9 })).toEqual({ assignee_id: 9 })
    expect(bodyFor('reject', { reason: '  重复提交 ' })).toEqual({ reason: '重复提交' })
    expect(bodyFor('recall', {})).toBeUndefined()
  })

  it('holds the call back until the needed input is there', () => {
    expect(missingInput('dispatch', { memberId: null })).toBe(true)
    expect(missingInput('reject', { reason: '   ' })).toBe(true)
    expect(missingInput('reject', { reason: '不属实' })).toBe(false)
    expect(missingInput('recall', {})).toBe(false)
  })
})
