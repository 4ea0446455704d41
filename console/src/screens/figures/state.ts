// What the figures screens show lives in the URL (#/figures?org=4&since=2026-07-01&until=2026-12-07&by=month), so a
// reload, the back button or a link sent to a colleague shows the same figures at the same level.
export type By = 'child' | 'month' | 'category'
export type Preset = 'month' | '3m' | '6m' | 'year'

export interface FigState {
  org: number | null // null: the highest org the user supervises
  since: string // YYYY-MM-DD, local days (the API reads them in Asia/Shanghai)
  until: string
  by: By
}

type RouteQuery = Record<string, string | null | (string | null)[] | undefined>
const BYS = new Set<By>(['child', 'month', 'category'])
const DAY = /^\d{4}-\d{2}-\d{2}$/

function one(value: RouteQuery[string]): string {
  const v = Array.isArray(value) ? value[0] : value
  return v ?? ''
}

export function ymd(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The window a preset means, ending today: this month, or the last 3 or 6 months (whole months), or this year. */
export function presetWindow(preset: Preset, today: Date): { since: string; until: string } {
  const y = today.getFullYear()
  const m = today.getMonth()
  const back = { month: 0, '3m': 2, '6m': 5, year: m }[preset]
  return { since: ymd(new Date(y, m - back, 1)), until: ymd(today) }
}

/** The preset a window is, if it is one (to light the right button). */
export function presetOf(state: FigState, today: Date): Preset | null {
  const presets: Preset[] = ['month', '3m', '6m', 'year']
  return presets.find((p) => {
    const w = presetWindow(p, today)
    return w.since === state.since && w.until === state.until
  }) ?? null
}

export function fromQuery(query: RouteQuery, today: Date): FigState {
  const org = Number(one(query.org))
  const by = one(query.by) as By
  let since = one(query.since)
  let until = one(query.until)
  if (!DAY.test(since) || !DAY.test(until) || since > until) ({ since, until } = presetWindow('6m', today))
  return { org: Number.isInteger(org) && org > 0 ? org : null, since, until, by: BYS.has(by) ? by : 'child' }
}

export function toQuery(s: FigState): Record<string, string> {
  const q: Record<string, string> = { since: s.since, until: s.until }
  if (s.org) q.org = String(s.org)
  if (s.by !== 'child') q.by = s.by
  return q
}

/** The API's query for this state: the figures' window and org (`org` must be known by then). */
export function apiQuery(s: FigState, org: number, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ org_id: String(org), since: s.since, until: s.until, ...extra }).toString()
}

/** One level down: a row of the child breakdown (its key is the child org's id; null is 未分网格, no org). */
export function drillTo(s: FigState, key: number | string | null | undefined): FigState | null {
  return typeof key === 'number' ? { ...s, org: key, by: 'child' } : null
}
