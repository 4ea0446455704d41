// Live updates: GET /api/v1/console/events (server-sent events; the session cookie goes with it). Each `wish` event
// says a wish of the caller's communities was ordered or changed; the screen decides what to reload. EventSource
// reconnects by itself after a dropped connection; the screen's unmount closes it.
import { onBeforeUnmount, onMounted } from 'vue'

export interface WishEvent {
  id: number
  community_id: number
  status: string
}

export function useWishEvents(onWish: (event: WishEvent) => void): void {
  let source: EventSource | null = null
  onMounted(() => {
    source = new EventSource('/api/v1/console/events')
    source.addEventListener('wish', (message) => onWish(JSON.parse((message as MessageEvent<string>).data) as WishEvent))
  })
  onBeforeUnmount(() => source?.close())
}
