// The queue's filters live in the URL (?status=ordered&overdue=1&category=2&grid=5&q=水管), so a reload, the back
// button or a pasted link shows the same queue. This file turns one into the other and into the API's query.
export interface QueueFilters {
  status: string
  overdue: boolean
  category: number | null
  grid: number | null
  words: string
}

export const EMPTY: QueueFilters = { status: '', overdue: false, category: null, grid: null, words: '' }
// The API's bound on `q` (app/wishes/words.py): a longer search is cut, not sent to be refused.
export const WORDS_MAX = 40
const STATUSES = new Set(['ordered', 'dispatched', 'accepted', 'done', 'rejected', 'cancelled'])

type RouteQuery = Record<string, string | null | (string | null)[] | undefined>

function one(value: RouteQuery[string]): string {
  const v = Array.isArray(value) ? value[0] : value
  return v ?? ''
}

function id(value: RouteQuery[string]): number | null {
  const n = Number(one(value))
  return Number.isInteger(n) && n > 0 ? n : null
}

export function words(value: string): string {
  return value.trim().replace(/\s+/g, ' ').slice(0, WORDS_MAX).trim()
}

export function fromQuery(query: RouteQuery): QueueFilters {
  const status = one(query.status)
  return {
    status: STATUSES.has(status) ? status : '',
    overdue: one(query.overdue) === '1',
    category: id(query.category),
    grid: id(query.grid),
    words: words(one(query.q)),
  }
}

export function toQuery(f: QueueFilters): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.status) q.status = f.status
  if (f.overdue) q.overdue = '1'
  if (f.category) q.category = String(f.category)
  if (f.grid) q.grid = String(f.grid)
  if (f.words) q.q = f.words
  return q
}

export function apiPath(f: QueueFilters, cursor: string | null = null, limit = 20): string {
  const p = new URLSearchParams({ scope: 'community', limit: String(limit) })
  if (f.status) p.set('status', f.status)
  if (f.overdue) p.set('overdue', 'true')
  if (f.category) p.set('category_id', String(f.category))
  if (f.grid) p.set('grid_id', String(f.grid))
  if (f.words) p.set('q', f.words)
  if (cursor) p.set('cursor', cursor)
  return `/api/v1/wishes?${p.toString()}`
}
