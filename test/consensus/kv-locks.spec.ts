/**
 * Sessions and locks in the key-value state machine: one holder at a time,
 * fencing tokens that rise with every grant, leases kept by keepalives and
 * lapsing after their ttl of group time, and group time that never runs on
 * across a leader change.
 */
import { describe, expect, it } from 'vitest'
import { harness } from './kv-harness.ts'

const TTL_MS = 1_000

function open (h: ReturnType<typeof harness>, client: string, ttlMs = TTL_MS): number {
  return h.run({ op: 'session-open', ttlMs }, { client }).session
}

describe('kv state machine: locks', () => {
  it('grants one holder at a time, with tokens that rise group-wide', () => {
    const h = harness()
    const a = open(h, 'peer-a')
    const b = open(h, 'peer-b')
    const first = h.run({ op: 'lock', session: a, key: 'job', ttlMs: 0 }, { client: 'peer-a' })
    expect(first).toEqual({ granted: true, token: 1, revision: 1 })
    expect(h.run({ op: 'lock', session: b, key: 'job', ttlMs: 0 }, { client: 'peer-b' })).toEqual({ granted: false, token: 1, revision: 1, holder: a })
    expect(h.kv.holder('job')).toEqual({ session: a, owner: 'peer-a', token: 1 })
    h.put('x', 1)
    const other = h.run({ op: 'lock', session: b, key: 'other', ttlMs: 0 }, { client: 'peer-b' })
    expect(other.token).toBe(3)
    // a release with a stale token does nothing
    expect(h.run({ op: 'unlock', session: a, key: 'job', token: 99 })).toEqual({ released: false, revision: 3 })
    expect(h.run({ op: 'unlock', session: b, key: 'job', token: 1 })).toEqual({ released: false, revision: 3 })
    expect(h.run({ op: 'unlock', session: a, key: 'job', token: 1 })).toEqual({ released: true, revision: 4 })
    const second = h.run({ op: 'lock', session: b, key: 'job', ttlMs: 0 }, { client: 'peer-b' })
    expect(second).toEqual({ granted: true, token: 5, revision: 5 })
    expect(h.kv.changes(1, { locks: true })).toEqual([
      { type: 'lock', name: 'job', session: a, token: 1, revision: 1 },
      { type: 'lock', name: 'other', session: b, token: 3, revision: 3 },
      { type: 'unlock', name: 'job', session: a, token: 1, revision: 4 },
      { type: 'lock', name: 'job', session: b, token: 5, revision: 5 }
    ])
    // lock changes stay out of key watches
    expect(h.kv.changes(1).map(c => c.revision)).toEqual([2])
  })

  it('keeps a lock while keepalives come, and frees it ttl after they stop', () => {
    const h = harness()
    const a = open(h, 'peer-a')
    const b = open(h, 'peer-b', 60_000)
    h.run({ op: 'lock', session: a, key: 'job', ttlMs: 0 })
    for (let i = 0; i < 10; i++) {
      h.timeMs += 600
      expect(h.run({ op: 'keepalive', session: a })).toEqual({ session: a, ttlMs: TTL_MS })
      expect(h.run({ op: 'lock', session: b, key: 'job', ttlMs: 0 }).granted).toBe(false)
    }
    h.timeMs += TTL_MS
    // exactly ttl since the last keepalive: still held
    expect(h.run({ op: 'tick' })).toEqual({ revision: 1 })
    expect(h.kv.holder('job')?.session).toBe(a)
    expect(h.kv.msUntilExpiry()).toBe(0)
    h.timeMs += 1
    expect(h.run({ op: 'tick' })).toEqual({ revision: 2 })
    expect(h.kv.holder('job')).toBeUndefined()
    expect(h.run({ op: 'keepalive', session: a }).error).toBe('session-expired')
    expect(h.run({ op: 'lock', session: a, key: 'job', ttlMs: 0 }).error).toBe('session-expired')
    expect(h.run({ op: 'lock', session: b, key: 'job', ttlMs: 0 })).toEqual({ granted: true, token: 3, revision: 3 })
  })

  it('frees each lock after its own ttl, and a session no sooner than its longest lock', () => {
    const h = harness()
    const a = open(h, 'peer-a', 500)
    h.run({ op: 'lock', session: a, key: 'short', ttlMs: 0 })
    h.run({ op: 'lock', session: a, key: 'long', ttlMs: 2_000 })
    h.timeMs += 501
    h.run({ op: 'tick' })
    expect(h.kv.holder('short')).toBeUndefined()
    expect(h.kv.holder('long')?.session).toBe(a)
    expect(h.kv.session(a)?.ttlMs).toBe(2_000)
    h.timeMs += 1_500
    h.run({ op: 'tick' })
    expect(h.kv.holder('long')).toBeUndefined()
    expect(h.kv.session(a)).toBeUndefined()
  })

  it('releases every lock of a closed session', () => {
    const h = harness()
    const a = open(h, 'peer-a')
    h.run({ op: 'lock', session: a, key: 'x', ttlMs: 0 })
    h.run({ op: 'lock', session: a, key: 'y', ttlMs: 0 })
    expect(h.run({ op: 'session-close', session: a })).toEqual({ revision: 4 })
    expect(h.kv.changes(3, { locks: true }).map(c => [c.type, c.name])).toEqual([['unlock', 'x'], ['unlock', 'y']])
    expect(h.run({ op: 'session-close', session: a }).error).toBe('session-expired')
  })

  it('counts no time across a leader change, and ignores stamps of an older term', () => {
    const h = harness()
    const a = open(h, 'peer-a')
    h.run({ op: 'lock', session: a, key: 'job', ttlMs: 0 })
    h.timeMs = 900
    h.run({ op: 'tick' })
    expect(h.kv.clockMs()).toBe(900)
    // a new leader whose monotonic clock reads far ahead: only its own deltas count
    h.term = 2
    h.timeMs = 5_000_000
    h.run({ op: 'tick' })
    expect(h.kv.clockMs()).toBe(900)
    expect(h.kv.holder('job')?.session).toBe(a)
    // a late entry stamped in term 1 moves nothing
    h.run({ op: 'tick' }, { term: 1, timeMs: 10_000_000 })
    expect(h.kv.clockMs()).toBe(900)
    h.timeMs += 100
    h.run({ op: 'tick' })
    expect(h.kv.holder('job')?.session).toBe(a)
    h.timeMs += 1
    h.run({ op: 'tick' })
    expect(h.kv.holder('job')).toBeUndefined()
    // a clock that goes back within a term moves nothing either
    h.run({ op: 'tick' }, { timeMs: 0 })
    expect(h.kv.clockMs()).toBe(1_001)
  })

  it('refuses ttls out of bounds and too many sessions', () => {
    const h = harness({ maxSessions: 1 })
    expect(h.run({ op: 'session-open', ttlMs: 1 }).error).toBe('invalid-argument')
    const a = open(h, 'peer-a')
    expect(h.run({ op: 'session-open', ttlMs: TTL_MS }).error).toBe('quota-exceeded')
    expect(h.run({ op: 'lock', session: a, key: 'x', ttlMs: 10 }).error).toBe('invalid-argument')
  })
})
