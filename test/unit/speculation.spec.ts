/**
 * The straggler rule: backups only once 75% of the tasks are done, and only
 * for tasks running longer than 1.5x the median task time, once each.
 */
import { describe, expect, it } from 'vitest'
import { Speculation } from '../../src/compute/speculation.ts'

describe('Speculation', () => {
  it('waits for 75% of the tasks, then picks tasks past 1.5x the median', () => {
    const rule = new Speculation(8)
    const now = 10_000
    const running = [
      { id: 'old', startedAt: now - 400, backedUp: false },
      { id: 'young', startedAt: now - 200, backedUp: false },
      { id: 'old-but-backed-up', startedAt: now - 900, backedUp: true }
    ]
    for (const ms of [100, 100, 100, 200, 200]) {
      rule.record(ms)
    }
    // 5 of 8 done: not yet
    expect(rule.active).toBe(false)
    expect(rule.due(running, now)).toEqual([])
    rule.record(300)
    // 6 of 8: the median of [100,100,100,200,200,300] is 150, the limit 225 ms
    expect(rule.active).toBe(true)
    expect(rule.due(running, now).map(t => t.id)).toEqual(['old'])
    expect(rule.straggling(running[1], now + 30)).toBe(true)
  })

  it('calls nothing a straggler before any task finished', () => {
    const rule = new Speculation(4)
    expect(rule.straggling({ startedAt: 0, backedUp: false }, 1e9)).toBe(false)
  })
})
