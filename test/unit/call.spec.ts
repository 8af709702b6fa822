import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Call } from '../../src/dispatch/call.ts'
import { roundRobin } from '../../src/dispatch/balancers.ts'
import { Deadlines } from '../../src/util/deadlines.ts'
import { encodePayload } from '../../src/wire/payload.ts'
import { fakeChannel } from './stubs.ts'
import type { CallInit } from '../../src/dispatch/call.ts'

function newCall (init: Partial<CallInit> = {}, journaled = false): Call {
  return new Call({
    id: 'c',
    service: 'svc',
    input: encodePayload(null),
    streaming: true,
    deadline: Date.now() + 10_000,
    maxAttempts: 3,
    balancer: roundRobin(),
    broadcast: false,
    window: 4,
    stallTimeoutMs: 1_000,
    maxResumeBytes: 1024,
    ...init
  }, journaled)
}

function watching (calls: Set<Call>): Deadlines<Call> {
  return new Deadlines<Call>({ items: () => calls, deadlineOf: c => c.init.deadline, expire: c => { c.expire() } })
}

const raw = (n: number): { data: Uint8Array<ArrayBuffer>, codec: number } => ({ data: new Uint8Array(n), codec: 0 })

describe('Call', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  describe('credit window', () => {
    it('grants a new attempt the whole window, and returns credit in half-window batches as the reader takes', () => {
      const call = newCall()
      expect(call.received.freshCredit()).toBe(4)
      for (let i = 0; i < 4; i++) {
        call.accept(i, raw(1))
      }
      // the worker has used all its credit: silence now is the reader's doing
      expect(call.received.readerBehind).toBe(true)
      expect(call.takeBuffered()).toEqual({ value: 0, grant: 0 })
      expect(call.takeBuffered()).toEqual({ value: 1, grant: 2 })
      expect(call.received.readerBehind).toBe(false)
      expect(call.takeBuffered()).toEqual({ value: 2, grant: 0 })
      expect(call.takeBuffered()).toEqual({ value: 3, grant: 2 })
      expect(call.takeBuffered()).toBeUndefined()
    })

    it('grants a resumed attempt only what the reader has room for', () => {
      const call = newCall()
      call.received.freshCredit()
      call.accept('a', raw(1))
      call.accept('b', raw(1))
      call.accept('c', raw(1))
      // three chunks unread: a new attempt may send one more
      expect(call.received.freshCredit()).toBe(1)
    })

    it('grants nothing once the call is over', () => {
      const call = newCall()
      call.received.freshCredit()
      call.accept('a', raw(1))
      call.accept('b', raw(1))
      call.succeed(undefined)
      expect(call.takeBuffered()?.grant).toBe(0)
      expect(call.takeBuffered()?.grant).toBe(0)
    })

    it('keeps chunks for a resumed attempt up to maxResumeBytes, then none', () => {
      const call = newCall({ maxResumeBytes: 10 })
      call.accept('a', raw(6))
      expect(call.received.kept).toHaveLength(1)
      call.accept('b', raw(6))
      expect(call.received.canResume).toBe(false)
      expect(call.received.kept).toHaveLength(0)
    })
  })

  describe('lifecycle', () => {
    it('ends itself at the deadline, and a settled call drops its timer', () => {
      const ends: Error[] = []
      const calls = new Set<Call>()
      const deadlines = watching(calls)
      const call = newCall({ deadline: Date.now() + 500 })
      calls.add(call)
      call.arm(err => { ends.push(err) }, deadlines)
      vi.advanceTimersByTime(499)
      expect(ends).toHaveLength(0)
      vi.advanceTimersByTime(1)
      expect(ends.map(e => e.name)).toEqual(['TimeoutError'])

      // a settled call still swept (its owner did not drop it yet) does not end twice
      const done = newCall({ deadline: Date.now() + 500 })
      calls.add(done)
      done.arm(err => { ends.push(err) }, deadlines)
      done.succeed('v')
      vi.advanceTimersByTime(1_000)
      expect(ends).toHaveLength(1)
    })

    it('ends on its abort signal, and stops listening once settled', () => {
      const ends: Error[] = []
      const controller = new AbortController()
      const call = newCall()
      expect(call.arm(err => { ends.push(err) }, watching(new Set()), controller.signal)).toBe(true)
      call.fail(new Error('over'))
      controller.abort()
      expect(ends).toHaveLength(0)

      const aborted = newCall()
      expect(aborted.arm(err => { ends.push(err) }, watching(new Set()), AbortSignal.abort())).toBe(false)
      expect(ends.map(e => e.name)).toEqual(['AbortError'])
    })

    it('is journaled only with a journal and not pinned', () => {
      expect(newCall({}, true).journaled).toBe(true)
      expect(newCall({}, false).journaled).toBe(false)
      expect(newCall({ pinned: 'W' }, true).journaled).toBe(false)
    })

    it('counts its attempts and remembers where it was', () => {
      const call = newCall()
      call.assign('A')
      expect(call.beginAttempt(fakeChannel('A'))).toBe(1)
      expect(call.abandonAttempt('stalled')).toBe('A')
      expect(call.tried('A')).toBe(true)
      expect(call.worker).toBeUndefined()
      expect(call.lastError?.name).toBe('NoWorkersError')
      expect(call.takeMovedFrom()).toMatchObject({ peerId: 'A', reason: 'stalled' })
      expect(call.takeMovedFrom()).toBeUndefined()
      call.assign('B')
      expect(call.beginAttempt(fakeChannel('B'))).toBe(2)
    })
  })
})
