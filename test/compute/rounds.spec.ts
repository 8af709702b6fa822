import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createRounds } from '../../src/compute/rounds.ts'
import { averageDeltas, computeDelta, createOuterOptimiser } from '../../src/compute/outer.ts'

const TIMEOUT_MS = 1_000
const delta = (...values: number[]): Float32Array => Float32Array.from(values)

function coordinator (ids: string[]): ReturnType<typeof createRounds> {
  const rounds = createRounds({ params: delta(10, 20), outer: { kind: 'average' }, roundTimeoutMs: TIMEOUT_MS })
  for (const id of ids) rounds.join(id, 0)
  rounds.tick(0)
  return rounds
}

describe('outer step', () => {
  it('averages deltas weighted by samples and moves the global parameters by them', () => {
    expect(computeDelta(delta(1, 1), delta(0.5, 2))).toEqual(delta(0.5, -1))
    const avg = averageDeltas([{ delta: delta(1, 0), samples: 30 }, { delta: delta(-1, 4), samples: 10 }], 2)
    expect(avg).toEqual(delta(0.5, 1))
    const global = delta(1, 1)
    createOuterOptimiser({ kind: 'average' }, 2).step(global, avg)
    expect(global).toEqual(delta(0.5, 0))
    expect(() => averageDeltas([], 2)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('applies Nesterov momentum: v = μv + Δ, θ −= lr (Δ + μv)', () => {
    const outer = createOuterOptimiser({ kind: 'nesterov', lr: 0.5, momentum: 0.5 }, 1)
    const global = delta(0)
    outer.step(global, delta(1)) // v = 1, θ = −0.5 (1 + 0.5)
    expect(global[0]).toBeCloseTo(-0.75)
    outer.step(global, delta(1)) // v = 1.5, θ −= 0.5 (1 + 0.75)
    expect(global[0]).toBeCloseTo(-1.625)
    expect(() => createOuterOptimiser({ kind: 'nesterov', lr: 0.5, momentum: 1 }, 1)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})

describe('round coordinator', () => {
  it('commits when every expected trainer reported, averaging by samples', () => {
    const rounds = coordinator(['a', 'b'])
    expect(rounds.state()).toMatchObject({ round: 0, version: 0, open: true, expected: ['a', 'b'], deadlineMs: TIMEOUT_MS })
    expect(rounds.report('a', 0, { delta: delta(1, 2), samples: 1 }, 10)).toEqual({ accepted: true, commit: undefined })
    const outcome = rounds.report('b', 0, { delta: delta(3, 2), samples: 3 }, 20)
    expect(outcome.accepted && outcome.commit).toMatchObject({ round: 0, version: 1, included: ['a', 'b'], leftOut: [], samples: 4, next: { round: 1, deadlineMs: 20 + TIMEOUT_MS } })
    expect(outcome.accepted && Array.from(outcome.commit?.params ?? [])).toEqual([7.5, 18])
  })

  it('leaves out a trainer late past the deadline and takes it back next round', () => {
    const rounds = coordinator(['a', 'b'])
    rounds.report('a', 0, { delta: delta(1, 1), samples: 1 }, 10)
    expect(rounds.tick(TIMEOUT_MS - 1)).toBeUndefined()
    const late = rounds.report('b', 0, { delta: delta(100, 100), samples: 1 }, TIMEOUT_MS + 5)
    expect(late).toMatchObject({ accepted: false, reason: 'late', commit: { round: 0, included: ['a'], leftOut: ['b'], dropped: [] } })
    expect(Array.from(rounds.state().expected)).toEqual(['a', 'b'])
    expect(rounds.report('b', 0, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 6)).toEqual({ accepted: false, reason: 'wrong-round' })
    rounds.report('b', 1, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 7)
    const outcome = rounds.report('a', 1, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 8)
    expect(outcome).toMatchObject({ accepted: true, commit: { round: 1, version: 2, included: ['a', 'b'] } })
  })

  it('gives a joiner the current parameters and expects it from the next round', () => {
    const rounds = coordinator(['a'])
    const answer = rounds.join('c', 5)
    expect(answer).toMatchObject({ version: 0, firstRound: 1 })
    expect(Array.from(answer.params)).toEqual([10, 20])
    expect(rounds.report('c', 0, { delta: delta(1, 1), samples: 1 }, 6)).toEqual({ accepted: false, reason: 'not-expected' })
    const outcome = rounds.report('a', 0, { delta: delta(1, 1), samples: 1 }, 7)
    expect(outcome).toMatchObject({ accepted: true, commit: { included: ['a'], leftOut: [] } })
    expect(rounds.state().expected).toEqual(['a', 'c'])
  })

  it('drops a trainer that stopped reporting, so it holds back no more than two rounds', () => {
    const rounds = coordinator(['a', 'dead'])
    rounds.report('a', 0, { delta: delta(1, 1), samples: 1 }, 10)
    expect(rounds.tick(TIMEOUT_MS)).toMatchObject({ leftOut: ['dead'], dropped: [] })
    rounds.report('a', 1, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 10)
    expect(rounds.tick(2 * TIMEOUT_MS)).toMatchObject({ leftOut: ['dead'], dropped: ['dead'] })
    // round 2 waits for 'a' alone and commits on its report
    expect(rounds.report('a', 2, { delta: delta(1, 1), samples: 1 }, 2 * TIMEOUT_MS + 1)).toMatchObject({ accepted: true, commit: { round: 2, version: 3 } })
    expect(rounds.report('dead', 3, { delta: delta(1, 1), samples: 1 }, 2 * TIMEOUT_MS + 2)).toEqual({ accepted: false, reason: 'unknown-trainer' })
  })

  it('commits at once when a trainer known to be gone leaves and the rest reported', () => {
    const rounds = coordinator(['a', 'b'])
    rounds.report('a', 0, { delta: delta(1, 1), samples: 1 }, 10)
    expect(rounds.leave('b', 20)).toMatchObject({ round: 0, included: ['a'], leftOut: ['b'] })
    expect(rounds.state().expected).toEqual(['a'])
  })

  it('counts the report of a trainer that left after making it', () => {
    const rounds = coordinator(['a', 'b'])
    rounds.report('b', 0, { delta: delta(2, 2), samples: 1 }, 10)
    expect(rounds.leave('b', 20)).toBeUndefined()
    const outcome = rounds.report('a', 0, { delta: delta(0, 0), samples: 1 }, 30)
    expect(outcome).toMatchObject({ accepted: true, commit: { included: ['a', 'b'], leftOut: [], version: 1 } })
    expect(Array.from(outcome.commit?.params ?? [])).toEqual([9, 19])
    expect(rounds.state().trainers).toEqual(['a'])
  })

  it('keeps the parameters when nobody reported, refuses duplicates and bad deltas', () => {
    const rounds = coordinator(['a', 'b'])
    expect(rounds.tick(TIMEOUT_MS)).toMatchObject({ version: 0, samples: 0, included: [], leftOut: ['a', 'b'] })
    expect(() => rounds.report('a', 1, { delta: delta(1), samples: 1 }, TIMEOUT_MS + 1)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => rounds.report('a', 1, { delta: delta(1, 1), samples: 0 }, TIMEOUT_MS + 1)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    rounds.report('a', 1, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 2)
    expect(rounds.report('a', 1, { delta: delta(1, 1), samples: 1 }, TIMEOUT_MS + 3)).toEqual({ accepted: false, reason: 'duplicate' })
    expect(rounds.state()).toMatchObject({ round: 1, version: 0, reported: ['a'] })
  })

  it('bounds its trainers', () => {
    const rounds = createRounds({ params: delta(0), outer: { kind: 'average' }, roundTimeoutMs: TIMEOUT_MS, maxTrainers: 2 })
    rounds.join('a', 0)
    rounds.join('b', 0)
    rounds.join('a', 0)
    expect(() => rounds.join('c', 0)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})

describe('coordinator takeover', () => {
  it('resumes from a commit and continues exactly as the first coordinator would', () => {
    const outer = { kind: 'nesterov', lr: 0.5, momentum: 0.5 } as const
    const first = createRounds({ params: delta(0, 0), outer, roundTimeoutMs: TIMEOUT_MS })
    first.join('a', 0)
    first.tick(0)
    const c0 = first.report('a', 0, { delta: delta(1, -1), samples: 1 }, 1).commit
    if (c0 == null) throw new Error('round 0 did not commit')
    const second = createRounds({ params: c0.params, outer, roundTimeoutMs: TIMEOUT_MS, round: c0.round + 1, version: c0.version, outerState: c0.outerState })
    second.join('a', 2)
    second.tick(2)
    const resumed = second.report('a', 1, { delta: delta(1, -1), samples: 1 }, 3).commit
    const carried = first.report('a', 1, { delta: delta(1, -1), samples: 1 }, 3).commit
    expect(resumed).toMatchObject({ round: 1, version: 2 })
    expect(Array.from(resumed?.params ?? [])).toEqual(Array.from(carried?.params ?? []))
    expect(() => createOuterOptimiser(outer, 3, delta(1))).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})

describe('round coordinator under any sequence of events', () => {
  const ids = ['a', 'b', 'c', 'd']
  const event = fc.oneof(
    fc.record({ kind: fc.constant('join' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('leave' as const), id: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('report' as const), id: fc.constantFrom(...ids), ahead: fc.integer({ min: -1, max: 1 }) }),
    fc.record({ kind: fc.constant('tick' as const) })
  )

  it('counts each report at most once, only from expected trainers, with rounds and versions rising by one', () => {
    fc.assert(fc.property(fc.array(fc.tuple(event, fc.integer({ min: 0, max: 700 })), { maxLength: 60 }), (events) => {
      const rounds = createRounds({ params: delta(0), outer: { kind: 'average' }, roundTimeoutMs: TIMEOUT_MS })
      let now = 0
      let lastRound = -1
      let lastVersion = 0
      let accepted = new Set<string>()
      const check = (commit?: ReturnType<typeof rounds.tick>, expected?: string[]): void => {
        if (commit == null) return
        expect(commit.round).toBe(lastRound + 1)
        expect(commit.version).toBe(lastVersion + (commit.included.length > 0 ? 1 : 0))
        expect(commit.included).toEqual([...accepted].sort())
        for (const id of commit.included) expect(expected).toContain(id)
        // every id in this toy run reports a delta of 1 per sample: the parameter counts the versions
        expect(commit.params[0] === -commit.version).toBe(true)
        lastRound = commit.round
        lastVersion = commit.version
        accepted = new Set()
      }
      for (const [e, step] of events) {
        now += step
        const before = rounds.state()
        if (e.kind === 'join') rounds.join(e.id, now)
        if (e.kind === 'leave') check(rounds.leave(e.id, now), before.expected)
        if (e.kind === 'tick') check(rounds.tick(now), before.expected)
        if (e.kind === 'report') {
          const outcome = rounds.report(e.id, before.round + e.ahead, { delta: delta(1), samples: 1 }, now)
          if (outcome.accepted) {
            expect(before.expected).toContain(e.id)
            expect(accepted.has(e.id)).toBe(false)
            accepted.add(e.id)
          }
          check(outcome.commit, before.expected)
        }
      }
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 500) })
  })
})
