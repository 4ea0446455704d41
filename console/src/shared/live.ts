// Live updates: GET /api/v1/console/events (server-sent events; the session cookie goes with it). A `wish` event
// says a wish the caller may see was ordered or changed; `resync` (null here) that changes may have been missed.
// The screen decides what to reload. EventSource reconnects by itself after a dropped connection or the end of a
// stream; a refusal (401, 503 when the server is full) closes it, and it is opened again after a pause.
import { onBeforeUnmount, onMounted } from 'vue'

export interface WishChange {
  id: number
  community_id: number
  status: string
}

const RETRY_AFTER_REFUSAL_MS = 30_000

export function useWishEvents(onChange: (change: WishChange | null) => void): void {
  let source: EventSource | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  function open(): void {
    source = new EventSource('/api/v1/console/events')
    source.addEventListener('wish', (m) => onChange(JSON.parse((m as MessageEvent<string>).data) as WishChange))
    source.addEventListener('resync', () => onChange(null))
    source.addEventListener('error', () => {
      if (source?.readyState !== EventSource.CLOSED) return
      timer = setTimeout(() => {
        onChange(null) // whatever happened meanwhile was not heard
        open()
      }, RETRY_AFTER_REFUSAL_MS)
    })
  }

  onMounted(open)
  onBeforeUnmount(() => {
    clearTimeout(timer)
    source?.close()
  })
}
