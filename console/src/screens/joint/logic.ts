// The 共驻共建 screens' own logic, pure and tested (tests/unit/joint.test.ts): what each project action asks before
// POST /api/v1/joint/projects/{id}/{action}, the tab in the URL, and the status chart. Which buttons exist is the
// API's `allowed_actions`, never decided here.
import type { ProjectAction, ProjectStatus } from '../../api/types'
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
