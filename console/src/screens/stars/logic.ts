// The 评星定级 screens' own logic, pure and tested (tests/unit/stars.test.ts): each step's body, a year's indicator
// form turned into POST /api/v1/stars/sets, and every event told in one Chinese line. Which steps exist is the API's
// `allowed_actions`; what is valid is the API's to say (its refusals are shown as they come).
import type { AssessmentAction, AssessmentEvent, IndicatorIn, Measure, StarSetIn } from '../../api/types'
import { t } from './text'

export interface StepInput {
  stars: number | null
  reason: string
}

type Need = { stars: boolean; reason: boolean }
const NEEDS: Partial<Record<AssessmentAction, Need>> = {
  send_back: { stars: false, reason: true },
  approve: { stars: true, reason: false },
  correct: { stars: true, reason: true },
}

export function needOf(action: AssessmentAction): Need {
  return NEEDS[action] ?? { stars: false, reason: false }
}

export function stepBody(action: AssessmentAction, input: StepInput): Record<string, unknown> | undefined {
  const need = needOf(action)
  if (!need.stars && !need.reason) return undefined
  const body: Record<string, unknown> = {}
  if (need.stars) body.stars = input.stars
  if (need.reason) body.reason = input.reason.trim()
  return body
}

export function missingStep(action: AssessmentAction, input: StepInput): boolean {
  const need = needOf(action)
  return (need.stars && !input.stars) || (need.reason && !input.reason.trim())
}

export function starsText(n: number | null | undefined): string {
  return n ? '★'.repeat(n) + '☆'.repeat(5 - n) : '—'
}

export const RATE_MEASURES: Measure[] = ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate']
export const COUNT_MEASURES: Measure[] = ['members', 'projects_done', 'activities_held']

/** A measured value as a person reads it: a rate in per cent, a count as a number; nothing measured is "—". */
export function measuredText(measure: Measure | null, value: number | null): string {
  if (measure === null || value === null) return '—'
  return RATE_MEASURES.includes(measure) ? `${Math.round(value * 1000) / 10}%` : String(value)
}

export interface ItemRow {
  name: string
  max_points: number
  kind: 'people' | Measure
  target: number | null
}

export interface SetForm {
  year: number
  quotas: Record<string, number | null>
  items: ItemRow[]
}

export function setBody(districtId: number, form: SetForm): StarSetIn {
  const quotas: Record<string, number> = {}
  for (const [stars, pct] of Object.entries(form.quotas)) if (pct !== null && pct !== undefined) quotas[stars] = pct
  const indicators: IndicatorIn[] = form.items.map((i) => {
    const item: IndicatorIn = { name: i.name.trim(), max_points: i.max_points }
    if (i.kind !== 'people') item.measure = i.kind
    if (i.kind !== 'people' && COUNT_MEASURES.includes(i.kind)) item.target = i.target
    return item
  })
  return { district_id: districtId, year: form.year, quotas, indicators }
}

export function formTotal(form: SetForm): number {
  return form.items.reduce((sum, i) => sum + (i.max_points || 0), 0)
}

/** One line per event: "自评「班子建设」18 分", "审核「阵地建设」改为 12 分：理由", "审定星级 4 星", "更正星级 3 星：理由". */
export function describe(e: AssessmentEvent, items: Record<number, string>): string {
  const label = t.actions[e.action] ?? e.action
  const item = e.indicator_id !== null ? `「${items[e.indicator_id] ?? e.indicator_id}」` : ''
  const points = e.points !== null ? ` ${e.points} 分` : ''
  const stars = e.stars !== null ? ` ${e.stars} 星` : ''
  const note = e.note ? `：${e.note}` : ''
  return `${label}${item}${points}${stars}${note}`
}

/** The quotas as the district reads them: "5星不超过 10%（最多 0 个）", the most a level may have among `communities`. */
export function quotaLine(quotas: Record<string, number>, communities: number | null): string {
  const levels = Object.entries(quotas).sort((a, b) => Number(b[0]) - Number(a[0]))
  if (!levels.length) return t.noQuota
  return levels
    .map(([stars, pct]) => {
      const most = communities === null ? '' : `（最多 ${Math.floor((pct * communities) / 100)} 个）`
      return `${t.quotaOf(stars, pct)}${most}`
    })
    .join('；')
}

export interface Evidence {
  photos: { id: number }[]
  documents: { id: number }[]
}

/** The self-score's PUT: points, the words, and the item's files exactly as listed (the PUT sets them: one left out
 * is removed); without `files` (not loaded yet) the files stay as they are. */
export function scoreBody(points: number | undefined, text: string, files?: Evidence): Record<string, unknown> {
  const body: Record<string, unknown> = { points, evidence: text.trim() }
  if (files) {
    body.photo_ids = files.photos.map((p) => p.id)
    body.document_ids = files.documents.map((d) => d.id)
  }
  return body
}
