// The activity screens' own logic, apart from Vue so that vitest checks it: the form's body for the API, the
// roster's tally, when the check-in screen fetches its next code, the list's query.
import type { ActivityIn, RosterRow } from '../../api/types'
import { t } from './text'

export interface PositionDraft {
  name: string
  seats: number | null
}

export interface ActivityDraft {
  title: string
  content: string
  address: string
  starts: Date | null
  ends: Date | null
  deadline: Date | null
  audience: 'members' | 'residents'
  grid: number | null
  byPositions: boolean
  seats: number | null
  positions: PositionDraft[]
  lat: number | null
  lng: number | null
  radius: number | null
}

const HOUR = 3_600_000

// A new activity starts at the next full hour and lasts two: the secretary changes what differs.
export function emptyDraft(now: Date): ActivityDraft {
  const starts = new Date(Math.ceil((now.getTime() + 1) / HOUR) * HOUR)
  return {
    title: '',
    content: '',
    address: '',
    starts,
    ends: new Date(starts.getTime() + 2 * HOUR),
    deadline: null,
    audience: 'members',
    grid: null,
    byPositions: false,
    seats: 10,
    positions: [{ name: '', seats: null }],
    lat: null,
    lng: null,
    radius: null,
  }
}

// The body of POST /api/v1/activities, or what the secretary must fill in first. The API checks everything again
// (times in order, seats, a geofence's place) and its 422 is shown field by field; this only catches the empty.
export function activityBody(d: ActivityDraft, community: number): ActivityIn | string {
  if (!d.starts || !d.ends) return t.form.needTimes
  const geo = [d.lat, d.lng, d.radius].filter((v) => v !== null && v !== undefined)
  if (geo.length !== 0 && geo.length !== 3) return t.form.geofenceIncomplete
  const body: ActivityIn = {
    community_id: community,
    grid_id: d.grid,
    title: d.title.trim(),
    content: d.content.trim(),
    address: d.address.trim(),
    starts_at: d.starts.toISOString(),
    ends_at: d.ends.toISOString(),
    signup_deadline: d.deadline ? d.deadline.toISOString() : null,
    audience: d.audience,
  }
  if (d.byPositions) {
    const named = d.positions.filter((p) => p.name.trim() && p.seats)
    if (!named.length) return t.form.needPositions
    body.positions = named.map((p) => ({ name: p.name.trim(), seats: p.seats as number }))
  } else {
    body.seats = d.seats
  }
  if (geo.length === 3) Object.assign(body, { lat: d.lat, lng: d.lng, geofence_m: d.radius })
  return body
}

export interface Tally {
  signedUp: number // live sign-ups (not withdrawn)
  present: number // checked in, not yet out
  out: number // checked out
}

export function tally(rows: RosterRow[]): Tally {
  const live = rows.filter((r) => r.status !== 'withdrawn')
  return {
    signedUp: live.length,
    present: live.filter((r) => r.status === 'checked_in').length,
    out: live.filter((r) => r.status === 'checked_out').length,
  }
}

// When to fetch the next code: at its `expires_at`, a little after (the old code is taken one window more, so a
// late fetch costs nothing), never sooner than a second nor later than one window, whatever the PC's clock says.
export function refreshDelay(expiresAt: string, seconds: number, nowMs: number): number {
  const due = new Date(expiresAt).getTime() - nowMs + 300
  return Math.min(Math.max(due, 1000), seconds * 1000)
}

export type Phase = 'upcoming' | 'today' | 'running' | 'ended'

export function phaseOf(startsAt: string, endsAt: string, now: Date): Phase {
  const starts = new Date(startsAt)
  if (now >= new Date(endsAt)) return 'ended'
  if (now >= starts) return 'running'
  return starts.toDateString() === now.toDateString() ? 'today' : 'upcoming'
}

export function activitiesPath(status: string, community: number | null, cursor: string | null): string {
  const p = new URLSearchParams({ limit: '20' })
  if (status) p.set('status', status)
  if (community) p.set('community_id', String(community))
  if (cursor) p.set('cursor', cursor)
  return `/api/v1/activities?${p.toString()}`
}

export const ACTIVITY_STATUSES = new Set(['published', 'finished', 'cancelled'])
