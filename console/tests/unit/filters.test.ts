import { describe, expect, it } from 'vitest'
import { apiPath, EMPTY, fromQuery, toQuery } from '../../src/screens/workbench/filters'

describe('queue filters in the URL', () => {
  it('round-trips through the query string', () => {
    const f = { status: 'ordered', overdue: true, category: 3, grid: 7, words: '水管 厨房' }
    expect(fromQuery(toQuery(f))).toEqual(f)
    expect(toQuery(EMPTY)).toEqual({})
  })

  it('ignores what it does not know instead of sending it to the API', () => {
    expect(fromQuery({ status: 'lost', grid: '-1', category: 'x', overdue: 'yes' })).toEqual(EMPTY)
    expect(fromQuery({ status: ['done', 'ordered'] }).status).toBe('done')
  })

  it('asks the API for the community queue with the same filters', () => {
    const path = apiPath({ status: 'dispatched', overdue: true, category: null, grid: 5, words: '水管' }, 'abc')
    const q = new URL(path, 'http://x').searchParams
    expect(q.get('scope')).toBe('community')
    expect(q.get('status')).toBe('dispatched')
    expect(q.get('overdue')).toBe('true')
    expect(q.get('grid_id')).toBe('5')
    expect(q.get('category_id')).toBeNull()
    expect(q.get('cursor')).toBe('abc')
    expect(q.get('q')).toBe('水管')
  })

  it('keeps the words tidy and within the API\'s bound', () => {
    expect(fromQuery({ q: '  水管   厨房 ' }).words).toBe('水管 厨房')
    expect(fromQuery({ q: '水'.repeat(50) }).words).toHaveLength(40)
    expect(fromQuery({ q: '   ' }).words).toBe('')
    expect(toQuery({ ...EMPTY, words: '' })).toEqual({})
  })
})
