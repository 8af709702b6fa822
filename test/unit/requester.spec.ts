import { logger } from '@libp2p/logger'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CHANNEL_CLAIM_LEAD_MS } from '../../src/dispatch/claims.ts'
import { Requester } from '../../src/dispatch/requester.ts'
import { PeerTable } from '../../src/presence/peer-table.ts'
import { encodeFrame, FLAG_RETRYABLE, FrameDecoder, KIND_CANCEL, KIND_CHUNK, KIND_OFFER, KIND_RESULT, KIND_ERROR, KIND_TASK } from '../../src/wire/frame.ts'
import { encodePayload } from '../../src/wire/payload.ts'
import { fakeChannels, sentOf } from './stubs.ts'
import type { Call, CallInit } from '../../src/dispatch/call.ts'
import type { Mock } from 'vitest'
import type { Balancer } from '../../src/types.ts'
import type { Frame, FrameInit } from '../../src/wire/frame.ts'
import type { FakeChannels } from './stubs.ts'

/** Picks the lowest peer id, so tests know where each attempt goes. */
const lowest: Balancer = { name: 'lowest', pick: (c) => [...c].sort((a, b) => a.peerId < b.peerId ? -1 : 1)[0] }

let counter = 0
function callInit (init: Partial<CallInit> = {}): CallInit {
  return {
    id: `call-${counter++}`,
    service: 'svc',
    input: encodePayload('hi'),
    streaming: false,
    deadline: Date.now() + 10_000,
    maxAttempts: 3,
    balancer: lowest,
    broadcast: false,
    window: 8,
    stallTimeoutMs: 5_000,
    maxResumeBytes: 1024 * 1024,
    ...init
  }
}

/** A frame as the requester receives it off the wire. */
function frame (init: FrameInit): Frame {
  return new FrameDecoder({ maxFrameBytes: 1024 * 1024 }).push(encodeFrame(init))[0]
}

function reply (call: { id: string }, attempt: number, value: unknown, kind = KIND_RESULT): Frame {
  const { data, codec } = encodePayload(value)
  return frame({ kind, task: call.id, attempt, payload: data, codec })
}

function chunk (call: { id: string }, attempt: number, seq: number, value: unknown): Frame {
  const { data, codec } = encodePayload(value)
  return frame({ kind: KIND_CHUNK, task: call.id, attempt, seq, payload: data, codec })
}

describe('Requester', () => {
  let table: PeerTable
  let channels: FakeChannels
  let publishClaim: Mock<(call: Call) => Promise<void>>
  let events: Array<{ type: string, detail: any }>
  let requester: Requester

  beforeEach(() => {
    vi.useFakeTimers()
    table = new PeerTable({ selfId: 'me', onState: () => {} })
    for (const peer of ['A', 'B', 'C']) {
      table.learnWorker(peer, 'svc', 4, 0)
    }
    channels = fakeChannels()
    for (const peer of ['A', 'B', 'C', 'W', 'X']) {
      channels.to(peer)
    }
    publishClaim = vi.fn(async (_call: Call) => {})
    events = []
    requester = new Requester({
      log: logger('test:requester'),
      table,
      channels,
      maxCalls: 100,
      publishClaim,
      claimRoundMs: 1_000,
      claimRounds: 3,
      emit: (type, detail) => { events.push({ type, detail }) }
    })
  })

  afterEach(() => {
    requester.stop()
    vi.useRealTimers()
  })

  describe('superseded attempts', () => {
    it('drops the result of an attempt that was moved, and takes the new one', async () => {
      const call = requester.start(callInit())
      expect(sentOf(channels.to('A'), KIND_TASK).map(f => f.attempt)).toEqual([1])

      requester.onWorkerDown('A', 'dead')
      expect(sentOf(channels.to('A'), KIND_CANCEL)).toHaveLength(1)
      expect(sentOf(channels.to('B'), KIND_TASK).map(f => f.attempt)).toEqual([2])

      // the old worker answers late: nobody may see it
      requester.onFrame(reply(call, 1, 'stale'), channels.to('A'))
      expect(call.settled).toBe(false)
      requester.onFrame(reply(call, 2, 'fresh'), channels.to('B'))
      await expect(call.result).resolves.toBe('fresh')
    })

    it('gives a stream each chunk once, in order, across a move', async () => {
      const call = requester.start(callInit({ streaming: true }))
      requester.onFrame(chunk(call, 1, 0, 'c0'), channels.to('A'))
      requester.onWorkerDown('A', 'dead')
      const resumed = sentOf(channels.to('B'), KIND_TASK)[0]
      expect(resumed.seq).toBe(1)
      expect(resumed.prior).toHaveLength(1)

      requester.onFrame(chunk(call, 1, 1, 'late from A'), channels.to('A'))
      requester.onFrame(chunk(call, 2, 0, 'c0 again'), channels.to('B'))
      requester.onFrame(chunk(call, 2, 1, 'c1'), channels.to('B'))
      requester.onFrame(frame({ kind: KIND_RESULT, task: call.id, attempt: 2 }), channels.to('B'))
      const seen: unknown[] = []
      for (let next = await call.take(); !next.done; next = await call.take()) {
        seen.push(next.value)
      }
      expect(seen).toEqual(['c0', 'c1'])
    })
  })

  describe('failover', () => {
    it('moves a call refused with a retryable error, and says where from', async () => {
      const call = requester.start(callInit())
      requester.onFrame(frame({ kind: KIND_ERROR, task: call.id, attempt: 1, code: 'Busy', message: 'busy', flags: FLAG_RETRYABLE }), channels.to('A'))
      expect(sentOf(channels.to('B'), KIND_TASK).map(f => f.attempt)).toEqual([2])
      const failover = events.find(e => e.type === 'task:failover')
      expect(failover?.detail).toMatchObject({ taskId: call.id, from: 'A', peerId: 'B', attempt: 2, reason: 'RemoteError' })
      requester.onFrame(reply(call, 2, 'ok'), channels.to('B'))
      await expect(call.result).resolves.toBe('ok')
    })

    it('times a move from when the worker was chosen while its channel was still opening', async () => {
      // the channel to A never finishes opening; B and C are open
      const existing = channels.existing
      channels.existing = (peer: string) => peer === 'A' ? undefined : existing(peer)
      vi.mocked(channels.get).mockImplementationOnce(async () => await new Promise<never>(() => {}))
      const call = requester.start(callInit())
      expect(call.worker).toBe('A')
      vi.advanceTimersByTime(1_500)
      requester.onWorkerDown('A', 'dead')
      expect(sentOf(channels.to('B'), KIND_TASK).map(f => f.attempt)).toEqual([1])
      const failover = events.find(e => e.type === 'task:failover')
      expect(failover?.detail).toMatchObject({ taskId: call.id, from: 'A', peerId: 'B', reason: 'dead', elapsedMs: 1_500 })
    })

    it('times a second move from the second worker, not the first', async () => {
      const call = requester.start(callInit())
      vi.advanceTimersByTime(1_000)
      const existing = channels.existing
      channels.existing = (peer: string) => peer === 'B' ? undefined : existing(peer)
      vi.mocked(channels.get).mockImplementationOnce(async () => await new Promise<never>(() => {}))
      requester.onWorkerDown('A', 'dead')
      expect(call.worker).toBe('B')
      vi.advanceTimersByTime(500)
      requester.onWorkerDown('B', 'dead')
      expect(sentOf(channels.to('C'), KIND_TASK).map(f => f.attempt)).toEqual([2])
      const failovers = events.filter(e => e.type === 'task:failover').map(e => e.detail)
      expect(failovers).toMatchObject([{ from: 'B', peerId: 'C', elapsedMs: 500 }])
    })

    it('ends with the last error once maxAttempts workers failed', async () => {
      const call = requester.start(callInit({ maxAttempts: 2 }))
      const busy = (attempt: number): Frame => frame({ kind: KIND_ERROR, task: call.id, attempt, code: 'Busy', message: `busy ${attempt}`, flags: FLAG_RETRYABLE })
      requester.onFrame(busy(1), channels.to('A'))
      requester.onFrame(busy(2), channels.to('B'))
      await expect(call.result).rejects.toMatchObject({ name: 'RemoteError', message: 'busy 2' })
      expect(sentOf(channels.to('C'), KIND_TASK)).toHaveLength(0)
    })

    it('does not retry a final error', async () => {
      const call = requester.start(callInit())
      requester.onFrame(frame({ kind: KIND_ERROR, task: call.id, attempt: 1, code: 'Bad', message: 'bad input' }), channels.to('A'))
      await expect(call.result).rejects.toMatchObject({ name: 'RemoteError' })
      expect(sentOf(channels.to('B'), KIND_TASK)).toHaveLength(0)
    })

    it('a reset channel moves only the calls on that channel', async () => {
      const call = requester.start(callInit())
      const other = channels.to('A')
      const elsewhere = { ...other, sent: [] } as unknown as typeof other
      requester.onWorkerDown('A', 'stream reset', elsewhere)
      expect(call.worker).toBe('A')
      requester.onWorkerDown('A', 'stream reset', other)
      expect(call.worker).toBe('B')
    })

    it('times out at the deadline and tells the worker to stop', async () => {
      const call = requester.start(callInit({ deadline: Date.now() + 2_000 }))
      vi.advanceTimersByTime(1_999)
      expect(call.settled).toBe(false)
      vi.advanceTimersByTime(1)
      await expect(call.result).rejects.toMatchObject({ name: 'TimeoutError' })
      expect(sentOf(channels.to('A'), KIND_CANCEL)).toHaveLength(1)
    })
  })

  describe('claim rounds', () => {
    it('announces a claim claimRounds times, then fails with NoWorkersError', async () => {
      const call = requester.start(callInit({ service: 'unknown' }))
      expect(publishClaim).toHaveBeenCalledTimes(1)
      vi.advanceTimersByTime(1_000)
      expect(publishClaim).toHaveBeenCalledTimes(2)
      vi.advanceTimersByTime(1_000)
      expect(publishClaim).toHaveBeenCalledTimes(3)
      expect(call.settled).toBe(false)
      vi.advanceTimersByTime(1_000)
      await expect(call.result).rejects.toMatchObject({ name: 'NoWorkersError' })
      vi.advanceTimersByTime(10_000)
      expect(publishClaim).toHaveBeenCalledTimes(3)
    })

    it('grants the task to the first offer and cancels the others', async () => {
      const call = requester.start(callInit({ service: 'unknown' }))
      const offer = frame({ kind: KIND_OFFER, task: call.id, service: 'unknown', capacity: 1 })
      requester.onFrame(offer, channels.to('W'))
      requester.onFrame(offer, channels.to('X'))
      expect(sentOf(channels.to('W'), KIND_TASK).map(f => f.attempt)).toEqual([1])
      expect(sentOf(channels.to('X'), KIND_TASK)).toHaveLength(0)
      expect(sentOf(channels.to('X'), KIND_CANCEL)).toHaveLength(1)
      vi.advanceTimersByTime(5_000)
      expect(publishClaim).toHaveBeenCalledTimes(1)
      requester.onFrame(reply(call, 1, 'claimed'), channels.to('W'))
      await expect(call.result).resolves.toBe('claimed')
    })

    it('claims on channels first, and on the topic only if no offer came within the lead', () => {
      const claimOnChannels = vi.fn((_call: Call) => 2)
      const withChannels = new Requester({
        log: logger('test:requester'),
        table,
        channels,
        maxCalls: 100,
        publishClaim,
        claimOnChannels,
        claimRoundMs: 1_000,
        claimRounds: 3,
        emit: () => {}
      })
      const taken = withChannels.start(callInit({ service: 'unknown', broadcast: true }))
      expect(claimOnChannels).toHaveBeenCalledTimes(1)
      expect(publishClaim).not.toHaveBeenCalled()
      withChannels.onFrame(frame({ kind: KIND_OFFER, task: taken.id, service: 'unknown', capacity: 1 }), channels.to('W'))
      vi.advanceTimersByTime(CHANNEL_CLAIM_LEAD_MS)
      // a worker offered on its channel: no gossip for this one
      expect(publishClaim).not.toHaveBeenCalled()

      const open = withChannels.start(callInit({ service: 'unknown', broadcast: true }))
      vi.advanceTimersByTime(CHANNEL_CLAIM_LEAD_MS - 1)
      expect(publishClaim).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(publishClaim.mock.calls.map(([c]) => c.id)).toEqual([open.id])
      // later rounds go to the topic at once
      vi.advanceTimersByTime(1_000 - CHANNEL_CLAIM_LEAD_MS)
      expect(publishClaim).toHaveBeenCalledTimes(2)
      expect(claimOnChannels).toHaveBeenCalledTimes(2)
    })

    it('takes a second offer from the worker it granted the task to as the same one, not a refusal', () => {
      const call = requester.start(callInit({ service: 'unknown' }))
      const offer = frame({ kind: KIND_OFFER, task: call.id, service: 'unknown', capacity: 1 })
      requester.onFrame(offer, channels.to('W'))
      // the claim reached W twice (on a channel and on the topic): its second offer cancels nothing
      requester.onFrame(offer, channels.to('W'))
      expect(sentOf(channels.to('W'), KIND_TASK)).toHaveLength(1)
      expect(sentOf(channels.to('W'), KIND_CANCEL)).toHaveLength(0)
      expect(call.worker).toBe('W')
    })

    it('turns down an offer for another service', () => {
      const call = requester.start(callInit({ service: 'unknown' }))
      requester.onFrame(frame({ kind: KIND_OFFER, task: call.id, service: 'svc', capacity: 1 }), channels.to('W'))
      expect(sentOf(channels.to('W'), KIND_CANCEL)).toHaveLength(1)
      expect(call.claiming).toBe(true)
    })
  })
  describe('backups', () => {
    it('never sends a call to the worker it avoids, even one it prefers, nor takes its offer', () => {
      const call = requester.start(callInit({ avoid: 'A', preferPeer: 'A' }))
      expect(sentOf(channels.to('A'), KIND_TASK)).toHaveLength(0)
      expect(call.worker).not.toBe('A')
      requester.onWorkerDown(call.worker!, 'dead')
      requester.onWorkerDown(call.worker!, 'dead')
      // B and C failed, A is avoided: nobody is left
      expect(sentOf(channels.to('A'), KIND_TASK)).toHaveLength(0)
    })
  })
})
