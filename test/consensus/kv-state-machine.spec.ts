/**
 * The key-value state machine: every command, dedup, watch history bounds,
 * and bad bytes turned into error results.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeValue, kvStateMachine, MAX_COMMAND_BYTES } from '../../src/consensus/kv/index.ts'
import { harness } from './kv-harness.ts'

describe('kv state machine: keys', () => {
  it('puts, gets and deletes with group-wide revisions', () => {
    const h = harness()
    expect(h.put('a', { x: 1 })).toEqual({ revision: 1 })
    expect(h.put('b', 'text')).toEqual({ revision: 2 })
    expect(h.put('a', [1, null])).toEqual({ revision: 3 })
    expect(h.kv.get('a')).toEqual({ value: [1, null], revision: 3, createRevision: 1, version: 2 })
    expect(h.run({ op: 'delete', key: 'a' })).toEqual({ revision: 4, deleted: true })
    expect(h.kv.get('a')).toBeUndefined()
    // deleting an absent key writes nothing
    expect(h.run({ op: 'delete', key: 'a' })).toEqual({ revision: 4, deleted: false })
    expect(h.put('a', 0)).toEqual({ revision: 5 })
    expect(h.kv.get('a')).toEqual({ value: 0, revision: 5, createRevision: 5, version: 1 })
    expect(h.kv.revision()).toBe(5)
    expect(h.kv.range('').map(k => k.key)).toEqual(['a', 'b'])
  })

  it('compare-and-sets on the key revision, 0 meaning absent', () => {
    const h = harness()
    expect(h.run({ op: 'cas', key: 'k', expectedRevision: 0, value: encodeValue(1) })).toEqual({ ok: true, revision: 1 })
    expect(h.run({ op: 'cas', key: 'k', expectedRevision: 0, value: encodeValue(2) })).toEqual({ ok: false, revision: 1 })
    h.put('other', 1)
    expect(h.run({ op: 'cas', key: 'k', expectedRevision: 2, value: encodeValue(3) })).toEqual({ ok: false, revision: 1 })
    expect(h.run({ op: 'cas', key: 'k', expectedRevision: 1, value: encodeValue(4) })).toEqual({ ok: true, revision: 3 })
    expect(h.kv.get('k')?.value).toBe(4)
  })

  it('refuses bad keys and values with error results', () => {
    const h = harness({ maxKeys: 2 })
    expect(h.put('', 1).error).toBe('invalid-argument')
    expect(h.put('x'.repeat(2000), 1).error).toBe('invalid-argument')
    expect(h.run({ op: 'put', key: 'k', value: new TextEncoder().encode('{not json') }).error).toBe('invalid-argument')
    expect(h.run({ op: 'put', key: 'k', value: new Uint8Array([0xff, 0xfe]) }).error).toBe('invalid-argument')
    h.put('a', 1)
    h.put('b', 1)
    expect(h.put('c', 1).error).toBe('quota-exceeded')
    expect(h.put('a', 2)).toEqual({ revision: 3 })
    expect(() => encodeValue('x'.repeat(2 * 1024 * 1024))).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})

describe('kv state machine: bad bytes', () => {
  it('turns any bytes into a result, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
      const h = harness()
      const result = h.applyData(bytes)
      expect(result === undefined || typeof result === 'object').toBe(true)
      // the machine goes on
      expect(h.put('after', 1)).toHaveProperty('revision')
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) })
  })

  it('refuses an oversized command, an unknown version and an unknown op', () => {
    const h = harness()
    expect(h.applyData(new Uint8Array(MAX_COMMAND_BYTES + 1))).toMatchObject({ error: 'bad-command' })
    // field 1 (version) = 9
    expect(h.applyData(new Uint8Array([0x08, 9]))).toMatchObject({ error: 'bad-command' })
    // version 1, op 99
    expect(h.applyData(new Uint8Array([0x08, 1, 0x10, 99]))).toMatchObject({ error: 'bad-command' })
    expect(h.kv.revision()).toBe(0)
  })

  it('skips entries without a command and refuses ones already applied', () => {
    const kv = kvStateMachine()
    expect(kv.apply({ index: 1, term: 1, type: 'normal', data: new Uint8Array(0) })).toBeUndefined()
    expect(kv.apply({ index: 2, term: 1, type: 'conf', data: new Uint8Array([1, 2]) })).toBeUndefined()
    expect(kv.apply({ index: 2, term: 1, type: 'normal', data: new Uint8Array(0) })).toMatchObject({ error: 'already-applied' })
    expect(kv.appliedIndex()).toBe(2)
  })
})

describe('kv state machine: proposal dedup', () => {
  it('returns the first result to a proposal applied twice', () => {
    const h = harness()
    const data = h.data({ op: 'put', key: 'a', value: encodeValue(1) })
    expect(h.applyData(data)).toEqual({ revision: 1 })
    h.put('b', 2)
    expect(h.applyData(data)).toEqual({ revision: 1 })
    expect(h.kv.revision()).toBe(2)
    expect(h.kv.get('a')?.revision).toBe(1)
    // a different client with the same seq is a different proposal
    expect(h.run({ op: 'put', key: 'a', value: encodeValue(3) }, { client: 'client-b', seq: 1 })).toEqual({ revision: 3 })
  })

  it('refuses a proposal older than the results it keeps, rather than writing it twice', () => {
    const h = harness({ dedupResultsPerClient: 4 })
    const first = h.data({ op: 'put', key: 'a', value: encodeValue(1) })
    h.applyData(first)
    for (let i = 0; i < 4; i++) h.put('b', i)
    expect(h.applyData(first)).toMatchObject({ error: 'duplicate-expired' })
    expect(h.kv.revision()).toBe(5)
  })

  it('keeps results for a bounded number of clients, forgetting the least recently seen', () => {
    const h = harness({ dedupClients: 2 })
    const a = h.data({ op: 'put', key: 'k', value: encodeValue('a') }, { client: 'a', seq: 1 })
    h.applyData(a)
    h.run({ op: 'put', key: 'k', value: encodeValue('b') }, { client: 'b', seq: 1 })
    expect(h.applyData(a)).toEqual({ revision: 1 })
    h.run({ op: 'put', key: 'k', value: encodeValue('c') }, { client: 'c', seq: 1 })
    // a was seen more recently than b, so b went
    expect(h.run({ op: 'put', key: 'k', value: encodeValue('b') }, { client: 'b', seq: 1 })).toEqual({ revision: 4 })
  })
})

describe('kv state machine: watch history', () => {
  it('gives every change from a revision, in order, filtered by prefix', () => {
    const h = harness()
    h.put('app/a', 1)
    h.put('other', 2)
    h.put('app/b', 3)
    h.run({ op: 'delete', key: 'app/a' })
    expect(h.kv.changes(1, { prefix: 'app/' })).toEqual([
      { type: 'put', key: 'app/a', value: 1, revision: 1 },
      { type: 'put', key: 'app/b', value: 3, revision: 3 },
      { type: 'delete', key: 'app/a', revision: 4 }
    ])
    expect(h.kv.changes(3).map(c => c.revision)).toEqual([3, 4])
    expect(h.kv.changes(5)).toEqual([])
    expect(h.kv.changes(0).length).toBe(4)
    expect(h.kv.changes(1, { limit: 2 }).map(c => c.revision)).toEqual([1, 2])
  })

  it('is bounded by count and by bytes, and says when a revision is compacted', () => {
    const h = harness({ historyChanges: 10, historyBytes: 1_000_000 })
    for (let i = 0; i < 25; i++) h.put('k', i)
    expect(h.kv.oldestRevision()).toBe(16)
    expect(h.kv.changes(16).map(c => c.revision)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25])
    expect(() => h.kv.changes(15)).toThrow(expect.objectContaining({ name: 'CompactedError', oldestRevision: 16 }))

    const b = harness({ historyChanges: 1000, historyBytes: 10_000 })
    for (let i = 0; i < 10; i++) b.put('k', 'x'.repeat(3000))
    expect(b.kv.changes(b.kv.oldestRevision()).length).toBeLessThanOrEqual(3)
    expect(b.kv.oldestRevision()).toBeGreaterThan(7)
  })
})
