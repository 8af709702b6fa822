import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Deadlines } from '../../src/util/deadlines.ts'

interface Item { name: string, at: number }

function sweeping (items: Set<Item>, expired: string[]): Deadlines<Item> {
  return new Deadlines<Item>({
    items: () => items,
    deadlineOf: item => item.at,
    expire: (item) => {
      items.delete(item)
      expired.push(item.name)
    }
  })
}

describe('Deadlines', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('expires each item at its deadline, never before', () => {
    const items = new Set<Item>()
    const expired: string[] = []
    const deadlines = sweeping(items, expired)
    const start = Date.now()
    for (const [name, after] of [['c', 300], ['a', 100], ['b', 200]] as const) {
      items.add({ name, at: start + after })
      deadlines.watch(start + after)
    }
    vi.advanceTimersByTime(99)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['a'])
    vi.advanceTimersByTime(199)
    expect(expired).toEqual(['a', 'b'])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['a', 'b', 'c'])
  })

  it('skips items that ended before their deadline, and finds the next one due', () => {
    const items = new Set<Item>()
    const expired: string[] = []
    const deadlines = sweeping(items, expired)
    const start = Date.now()
    const early = { name: 'early', at: start + 100 }
    items.add(early)
    deadlines.watch(early.at)
    items.add({ name: 'late', at: start + 500 })
    deadlines.watch(start + 500)
    // ended in time: its owner drops it, and nobody tells the timer
    items.delete(early)
    vi.advanceTimersByTime(100)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(399)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['late'])
  })

  it('keeps one timer however many items wait, and fires early for an earlier one added later', () => {
    const items = new Set<Item>()
    const expired: string[] = []
    const deadlines = sweeping(items, expired)
    const start = Date.now()
    for (let i = 0; i < 100; i++) {
      items.add({ name: `n${i}`, at: start + 1_000 + i })
      deadlines.watch(start + 1_000 + i)
    }
    expect(vi.getTimerCount()).toBe(1)
    items.add({ name: 'soon', at: start + 10 })
    deadlines.watch(start + 10)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(10)
    expect(expired).toEqual(['soon'])
    deadlines.clear()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('lets an expiring item add another', () => {
    const items = new Set<Item>()
    const expired: string[] = []
    let deadlines: Deadlines<Item> | undefined
    deadlines = new Deadlines<Item>({
      items: () => items,
      deadlineOf: item => item.at,
      expire: (item) => {
        items.delete(item)
        expired.push(item.name)
        if (item.name === 'one') {
          items.add({ name: 'two', at: Date.now() + 10 })
          deadlines?.watch(Date.now() + 10)
        }
      }
    })
    items.add({ name: 'one', at: Date.now() + 10 })
    deadlines.watch(Date.now() + 10)
    vi.advanceTimersByTime(10)
    expect(expired).toEqual(['one'])
    vi.advanceTimersByTime(10)
    expect(expired).toEqual(['one', 'two'])
  })
})
