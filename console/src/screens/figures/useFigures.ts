// The figures screens' shared state: the URL's org and window, the org to show when the URL names none (the
// highest one the user supervises), and moving between levels (push: the back button goes up again).
import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { User } from '../../api/types'
import { session } from '../../shared/session'
import { fromQuery, toQuery, type FigState } from './state'

/** An admin's org first (a street or the district), else the secretary's community. */
export function topOrg(user: User | null): number | null {
  const roles = user?.roles ?? []
  return (roles.find((r) => r.role === 'admin') ?? roles.find((r) => r.role === 'secretary'))?.org_id ?? null
}

export function useFigures() {
  const route = useRoute()
  const router = useRouter()
  const state = computed(() => fromQuery(route.query, new Date()))
  const org = computed(() => state.value.org ?? topOrg(session.user))

  function go(patch: Partial<FigState>, how: 'push' | 'replace' = 'replace', path = route.path): void {
    void router[how]({ path, query: toQuery({ ...state.value, ...patch }) })
  }
  return { state, org, go }
}
