/**
 * The round coordinator as one unit, its consensus group an in-memory
 * key-value store with cas: rounds open once enough trainers joined,
 * commits reach the group (with the lock's token) before any trainer sees
 * them, a trainer whose peer is gone stops holding the round, a coordinator
 * whose key moved on stops, and bad messages get typed errors.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createRoundCoordinator, roundKey } from '../../src/compute/round-coordinator.ts'
import { decodeParamsMessage, decodeReport, encodeReport } from '../../src/compute/round-wire.ts'
import type { RoundCoordinator, RoundRecord } from '../../src/compute/round-coordinator.ts'
import type { ConsensusGroup, JsonValue } from '../../src/consensus/types.ts'

const SIZE = 8
const RUN = 'test-run'

function memoryGroup (): ConsensusGroup & { data: Map<string, { value: JsonValue, revision: number }> } {
  const data = new Map<string, { value: JsonValue, revision: number }>()
  let revision = 0
  return {
    data,
    async get (key: string) {
      const kv = data.get(key)
      return kv == null ? undefined : { value: kv.value, revision: kv.revision, createRevision: kv.revision, version: 1 }
    },
    async put (key: string, value: JsonValue) {
      data.set(key, { value, revision: ++revision })
      return { revision }
    },
    async cas (key: string, expected: number, value: JsonValue) {
      const current = data.get(key)?.revision ?? 0
      if (current !== expected) return { ok: false, revision: current }
      data.set(key, { value, revision: ++revision })
      return { ok: true, revision }
    }
  } as any
}

const report = (trainer: string, round: number, value: number): Uint8Array =>
  encodeReport({ trainer, round, samples: 10, steps: 2 }, new Float32Array(SIZE).fill(value), 'float32')
const params = async (c: RoundCoordinator, round: number, peer: string): Promise<ReturnType<typeof decodeParamsMessage>> =>
  decodeParamsMessage(await c.handlers.params({ round }, peer), { expectedValues: SIZE })
const settle = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 120)) }

describe('round coordinator', () => {
  let coordinator: RoundCoordinator | undefined
  afterEach(() => { coordinator?.stop() })

  it('opens the first round once its trainers joined, and commits to the group before answering', async () => {
    const group = memoryGroup()
    const commits: RoundRecord[] = []
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group, token: 7, params: new Float32Array(SIZE).fill(1), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 2, minTrainers: 2, onCommit: r => commits.push(r) })
    const c = coordinator
    expect(c.handlers.join({ trainer: 'a' }, 'peer-a')).toEqual({ firstRound: 0 })
    let answered = false
    const first = params(c, 0, 'peer-a').then(p => { answered = true; return p })
    await settle()
    expect(answered).toBe(false)
    c.handlers.join({ trainer: 'b' }, 'peer-b')
    const start = await first
    expect(start.header).toEqual({ round: 0, version: 0, done: false })
    expect(Array.from(start.params)).toEqual(new Array(SIZE).fill(1))

    expect(c.handlers.report(report('a', 0, 0.5), 'peer-a')).toEqual({ accepted: true, nextRound: 1 })
    // a name is bound to the peer that joined with it
    expect(c.handlers.report(report('b', 0, 0.5), 'peer-a')).toMatchObject({ accepted: false, reason: 'unknown-trainer' })
    expect(c.handlers.report(report('b', 0, 0.1), 'peer-b')).toEqual({ accepted: true, nextRound: 1 })
    const next = await params(c, 1, 'peer-a')
    expect(next.header).toEqual({ round: 1, version: 1, done: false })
    expect(next.params[0]).toBeCloseTo(1 - 0.3)
    const stored = group.data.get(roundKey(RUN))?.value as unknown as RoundRecord
    expect(stored).toMatchObject({ round: 0, version: 1, included: ['a', 'b'], token: 7, coordinator: 'me' })
    expect(commits).toHaveLength(1)

    c.handlers.report(report('a', 1, 0), 'peer-a')
    c.handlers.report(report('b', 1, 0), 'peer-b')
    const final = await c.finished
    expect(final.version).toBe(2)
    expect((await params(c, 2, 'peer-b')).header).toEqual({ round: 2, version: 2, done: true })
    expect(c.totals()).toMatchObject({ steps: 8, samples: 40 })
  })

  it('a trainer whose peer is gone no longer holds the round', async () => {
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group: memoryGroup(), token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 3, minTrainers: 2 })
    const c = coordinator
    c.handlers.join({ trainer: 'a' }, 'peer-a')
    c.handlers.join({ trainer: 'b' }, 'peer-b')
    await params(c, 0, 'peer-a')
    c.handlers.report(report('a', 0, 1), 'peer-a')
    c.peerGone('peer-b')
    const next = await params(c, 1, 'peer-a')
    expect(next.header.version).toBe(1)
    // it joins again (a restart) and is expected from the round after
    expect(c.handlers.join({ trainer: 'b' }, 'peer-b2').firstRound).toBe(2)
  })

  it('a coordinator taking over waits for the trainers it expects, a start timeout at most', async () => {
    const group = memoryGroup()
    await group.put(roundKey(RUN), { round: 2 })
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group, token: 5, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 5, round: 3, version: 3, revision: 1, minTrainers: 3, startTimeoutMs: 300 })
    const c = coordinator
    c.handlers.join({ trainer: 'a' }, 'peer-a')
    c.handlers.join({ trainer: 'b' }, 'peer-b')
    const started = Date.now()
    const first = await params(c, 3, 'peer-a')
    // the third never came back: the round opened at the timeout, with the two that did
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(first.header).toEqual({ round: 3, version: 3, done: false })
    expect(c.handlers.report(report('a', 3, 1), 'peer-a')).toEqual({ accepted: true, nextRound: 4 })
    expect(c.handlers.report(report('b', 3, 1), 'peer-b')).toEqual({ accepted: true, nextRound: 4 })
    expect((await params(c, 4, 'peer-a')).header).toEqual({ round: 4, version: 4, done: false })
  })

  it('a trainer joining once every other is gone is expected in the round it is told to start, even reporting before the next tick', async () => {
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group: memoryGroup(), token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 5 })
    const c = coordinator
    c.handlers.join({ trainer: 'a' }, 'peer-a')
    await params(c, 0, 'peer-a')
    c.handlers.report(report('a', 0, 1), 'peer-a')
    await params(c, 1, 'peer-a')
    c.peerGone('peer-a')
    // round 1 closed empty and no round is open; b joins, is handed the next and reports without yielding to the timer
    await settle()
    const { firstRound } = c.handlers.join({ trainer: 'b' }, 'peer-b')
    expect(firstRound).toBe(2)
    expect((await params(c, firstRound, 'peer-b')).header.round).toBe(firstRound)
    expect(c.handlers.report(report('b', firstRound, 1), 'peer-b')).toEqual({ accepted: true, nextRound: firstRound + 1 })
  })

  it('ends the run early once `until` says so, and the record says it is done', async () => {
    const group = memoryGroup()
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group, token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 10, until: round => round === 1 })
    const c = coordinator
    c.handlers.join({ trainer: 'a' }, 'peer-a')
    for (const round of [0, 1]) {
      await params(c, round, 'peer-a')
      c.handlers.report(report('a', round, 1), 'peer-a')
    }
    const final = await c.finished
    expect(final.version).toBe(2)
    expect((await params(c, 2, 'peer-a')).header).toEqual({ round: 2, version: 2, done: true })
    expect(group.data.get(roundKey(RUN))).toMatchObject({ revision: final.revision, value: { round: 1, done: true } })
  })

  it('stops once another coordinator moved the round key on', async () => {
    const group = memoryGroup()
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group, token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 60_000, rounds: 3 })
    const c = coordinator
    c.handlers.join({ trainer: 'a' }, 'peer-a')
    await params(c, 0, 'peer-a')
    await group.put(roundKey(RUN), { token: 2 })
    c.handlers.report(report('a', 0, 1), 'peer-a')
    await expect(c.finished).rejects.toThrow(/another coordinator/)
    expect((group.data.get(roundKey(RUN))?.value as any).token).toBe(2)
  })

  it('refuses malformed messages with typed errors', () => {
    coordinator = createRoundCoordinator({ run: RUN, peerId: 'me', group: memoryGroup(), token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 1_000, rounds: 1 })
    const c = coordinator
    expect(() => c.handlers.join({ trainer: 42 }, 'p')).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => c.handlers.report({ not: 'bytes' }, 'p')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    expect(() => c.handlers.report(new Uint8Array([255, 255, 255, 255, 1]), 'p')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    const wrongSize = encodeReport({ trainer: 'a', round: 0, samples: 1, steps: 1 }, new Float32Array(SIZE + 1), 'int8')
    expect(() => c.handlers.report(wrongSize, 'p')).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    const noSamples = encodeReport({ trainer: 'a', round: 0, samples: 0, steps: 1 }, new Float32Array(SIZE), 'int8')
    expect(() => decodeReport(noSamples, {})).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    expect(() => createRoundCoordinator({ run: RUN, peerId: 'me', group: memoryGroup(), token: 1, params: new Float32Array(SIZE), outer: { kind: 'average' }, roundTimeoutMs: 1_000, rounds: 0 }))
      .toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})
