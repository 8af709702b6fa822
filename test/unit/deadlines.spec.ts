import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Deadlines } from '../../src/util/deadlines.ts'

describe('Deadlines', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('fires each deadline at its time, never before, in time order', () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    const start = Date.now()
    deadlines.add(start + 300, () => { fired.push('c') })
    deadlines.add(start + 100, () => { fired.push('a') })
    deadlines.add(start + 200, () => { fired.push('b') })
    vi.advanceTimersByTime(99)
    expect(fired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(['a'])
    vi.advanceTimersByTime(199)
    expect(fired).toEqual(['a', 'b'])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(['a', 'b', 'c'])
    expect(deadlines.size).toBe(0)
  })

  it('drops removed deadlines, wherever they are in the queue', () => {
    const deadlines = new Deadlines()
    const fired: number[] = []
    const start = Date.now()
    const entries = Array.from({ length: 50 }, (_, i) => deadlines.add(start + 10 + ((i * 37) % 50), () => { fired.push(i) }))
    const removed = new Set([0, 3, 17, 25, 49, 12])
    for (const i of removed) {
      deadlines.remove(entries[i])
    }
    // removing twice, or after firing, does nothing
    deadlines.remove(entries[3])
    expect(deadlines.size).toBe(44)
    vi.advanceTimersByTime(100)
    const expected = [...Array(50).keys()].filter(i => !removed.has(i)).sort((a, b) => ((a * 37) % 50) - ((b * 37) % 50))
    expect(fired).toEqual(expected)
    deadlines.remove(entries[1])
    expect(deadlines.size).toBe(0)
  })

  it('fires a later deadline after the earliest was removed, and an earlier one added later first', () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    const start = Date.now()
    const first = deadlines.add(start + 100, () => { fired.push('first') })
    deadlines.add(start + 500, () => { fired.push('late') })
    deadlines.remove(first)
    deadlines.add(start + 50, () => { fired.push('early') })
    vi.advanceTimersByTime(50)
    expect(fired).toEqual(['early'])
    vi.advanceTimersByTime(449)
    expect(fired).toEqual(['early'])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(['early', 'late'])
  })

  it('keeps one timer however many deadlines wait', () => {
    const deadlines = new Deadlines()
    const start = Date.now()
    for (let i = 0; i < 100; i++) {
      deadlines.add(start + 1_000 + i, () => {})
    }
    expect(vi.getTimerCount()).toBe(1)
    deadlines.clear()
    expect(vi.getTimerCount()).toBe(0)
    expect(deadlines.size).toBe(0)
  })

  it('lets a firing deadline add another', () => {
    const deadlines = new Deadlines()
    const fired: string[] = []
    deadlines.add(Date.now() + 10, () => {
      fired.push('one')
      deadlines.add(Date.now() + 10, () => { fired.push('two') })
    })
    vi.advanceTimersByTime(10)
    expect(fired).toEqual(['one'])
    vi.advanceTimersByTime(10)
    expect(fired).toEqual(['one', 'two'])
  })
})
