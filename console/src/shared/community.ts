// The community a secretary's screen is about: `?community=<id>` in the URL, else the caller's own (a secretary is
// over one community). An admin over a street or the district picks one (CommunityPicker.vue).
import { computed, type ComputedRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { secretaryCommunity, session } from './session'

export function useCommunity(): {
  community: ComputedRef<number | null>
  picks: ComputedRef<boolean>
  choose: (id: number) => void
} {
  const route = useRoute()
  const router = useRouter()
  const community = computed(() => {
    const asked = Number(route.query.community)
    return Number.isInteger(asked) && asked > 0 ? asked : secretaryCommunity(session.user)
  })
  const choose = (id: number): void => void router.replace({ query: { ...route.query, community: String(id) } })
  // A secretary's own community is the page; staff with no secretary role choose one.
  const picks = computed(() => secretaryCommunity(session.user) === null)
  return { community, picks, choose }
}
