import { describe, expect, it } from 'vitest'
import type { RosterRow } from '../../src/api/types'
import { activitiesPath, activityBody, emptyDraft, phaseOf, refreshDelay, tally } from '../../src/screens/activities/logic'

const NOW = new Date('2026-12-07T12:20:00Z')

describe('the activity form', () => {
  it('starts at the next full hour and lasts two', () => {
    const d = emptyDraft(NOW)
    expect(d.starts?.toISOString()).toBe('2026-12-07T13:00:00.000Z')
    expect(d.ends?.toISOString()).toBe('2026-12-07T15:00:00.000Z')
    expect(emptyDraft(new Date('2026-12-07T13:00:00Z')).starts?.toISOString()).toBe('2026-12-07T14:00:00.000Z')
  })

  it('sends seats, or the named positions, and the geofence only when whole', () => {
    const d = { ...emptyDraft(NOW), title: ' 植树 ', address: '北门', seats: 5 }
    const body = activityBody(d, 7)
    expect(body).toMatchObject({ community_id: 7, title: '植树', seats: 5, signup_deadline: null, audience: 'members' })
    expect(body).not.toHaveProperty('positions')
    expect(body).not.toHaveProperty('geofence_m')
    const byPositions = activityBody(
      { ...d, byPositions: true, positions: [{ name: '测血压', seats: 3 }, { name: '', seats: 2 }, { name: '引导', seats: null }] },
      7,
    )
    expect(byPositions).toMatchObject({ positions: [{ name: '测血压', seats: 3 }] })
    expect(byPositions).not.toHaveProperty('seats')
    const fenced = activityBody({ ...d, lat: 38.285, lng: 109.733, radius: 200 }, 7)
    expect(fenced).toMatchObject({ lat: 38.285, lng: 109.733, geofence_m: 200 })
  })

  it('says in Chinese what is missing before asking the API', () => {
    const d = { ...emptyDraft(NOW), title: '植树', address: '北门' }
    expect(activityBody({ ...d, starts: null }, 7)).toBe('请填写开始和结束时间')
    expect(activityBody({ ...d, byPositions: true, positions: [{ name: ' ', seats: 3 }] }, 7)).toBe('请至少填写一个岗位及人数')
    expect(activityBody({ ...d, lat: 38.2, radius: 100 }, 7)).toBe('签到范围须同时填写纬度、经度和半径')
  })
})

describe('the check-in screen', () => {
  const row = (status: RosterRow['status']): RosterRow => ({ status }) as RosterRow

  it('counts those on site, checked out and signed up (withdrawn ones not at all)', () => {
    const rows = ['signed_up', 'checked_in', 'checked_in', 'checked_out', 'withdrawn'].map((s) => row(s as RosterRow['status']))
    expect(tally(rows)).toEqual({ signedUp: 4, present: 2, out: 1 })
    expect(tally([])).toEqual({ signedUp: 0, present: 0, out: 0 })
  })

  it('fetches the next code just after expires_at, within a second and one window whatever the clock', () => {
    const now = Date.parse('2026-12-07T12:20:10Z')
    expect(refreshDelay('2026-12-07T12:20:30Z', 30, now)).toBe(20_300)
    expect(refreshDelay('2026-12-07T12:20:00Z', 30, now)).toBe(1000) // the PC's clock is ahead
    expect(refreshDelay('2026-12-07T12:25:00Z', 30, now)).toBe(30_000) // the PC's clock is behind
  })
})

describe('the list', () => {
  it('asks for the status and community, and pages on', () => {
    expect(activitiesPath('published', 4, null)).toBe('/api/v1/activities?limit=20&status=published&community_id=4')
    expect(activitiesPath('', 4, 'abc')).toBe('/api/v1/activities?limit=20&community_id=4&cursor=abc')
  })

  it('tells upcoming, today, running and ended apart', () => {
    expect(phaseOf('2026-12-07T12:40:00Z', '2026-12-07T15:00:00Z', NOW)).toBe('today')
    expect(phaseOf('2026-12-07T12:00:00Z', '2026-12-07T15:00:00Z', NOW)).toBe('running')
    expect(phaseOf('2026-12-07T10:00:00Z', '2026-12-07T12:00:00Z', NOW)).toBe('ended')
    expect(phaseOf('2026-12-10T12:00:00Z', '2026-12-10T15:00:00Z', NOW)).toBe('upcoming')
  })
})
