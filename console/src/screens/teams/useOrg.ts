// The org a volunteering screen is about: `?org=<id>` in the URL, else a secretary's community, else the highest
// org the caller looks over. Street and district staff pick another from the orgs under their roles (of the levels
// the screen takes: teams belong to a community or a street; the figures are for any level).
import { computed, onMounted, ref, type ComputedRef, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { get } from '../../api/client'
import type { Org } from '../../api/types'
import { supervised } from '../../shared/orgs'
import { secretaryCommunity, session } from '../../shared/session'

export function useOrg(levels: string[]): {
  org: ComputedRef<number | null>
  choices: Ref<Org[]>
  choose: (id: number) => void
} {
  const route = useRoute()
  const router = useRouter()
  const choices = ref<Org[]>([])
  const org = computed(() => {
    const asked = Number(route.query.org)
    if (Number.isInteger(asked) && asked > 0) return asked
    return secretaryCommunity(session.user) ?? choices.value[0]?.id ?? null
  })
  const choose = (id: number): void => void router.replace({ query: { ...route.query, org: String(id) } })
  onMounted(async () => {
    try {
      const all = await get<Org[]>('/api/v1/orgs')
      choices.value = supervised(all, session.user).filter((o) => levels.includes(o.level))
    } catch {
      choices.value = [] // the screen shows its own refusal when it loads the org's data
    }
  })
  return { org, choices, choose }
}
