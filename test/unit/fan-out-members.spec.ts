/**
 * The members of a fan-out, started together: one pinned call per worker,
 * all or none (the limit of calls in flight), and one abort listener that
 * ends every member and is dropped once they all ended.
 */
import { logger } from '@libp2p/logger'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Requester } from '../../src/dispatch/requester.ts'
import { PeerTable } from '../../src/presence/peer-table.ts'
import { encodeFrame, FrameDecoder, KIND_CANCEL, KIND_RESULT, KIND_TASK } from '../../src/wire/frame.ts'
import { decodePayload, encodePayload } from '../../src/wire/payload.ts'
import { fakeChannels, sentOf } from './stubs.ts'
import type { Call } from '../../src/dispatch/call.ts'
import type { MemberInit } from '../../src/dispatch/requester.ts'
import type { Balancer } from '../../src/types.ts'
import type { Frame } from '../../src/wire/frame.ts'
import type { FakeChannels } from './stubs.ts'

const WORKERS = ['A', 'B', 'C']
const first: Balancer = { name: 'first', pick: (c) => c[0] }

function memberInit (): MemberInit {
  return {
    service: 'svc',
    input: encodePayload('hi'),
    streaming: false,
    deadline: Date.now() + 10_000,
    maxAttempts: 1,
    balancer: first,
    broadcast: false,
    window: 8,
    stallTimeoutMs: 5_000,
    maxResumeBytes: 1024 * 1024
  }
}

let counter = 0
function members (peers = WORKERS): Array<{ id: string, peerId: string }> {
  return peers.map(peerId => ({ id: `m-${counter++}`, peerId }))
}

function result (call: Call, value: unknown): Frame {
  const { data, codec } = encodePayload(value)
  return new FrameDecoder({ maxFrameBytes: 1024 * 1024 }).push(encodeFrame({ kind: KIND_RESULT, task: call.id, attempt: 1, payload: data, codec }))[0]
}

/** Each call's outcome as the fan-out sees it. */
function outcomes (calls: Call[]): Array<{ ok: boolean, outcome: unknown }> {
  const out: Array<{ ok: boolean, outcome: unknown }> = []
  for (const call of calls) {
    call.onEnd((ok, outcome) => { out.push({ ok, outcome }) })
  }
  return out
}

describe('Requester.startMembers', () => {
  let table: PeerTable
  let channels: FakeChannels
  let requester: Requester

  function requesterWith (maxCalls: number): Requester {
    return new Requester({
      log: logger('test:fan-out'),
      table,
      channels,
      maxCalls,
      publishClaim: async () => {},
      claimRoundMs: 1_000,
      claimRounds: 3,
      emit: () => {}
    })
  }

  beforeEach(() => {
    vi.useFakeTimers()
    table = new PeerTable({ selfId: 'me', onState: () => {} })
    channels = fakeChannels()
    for (const peer of WORKERS) {
      table.learnWorker(peer, 'svc', 4, 0)
      channels.to(peer)
    }
    requester = requesterWith(100)
  })

  afterEach(() => {
    requester.stop()
    vi.useRealTimers()
  })

  it('sends one task to each worker, every one with the same input and deadline', () => {
    const calls = requester.startMembers(memberInit(), members())
    expect(calls.map(c => c.worker)).toEqual(WORKERS)
    const tasks = WORKERS.map(peer => sentOf(channels.to(peer), KIND_TASK))
    expect(tasks.map(t => t.length)).toEqual([1, 1, 1])
    expect(new Set(tasks.map(t => t[0].task)).size).toBe(3)
    expect(tasks.map(t => decodePayload(t[0].payload, t[0].codec))).toEqual(['hi', 'hi', 'hi'])
    expect(new Set(tasks.map(t => t[0].timeoutMs)).size).toBe(1)
  })

  it('ends each member with its own worker\'s answer', () => {
    const calls = requester.startMembers(memberInit(), members())
    const seen = outcomes(calls)
    calls.forEach((call, i) => { requester.onFrame(result(call, WORKERS[i]), channels.to(WORKERS[i])) })
    expect(seen).toEqual(WORKERS.map(w => ({ ok: true, outcome: w })))
  })

  it('a member whose worker answers for another member\'s task is not ended by it', () => {
    const [a, b] = requester.startMembers(memberInit(), members())
    requester.onFrame(result(b, 'wrong'), channels.to('A'))
    expect(b.settled).toBe(false)
    requester.onFrame(result(a, 'A'), channels.to('A'))
    expect(a.settled).toBe(true)
  })

  it('starts none past the limit of calls in flight, and throws RateLimitedError', () => {
    const small = requesterWith(4)
    small.start({ ...memberInit(), id: 'busy', pinned: 'A' })
    small.start({ ...memberInit(), id: 'busy-2', pinned: 'B' })
    expect(() => small.startMembers(memberInit(), members())).toThrow(expect.objectContaining({ name: 'RateLimitedError' }))
    // only the two calls made before: no member's task left
    expect(WORKERS.map(peer => sentOf(channels.to(peer), KIND_TASK).length)).toEqual([1, 1, 0])
    expect(sentOf(channels.to('A'), KIND_CANCEL)).toHaveLength(0)
    // the room it would have needed is still there for calls that fit
    expect(small.startMembers(memberInit(), members(['C', 'A']))).toHaveLength(2)
    small.stop()
  })

  it('an abort ends every member with AbortError and tells each worker to stop', () => {
    const controller = new AbortController()
    const calls = requester.startMembers(memberInit(), members(), controller.signal)
    const seen = outcomes(calls)
    requester.onFrame(result(calls[0], 'A'), channels.to('A'))
    controller.abort()
    expect(seen.map(s => s.ok ? 'ok' : (s.outcome as Error).name)).toEqual(['ok', 'AbortError', 'AbortError'])
    // A had answered: only B and C are told to stop
    expect(WORKERS.map(peer => sentOf(channels.to(peer), KIND_CANCEL).length)).toEqual([0, 1, 1])
  })

  it('drops its one abort listener once every member ended', () => {
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const calls = requester.startMembers(memberInit(), members(), controller.signal)
    expect(add).toHaveBeenCalledTimes(1)
    requester.onFrame(result(calls[0], 'A'), channels.to('A'))
    requester.onFrame(result(calls[1], 'B'), channels.to('B'))
    expect(remove).not.toHaveBeenCalled()
    requester.onFrame(result(calls[2], 'C'), channels.to('C'))
    expect(remove).toHaveBeenCalledTimes(1)
    expect(remove.mock.calls[0][1]).toBe(add.mock.calls[0][1])
  })

  it('with a signal already aborted sends nothing and ends every member with AbortError', () => {
    const calls = requester.startMembers(memberInit(), members(), AbortSignal.abort())
    expect(calls.map(c => c.settled)).toEqual([true, true, true])
    expect(WORKERS.map(peer => sentOf(channels.to(peer), KIND_TASK).length)).toEqual([0, 0, 0])
    expect(outcomes(calls).map(s => (s.outcome as Error).name)).toEqual(['AbortError', 'AbortError', 'AbortError'])
  })

  it('each member times out at the shared deadline', () => {
    const calls = requester.startMembers({ ...memberInit(), deadline: Date.now() + 2_000 }, members())
    const seen = outcomes(calls)
    vi.advanceTimersByTime(2_000)
    expect(seen.map(s => (s.outcome as Error).name)).toEqual(['TimeoutError', 'TimeoutError', 'TimeoutError'])
  })
})
