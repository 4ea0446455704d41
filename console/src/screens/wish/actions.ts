// What each button asks before it calls POST /api/v1/wishes/{id}/{action}. Which buttons exist is the API's
// `allowed_actions`, never decided here; this only knows each action's body (the OpenAPI's *In schemas).
import type { Action } from '../../api/types'

export type Need = 'member' | 'reason' | 'optional_reason' | 'none'

const NEEDS: Partial<Record<Action, Need>> = {
  dispatch: 'member',
  reject: 'reason',
  decline: 'reason',
  reopen: 'reason',
  cancel: 'optional_reason',
  recall: 'none',
  accept: 'none',
}

// Actions that are the resident's or the member's own (rate, complete) are not offered in the console even if
// a staff member also happens to be that party.
export const STAFF_ACTIONS: Action[] = ['dispatch', 'recall', 'reject']

export function needOf(action: Action): Need {
  return NEEDS[action] ?? 'none'
}

export function buttonsFor(allowed: Action[]): Action[] {
  return allowed.filter((a) => STAFF_ACTIONS.includes(a))
}

export function bodyFor(action: Action, input: { memberId?: number | null; reason?: string }): unknown {
  const need = needOf(action)
  if (need === 'member') return { assignee_id: input.memberId }
  if (need === 'reason') return { reason: (input.reason ?? '').trim() }
  if (need === 'optional_reason') return input.reason?.trim() ? { reason: input.reason.trim() } : {}
  return undefined
}

export function missingInput(action: Action, input: { memberId?: number | null; reason?: string }): boolean {
  const need = needOf(action)
  if (need === 'member') return !input.memberId
  if (need === 'reason') return !(input.reason ?? '').trim()
  return false
}
