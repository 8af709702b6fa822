/**
 * Snapshots of the key-value state machine: the same state gives the same
 * bytes, and a restored machine goes on exactly like the one it came from.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCommand, encodeValue, kvStateMachine } from '../../src/consensus/kv/index.ts'
import type { Command } from '../../src/consensus/kv/index.ts'
import type { Entry } from '../../src/consensus/log-types.ts'

const LIMITS = { historyChanges: 20, dedupClients: 3, dedupResultsPerClient: 4 }

const keys = fc.constantFrom('a', 'b', 'c/d', 'c/e')
const stamp = fc.record({
  client: fc.constantFrom('', 'p1', 'p2', 'p3', 'p4'),
  seq: fc.integer({ min: 1, max: 30 }),
  term: fc.integer({ min: 0, max: 3 }),
  timeMs: fc.integer({ min: 0, max: 5_000 })
})
const body: fc.Arbitrary<any> = fc.oneof(
  fc.record({ op: fc.constant('put'), key: keys, value: fc.jsonValue({ maxDepth: 2 }).map(v => encodeValue(v as any)) }),
  fc.record({ op: fc.constant('delete'), key: keys }),
  fc.record({ op: fc.constant('cas'), key: keys, expectedRevision: fc.integer({ min: 0, max: 10 }), value: fc.constant(encodeValue(1)) }),
  fc.record({ op: fc.constant('session-open'), ttlMs: fc.integer({ min: 100, max: 3_000 }) }),
  fc.record({ op: fc.constant('keepalive'), session: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('session-close'), session: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('lock'), session: fc.integer({ min: 1, max: 4 }), key: keys, ttlMs: fc.constantFrom(0, 500, 2_000) }),
  fc.record({ op: fc.constant('unlock'), session: fc.integer({ min: 1, max: 4 }), key: keys, token: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ op: fc.constant('tick') })
)
const commands = fc.array(fc.tuple(stamp, body).map(([s, b]) => encodeCommand({ ...s, ...b } as Command)), { maxLength: 80 })

const entries = (data: Uint8Array[], from = 1): Entry[] => data.map((d, i) => ({ index: from + i, term: 1, type: 'normal', data: d }))

describe('kv state machine: snapshots', () => {
  it('gives the same bytes for the same state, and a restored machine goes on alike', () => {
    fc.assert(fc.property(commands, commands, (before, after) => {
      const one = kvStateMachine(LIMITS)
      const two = kvStateMachine(LIMITS)
      for (const e of entries(before)) {
        expect(two.apply(e)).toEqual(one.apply(e))
      }
      const bytes = one.snapshot()
      expect(two.snapshot()).toEqual(bytes)
      const restored = kvStateMachine(LIMITS)
      restored.restore({ index: before.length, term: 1, members: [], data: bytes })
      expect(restored.snapshot()).toEqual(bytes)
      expect(restored.revision()).toBe(one.revision())
      expect(restored.range('')).toEqual(one.range(''))
      for (const e of entries(after, before.length + 1)) {
        expect(restored.apply(e)).toEqual(one.apply(e))
      }
      expect(restored.snapshot()).toEqual(one.snapshot())
      expect(restored.changes(restored.oldestRevision())).toEqual(one.changes(one.oldestRevision()))
    }), { numRuns: 300 })
  })

  it('refuses bytes that are not a snapshot', () => {
    const kv = kvStateMachine()
    expect(() => { kv.restore({ index: 1, term: 1, members: [], data: new Uint8Array([0xff, 0xff, 0xff]) }) }).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    expect(() => { kv.restore({ index: 1, term: 1, members: [], data: new Uint8Array([0x08, 7]) }) }).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })
})
