import { describe, expect, it } from 'vitest'
import { messageOf } from '../../src/shared/messages'

const CHINESE = /[\u4e00-\u9fff]{4}/

describe('messageOf: every refusal in Chinese, never the API’s English detail', () => {
  it('names the field and what is wrong with it, from a 422’s errors[]', () => {
    const errors = [{ loc: ['body', 'title'], msg: 'String should have at most 40 characters' }]
    expect(messageOf('validation_error', 422, 'body.title: String should have at most 40 characters', errors)).toBe(
      '填写的内容有误：标题不能超过 40 个字。',
    )
  })

  it('says each field once, at most three', () => {
    const errors = [
      { loc: ['body', 'reason'], msg: 'Field required' },
      { loc: ['body', 'reason'], msg: 'Field required' },
      { loc: ['query', 'q'], msg: 'String should have at least 1 character' },
      { loc: ['body', 'time_limit_hours'], msg: 'Input should be a valid integer, unable to parse string' },
      { loc: ['body', 'note'], msg: 'control character U+0001 is not allowed in text' },
    ]
    expect(messageOf('validation_error', 422, 'x', errors)).toBe(
      '填写的内容有误：原因必须填写；搜索词至少 1 个字；办结时限应为整数。',
    )
  })

  it('puts the activity form’s and the correction’s own checks into Chinese', () => {
    const order = [{ loc: ['body'], msg: 'Value error, ends_at must be after starts_at, by less than 7 days' }]
    expect(messageOf('validation_error', 422, 'x', order)).toBe('填写的内容有误：结束时间须晚于开始时间，且活动不超过 7 天。')
    const total = [{ loc: ['body', 'minutes'], msg: 'the total would be 135 minutes; it must stay within 0 and 120 (its length)' }]
    expect(messageOf('validation_error', 422, 'x', total)).toBe('填写的内容有误：时长调整后须在 0 到 120 分钟之间（活动时长）。')
    const past = [{ loc: ['body', 'ends_at'], msg: 'an activity must end in the future' }]
    expect(messageOf('validation_error', 422, 'x', past)).toBe('填写的内容有误：结束时间须晚于现在。')
  })

  it('falls back to a Chinese phrase for a field or message it does not know', () => {
    const msg = messageOf('validation_error', 422, 'x', [{ loc: ['body', 'frobnicate'], msg: 'Value error, nope' }])
    expect(msg).toBe('填写的内容有误：格式不正确。')
  })

  it.each([
    ['conflict', 409],
    ['quota_exceeded', 409],
    ['invalid_image', 422],
    ['checkin_code_expired', 422],
    ['some_future_code', 409],
    ['some_future_code', 404],
    ['http_error', 500],
    ['http_error', 502],
    ['network', 0],
  ])('%s (%i) reads as Chinese with no English detail', (code, status) => {
    const msg = messageOf(code, status, 'an English detail for developers')
    expect(msg).toMatch(CHINESE)
    expect(msg).not.toMatch(/English|detail|developers/)
  })
})
