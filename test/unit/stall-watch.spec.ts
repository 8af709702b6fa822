import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StallWatch } from '../../src/dispatch/stall-watch.ts'
import type { Call } from '../../src/dispatch/call.ts'

/** The parts of a call the watch reads. */
function watchedCall (stallTimeoutMs: number): { settled: boolean, lastActivityAt: number, init: { stallTimeoutMs: number }, received: { readerBehind: boolean } } {
  return { settled: false, lastActivityAt: Date.now(), init: { stallTimeoutMs }, received: { readerBehind: false } }
}

describe('StallWatch', () => {
  let stalls: unknown[]
  let watch: StallWatch

  beforeEach(() => {
    vi.useFakeTimers()
    stalls = []
    watch = new StallWatch(call => { stalls.push(call) })
  })
  afterEach(() => { vi.useRealTimers() })

  it('sees a stall exactly stallTimeoutMs after the last activity', () => {
    const call = watchedCall(1_000)
    watch.watch(call as unknown as Call)
    vi.advanceTimersByTime(999)
    expect(stalls).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(stalls).toEqual([call])
  })

  it('counts from the latest activity', () => {
    const call = watchedCall(1_000)
    watch.watch(call as unknown as Call)
    vi.advanceTimersByTime(600)
    call.lastActivityAt = Date.now()
    vi.advanceTimersByTime(999)
    expect(stalls).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(stalls).toHaveLength(1)
  })

  it('does not blame the worker while the reader is behind', () => {
    const call = watchedCall(1_000)
    call.received.readerBehind = true
    watch.watch(call as unknown as Call)
    vi.advanceTimersByTime(5_000)
    expect(stalls).toHaveLength(0)
    // the reader caught up and the worker stays silent
    call.received.readerBehind = false
    call.lastActivityAt = Date.now()
    vi.advanceTimersByTime(2_000)
    expect(stalls).toHaveLength(1)
  })

  it('forgets unwatched and settled calls', () => {
    const moved = watchedCall(1_000)
    const settled = watchedCall(1_000)
    watch.watch(moved as unknown as Call)
    watch.watch(settled as unknown as Call)
    watch.unwatch(moved as unknown as Call)
    settled.settled = true
    vi.advanceTimersByTime(10_000)
    expect(stalls).toHaveLength(0)
  })
})
