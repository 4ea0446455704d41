// The 共驻共建 screens' own logic, pure and tested (tests/unit/joint.test.ts): what each project action asks before
// POST /api/v1/joint/projects/{id}/{action}, the tab in the URL, and the status chart. Which buttons exist is the
// API's `allowed_actions`, never decided here.
import type { Org, Person, ProjectAction, ProjectStatus, Unit, UnitKind } from '../../api/types'
import { under } from '../../shared/orgs'
import { t } from './text'

export type Tab = 'needs' | 'resources' | 'projects' | 'units' | 'figures'
const TABS: Tab[] = ['needs', 'resources', 'projects', 'units', 'figures']

export function tabOf(value: unknown, admin: boolean): Tab {
  const tab = TABS.find((x) => x === value) ?? 'projects'
  return tab === 'units' && !admin ? 'projects' : tab
}

export interface ActInput {
  note: string
  reason: string
  score: number
  comment: string
}

type Need = 'note' | 'optional_note' | 'reason' | 'score' | 'none'
const NEEDS: Record<ProjectAction, Need> = {
  confirm: 'none',
  start: 'none',
  progress: 'note',
  complete: 'optional_note',
  drop: 'reason',
  rate: 'score',
}

export function needOf(action: ProjectAction): Need {
  return NEEDS[action]
}

/** The body of POST .../{action}; a progress entry carries the photos uploaded for it (`photoIds`), if any. */
export function bodyFor(action: ProjectAction, input: ActInput, photoIds: number[] = []): Record<string, unknown> | undefined {
  const need = NEEDS[action]
  const note = input.note.trim()
  if (need === 'note') return photoIds.length ? { note, photo_ids: photoIds } : { note }
  if (need === 'optional_note') return note ? { note } : undefined
  if (need === 'reason') return { reason: input.reason.trim() }
  if (need === 'score') return input.comment.trim() ? { score: input.score, comment: input.comment.trim() } : { score: input.score }
  return undefined
}

export function missingInput(action: ProjectAction, input: ActInput): boolean {
  const need = NEEDS[action]
  if (need === 'note') return !input.note.trim()
  if (need === 'reason') return !input.reason.trim()
  if (need === 'score') return !(input.score >= 1 && input.score <= 5)
  return false
}

export const STATUS_ORDER: ProjectStatus[] = ['proposed', 'agreed', 'in_progress', 'done', 'dropped']
const STATUS_COLORS = ['#e6a23c', '#3a7bd5', '#c8161d', '#2e9f6b', '#909399']

/** The projects by status as one bar per status, in the machine's order; null when there is nothing to draw. */
export function statusChart(byStatus: Partial<Record<ProjectStatus, number>>, subtitle: string) {
  const values = STATUS_ORDER.map((s) => byStatus[s] ?? 0)
  if (!values.some((v) => v > 0)) return null
  return {
    title: { text: t.figures.chartTitle, subtext: subtitle, left: 'center', top: 4, textStyle: { fontSize: 15 } },
    tooltip: { trigger: 'axis' as const },
    grid: { left: 56, right: 24, top: 72, bottom: 36 },
    xAxis: { type: 'category' as const, data: STATUS_ORDER.map((s) => t.status[s]), axisLabel: { fontSize: 13 } },
    yAxis: { type: 'value' as const, name: t.figures.axis, minInterval: 1 },
    series: [
      {
        type: 'bar' as const,
        barMaxWidth: 48,
        data: values.map((value, i) => ({ value, itemStyle: { color: STATUS_COLORS[i] } })),
        label: { show: true, position: 'top' as const },
      },
    ],
  }
}

/** The window's days for a preset, ending today (the API reads them as local days). */
export function windowOf(preset: 'd30' | 'm6' | 'year', today: Date): { since: string; until: string } {
  const pad = (n: number) => String(n).padStart(2, '0')
  const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  const since = new Date(today)
  if (preset === 'd30') since.setDate(since.getDate() - 29)
  if (preset === 'm6') since.setMonth(since.getMonth() - 6)
  if (preset === 'year') since.setMonth(0, 1)
  return { since: ymd(since), until: ymd(today) }
}

// 驻区单位: what the unit forms send. Who may do it is the API's to say (`can_manage` only narrows the choices).

/** The streets and communities the caller runs, where a unit may be based. */
export function baseChoices(orgs: Org[]): Org[] {
  return orgs.filter((o) => o.can_manage && (o.level === 'street' || o.level === 'community'))
}

/** The councils a unit may sit on: its own street or community, the street above it, or (based in a street) its
 * communities; among them, those the caller runs. */
export function councilChoices(orgs: Org[], unit: Unit): Org[] {
  const above: number[] = []
  for (let o = orgs.find((x) => x.id === unit.org_id); o; o = orgs.find((x) => x.id === o?.parent_id)) above.push(o.id)
  const related = new Set([...above, ...under(orgs, unit.org_id).map((o) => o.id)])
  const seated = new Set((unit.council_seats ?? []).map((s) => s.council_org_id))
  return baseChoices(orgs).filter((o) => related.has(o.id) && !seated.has(o.id))
}

/** "李卫东、张敏" (or with commas, semicolons, spaces) as the list of names the API takes. */
export function committeeOf(text: string): string[] {
  return text
    .split(/[、,，;；\s]+/)
    .map((x) => x.trim())
    .filter(Boolean)
}

/** The PATCH of a unit: only what changed; null when nothing did. */
export function unitPatch(unit: Unit, name: string, kind: UnitKind): { name?: string; kind?: UnitKind } | null {
  const patch: { name?: string; kind?: UnitKind } = {}
  if (name.trim() && name.trim() !== unit.name) patch.name = name.trim()
  if (kind !== unit.kind) patch.kind = kind
  return Object.keys(patch).length ? patch : null
}

/** "刘海涛（万佛楼社区，138****2001）": the name first, then what tells two people of that name apart. */
export function personText(p: Person): string {
  const name = p.real_name || p.nickname
  const details = [p.real_name && p.real_name !== p.nickname ? p.nickname : null, p.community_name, p.phone_masked]
  const shown = details.filter((d): d is string => Boolean(d))
  return shown.length ? `${name}（${shown.join('，')}）` : name
}
