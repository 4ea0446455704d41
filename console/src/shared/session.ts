// Who the console is signed in as. The session itself is an HttpOnly cookie this script cannot read; what it keeps
// is the user and the CSRF token from the API's answers (GET /api/v1/console/session after a reload).
import { reactive } from 'vue'
import { call, get, setCsrfToken } from '../api/client'
import type { SessionOut, User } from '../api/types'

export const session = reactive<{ user: User | null; checked: boolean }>({ user: null, checked: false })

export function signedIn(answer: SessionOut): void {
  session.user = answer.user ?? null
  setCsrfToken(answer.csrf_token ?? null)
}

export async function restore(): Promise<boolean> {
  if (!session.checked) {
    session.checked = true
    const answer = await get<SessionOut>('/api/v1/console/session')
    if (answer.status === 'signed_in') signedIn(answer)
  }
  return session.user !== null
}

export async function signOut(): Promise<void> {
  try {
    await call('DELETE', '/api/v1/console/session')
  } finally {
    session.user = null
    setCsrfToken(null)
  }
}

// Secretaries are appointed over a community (an admin may be over any level of the tree).
export function secretaryCommunity(user: User | null): number | null {
  return user?.roles.find((r) => r.role === 'secretary')?.org_id ?? null
}
