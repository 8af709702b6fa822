import { logger } from '@libp2p/logger'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_RESERVATIONS_PER_REQUESTER, OFFER_RESERVATION_MS } from '../../src/constants.ts'
import { WorkerRuntime } from '../../src/worker/worker.ts'
import { encodeFrame, FLAG_RETRYABLE, FrameDecoder, KIND_CANCEL, KIND_ERROR, KIND_RESULT, KIND_TASK } from '../../src/wire/frame.ts'
import { encodePayload } from '../../src/wire/payload.ts'
import { fakeChannel, sentOf } from './stubs.ts'
import type { HandlerContext } from '../../src/types.ts'
import type { Frame, FrameInit } from '../../src/wire/frame.ts'
import type { FakeChannel } from './stubs.ts'

function frame (init: FrameInit): Frame {
  return new FrameDecoder({ maxFrameBytes: 1024 * 1024 }).push(encodeFrame(init))[0]
}

function task (id: string, attempt = 1): Frame {
  const { data, codec } = encodePayload(id)
  return frame({ kind: KIND_TASK, task: id, attempt, service: 'svc', payload: data, codec })
}

/** Lets the handler's promise chain run. */
async function settle (): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve()
  }
}

describe('WorkerRuntime', () => {
  let worker: WorkerRuntime
  let started: Array<{ input: string, ctx: HandlerContext, finish: (value: unknown) => void }>
  let channel: FakeChannel

  beforeEach(() => {
    vi.useFakeTimers()
    worker = new WorkerRuntime({ log: logger('test:worker'), onServicesChanged: () => {}, emit: () => {} })
    started = []
    worker.serve('svc', async (input: string, ctx) => new Promise(resolve => { started.push({ input, ctx, finish: resolve }) }), { concurrency: 1, maxQueue: 1 })
    channel = fakeChannel('R', 'inbound')
  })

  afterEach(() => {
    worker.stop()
    vi.useRealTimers()
  })

  describe('queue', () => {
    it('runs up to concurrency, queues up to maxQueue, and refuses the rest as retryable', async () => {
      worker.onTask(task('t1'), channel)
      worker.onTask(task('t2'), channel)
      worker.onTask(task('t3'), channel)
      await settle()
      expect(started.map(s => s.input)).toEqual(['t1'])
      expect(worker.load).toBe(2)
      const refused = sentOf(channel, KIND_ERROR)
      expect(refused.map(f => [f.task, f.code, (f.flags & FLAG_RETRYABLE) !== 0])).toEqual([['t3', 'RateLimitedError', true]])

      started[0].finish('one')
      await settle()
      expect(sentOf(channel, KIND_RESULT).map(f => f.task)).toEqual(['t1'])
      expect(started.map(s => s.input)).toEqual(['t1', 't2'])
    })

    it('a cancelled queued task never runs, and a cancelled running one is aborted', async () => {
      worker.onTask(task('t1'), channel)
      worker.onTask(task('t2'), channel)
      await settle()
      worker.onCancel(frame({ kind: KIND_CANCEL, task: 't2', attempt: 1 }), 'R')
      worker.onCancel(frame({ kind: KIND_CANCEL, task: 't1', attempt: 1 }), 'R')
      expect(started[0].ctx.signal.aborted).toBe(true)
      started[0].finish('too late')
      await settle()
      expect(started).toHaveLength(1)
      expect(sentOf(channel, KIND_RESULT)).toHaveLength(0)
      expect(worker.load).toBe(0)
    })

    it('cancels the tasks of a requester that went away', async () => {
      worker.onTask(task('t1'), channel)
      await settle()
      worker.onRequesterGone('R')
      expect(started[0].ctx.signal.aborted).toBe(true)
      expect(worker.requesters().size).toBe(0)
    })

    it('cancels only the tasks that came on a channel that closed, when told which', async () => {
      const granted = fakeChannel('R', 'outbound')
      worker.onTask(task('t1'), channel)
      worker.onTask(task('t2'), granted)
      await settle()
      worker.onRequesterGone('R', granted)
      expect(started[0].ctx.signal.aborted).toBe(false)
      started[0].finish('done')
      await settle()
      // t2 was waiting behind t1 and is gone: it never starts
      expect(started.map(s => s.input)).toEqual(['t1'])
      expect(sentOf(channel, KIND_RESULT)).toHaveLength(1)
      expect(worker.load).toBe(0)
    })
  })

  describe('reservations', () => {
    it('offers a slot once, until the reservation expires', () => {
      expect(worker.reserve('svc', 'R', 'c1')).toBe(true)
      expect(worker.reserve('svc', 'Q', 'c2')).toBe(false)
      vi.advanceTimersByTime(OFFER_RESERVATION_MS + 1)
      expect(worker.reserve('svc', 'Q', 'c2')).toBe(true)
    })

    it('keeps a reserved slot for the claimed task', async () => {
      expect(worker.reserve('svc', 'R', 'claimed')).toBe(true)
      // someone else's task waits: the free slot is promised
      worker.onTask(task('other'), fakeChannel('Q', 'inbound'))
      await settle()
      expect(started).toHaveLength(0)
      worker.onTask(task('claimed'), channel)
      await settle()
      expect(started.map(s => s.input)).toEqual(['claimed'])
    })

    it('starts the task queued behind a reservation when it lapses with no task', async () => {
      expect(worker.reserve('svc', 'R', 'never')).toBe(true)
      worker.onTask(task('other'), fakeChannel('Q', 'inbound'))
      await settle()
      expect(started).toHaveLength(0)
      vi.advanceTimersByTime(OFFER_RESERVATION_MS)
      await settle()
      expect(started.map(s => s.input)).toEqual(['other'])
    })

    it('starts the task queued behind a reservation when the claim is cancelled', async () => {
      expect(worker.reserve('svc', 'R', 'c1')).toBe(true)
      worker.onTask(task('other'), fakeChannel('Q', 'inbound'))
      worker.onCancel(frame({ kind: KIND_CANCEL, task: 'c1' }), 'R')
      await settle()
      expect(started.map(s => s.input)).toEqual(['other'])
    })

    it('starts the task queued behind a reservation when its requester goes away', async () => {
      expect(worker.reserve('svc', 'R', 'c1')).toBe(true)
      worker.onTask(task('other'), fakeChannel('Q', 'inbound'))
      worker.onRequesterGone('R')
      await settle()
      expect(started.map(s => s.input)).toEqual(['other'])
    })

    it('lets one requester hold a bounded number of reservations in a slot', () => {
      const wide = new WorkerRuntime({ log: logger('test:worker'), onServicesChanged: () => {}, emit: () => {} })
      wide.serve('svc', async () => null, { concurrency: 4 * MAX_RESERVATIONS_PER_REQUESTER })
      const granted = (requester: string): number => Array.from({ length: 2 * MAX_RESERVATIONS_PER_REQUESTER }, (_, i) => wide.reserve('svc', requester, `c${i}`)).filter(Boolean).length
      expect(granted('R')).toBe(MAX_RESERVATIONS_PER_REQUESTER)
      expect(granted('Q')).toBe(MAX_RESERVATIONS_PER_REQUESTER)
      vi.advanceTimersByTime(OFFER_RESERVATION_MS)
      expect(granted('R')).toBe(MAX_RESERVATIONS_PER_REQUESTER)
      wide.stop()
    })

    it('frees the slot when the requester cancels its claim', () => {
      expect(worker.reserve('svc', 'R', 'c1')).toBe(true)
      worker.onCancel(frame({ kind: KIND_CANCEL, task: 'c1' }), 'R')
      expect(worker.reserve('svc', 'Q', 'c2')).toBe(true)
    })

    it('does not reserve a service it does not serve', () => {
      expect(worker.reserve('other', 'R', 'c1')).toBe(false)
    })
  })
})
