/**
 * The linearizability checker on histories whose answer is known: classic
 * anomalies written by hand, histories built from a sequential run (so
 * linearizable), and the same with one read made stale (so not).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCommand, encodeValue, kvStateMachine } from '../../src/consensus/kv/index.ts'
import { check, checkKv, recorder } from '../helpers/linearizability/index.ts'
import { corruptOneRead, linearizableHistory } from '../helpers/linearizability/generate.ts'
import type { KvInput, KvOperation, KvOutput, Model, Operation } from '../helpers/linearizability/index.ts'

const op = (input: KvInput, output: KvOutput, callAt: number, returnAt?: number): KvOperation =>
  returnAt == null ? { input, callAt } : { input, output, callAt, returnAt }
const put = (key: string, value: number, revision: number, callAt: number, returnAt?: number): KvOperation =>
  op({ op: 'put', key, value }, { revision }, callAt, returnAt)
const get = (key: string, found: [number, number] | undefined, callAt: number, returnAt: number): KvOperation =>
  op({ op: 'get', key }, found == null ? undefined : { value: found[0], revision: found[1] }, callAt, returnAt)
const cas = (key: string, expected: number, value: number, ok: boolean, revision: number, callAt: number, returnAt?: number): KvOperation =>
  op({ op: 'cas', key, expected, value }, { ok, revision }, callAt, returnAt)
const del = (key: string, deleted: boolean, revision: number, callAt: number, returnAt?: number): KvOperation =>
  op({ op: 'delete', key }, { revision, deleted }, callAt, returnAt)

describe('linearizability checker: known histories', () => {
  it('accepts sequential and overlapping histories that have a linearization', () => {
    expect(checkKv([put('a', 1, 1, 0, 1), get('a', [1, 1], 2, 3), del('a', true, 2, 4, 5), get('a', undefined, 6, 7)]).result).toBe('ok')
    // a read overlapping a write may see either side
    expect(checkKv([put('a', 1, 1, 0, 1), put('a', 2, 2, 2, 10), get('a', [1, 1], 3, 4), get('a', [2, 2], 5, 6)]).result).toBe('ok')
    // ... in whichever order the write fits
    expect(checkKv([put('a', 1, 1, 0, 1), put('a', 2, 2, 2, 10), get('a', [2, 2], 3, 4)]).result).toBe('ok')
    // concurrent writes are ordered by their revisions
    expect(checkKv([put('a', 1, 2, 0, 10), put('a', 2, 1, 0, 10), get('a', [1, 2], 11, 12)]).result).toBe('ok')
    // a failed cas reports the revision it saw; a cas on 0 creates
    expect(checkKv([cas('a', 0, 1, true, 1, 0, 1), cas('a', 0, 2, false, 1, 2, 3), cas('a', 1, 3, true, 2, 4, 5), del('b', false, 2, 6, 7)]).result).toBe('ok')
  })

  it('finds a stale read after an acknowledged write', () => {
    const history = [put('a', 1, 1, 0, 1), put('a', 2, 2, 2, 3), get('a', [1, 1], 4, 5)]
    expect(checkKv(history)).toMatchObject({ result: 'illegal', partition: 'a' })
  })

  it('finds a lost update: two successful cas on the same revision', () => {
    const history = [put('a', 1, 1, 0, 1), cas('a', 1, 10, true, 2, 2, 5), cas('a', 1, 20, true, 3, 2, 5)]
    expect(checkKv(history).result).toBe('illegal')
  })

  it('finds a read that saw a write before the write was called', () => {
    expect(checkKv([get('a', [1, 1], 0, 1), put('a', 1, 1, 2, 3)]).result).toBe('illegal')
    // and a read that saw a deleted key come back
    expect(checkKv([put('a', 1, 1, 0, 1), del('a', true, 2, 2, 3), get('a', [1, 1], 4, 5)]).result).toBe('illegal')
  })

  it('lets a write of unknown outcome take effect at any point after its call, or never', () => {
    const unknownPut = put('a', 2, 0, 2)
    expect(checkKv([put('a', 1, 1, 0, 1), unknownPut, get('a', [1, 1], 3, 4)]).result).toBe('ok')
    expect(checkKv([put('a', 1, 1, 0, 1), unknownPut, get('a', [2, 7], 30, 31), get('a', [2, 7], 40, 41)]).result).toBe('ok')
    // its revision, once seen, is what later writes must rise above
    expect(checkKv([put('a', 1, 1, 0, 1), unknownPut, get('a', [2, 7], 30, 31), cas('a', 7, 3, true, 8, 40, 41)]).result).toBe('ok')
    expect(checkKv([put('a', 1, 1, 0, 1), unknownPut, get('a', [2, 7], 30, 31), get('a', [2, 8], 40, 41)]).result).toBe('illegal')
    // not before its call
    expect(checkKv([put('a', 1, 1, 0, 1), get('a', [2, 7], 1.5, 1.8), unknownPut]).result).toBe('illegal')
    // and once seen it cannot be undone
    expect(checkKv([put('a', 1, 1, 0, 1), unknownPut, get('a', [2, 7], 30, 31), get('a', [1, 1], 40, 41)]).result).toBe('illegal')
    // an unknown cas that matched may have written
    expect(checkKv([put('a', 1, 1, 0, 1), cas('a', 1, 5, false, 0, 2), get('a', [5, 4], 10, 11)]).result).toBe('ok')
    expect(checkKv([put('a', 1, 1, 0, 1), cas('a', 9, 5, false, 0, 2), get('a', [5, 4], 10, 11)]).result).toBe('illegal')
  })

  it('bounds when a write of unknown outcome took effect, when the system guarantees a bound', () => {
    // seen after a later write overwrote it: it must have come after that write
    const history = [put('a', 1, 1, 0, 1), put('a', 2, 0, 2), put('a', 3, 3, 25, 26), get('a', [2, 7], 30, 31)]
    expect(checkKv(history).result).toBe('ok')
    expect(checkKv(history, { unknownEffectWithin: 50 }).result).toBe('ok')
    expect(checkKv(history, { unknownEffectWithin: 20 }).result).toBe('illegal')
    // past its deadline it is as if it never happened
    expect(checkKv([...history.slice(0, 2), get('a', [1, 1], 30, 31)], { unknownEffectWithin: 20 }).result).toBe('ok')
  })

  it('checks that revisions are group-wide across keys', () => {
    expect(checkKv([put('a', 1, 5, 0, 1), put('b', 1, 3, 2, 3)])).toMatchObject({ result: 'illegal', partition: '(revisions)' })
    expect(checkKv([put('a', 1, 5, 0, 1), put('b', 1, 5, 0, 3)])).toMatchObject({ result: 'illegal', partition: '(revisions)' })
    expect(checkKv([put('a', 1, 5, 0, 10), put('b', 1, 3, 2, 3)]).result).toBe('ok')
  })

  it('answers unknown rather than search past its budget', () => {
    // many writes of unknown outcome, then a read none of them explains: every subset is tried
    const history = [put('a', 0, 1, 0, 1)]
    for (let i = 0; i < 40; i++) history.push(put('a', i + 1, 0, 2))
    history.push(get('a', [99, 99], 3, 4))
    expect(checkKv(history, { maxSteps: 30_000 })).toMatchObject({ result: 'unknown', reason: 'budget' })
  })

  it('is generic over the model: a FIFO queue', () => {
    type QIn = { op: 'enq', v: number } | { op: 'deq' }
    const queue: Model<number[], QIn, number | undefined> = {
      init: () => [],
      hash: s => s.join(','),
      step: (s, input, output) => input.op === 'enq' ? [...s, input.v] : s[0] === output ? s.slice(1) : undefined
    }
    const enq = (v: number, callAt: number, returnAt: number): Operation<QIn, number | undefined> => ({ input: { op: 'enq', v }, callAt, returnAt })
    const deq = (v: number | undefined, callAt: number, returnAt: number): Operation<QIn, number | undefined> => ({ input: { op: 'deq' }, output: v, callAt, returnAt })
    expect(check(queue, [enq(1, 0, 10), enq(2, 0, 10), deq(2, 11, 12), deq(1, 13, 14)]).result).toBe('ok')
    expect(check(queue, [enq(1, 0, 1), enq(2, 2, 3), deq(2, 4, 5)]).result).toBe('illegal')
  })
})

describe('linearizability checker: generated histories', () => {
  it('accepts every history built from a sequential run, and refuses it with one read made stale', () => {
    // few operations of unknown outcome per key: many open at once on one key is where the search is exponential
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 12 }), (seed, keys, overlap) => {
      const history = linearizableHistory({ operations: 400, keys, overlap, unknownShare: 0.02, seed })
      expect(checkKv(history, { maxSteps: 1_000_000 }).result).toBe('ok')
      const corrupt = corruptOneRead(history, seed)
      if (corrupt != null) {
        expect(checkKv(corrupt, { maxSteps: 1_000_000 }).result).toBe('illegal')
      }
    }), { numRuns: 100, seed: 20261201 })
  })

  it('does the same on one much-contended key', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 12 }), (seed, overlap) => {
      const history = linearizableHistory({ operations: 400, keys: 1, overlap, seed })
      expect(checkKv(history, { maxSteps: 1_000_000 }).result).toBe('ok')
      const corrupt = corruptOneRead(history, seed)
      if (corrupt != null) {
        expect(checkKv(corrupt, { maxSteps: 1_000_000 }).result).toBe('illegal')
      }
    }), { numRuns: 40, seed: 20261202 })
  })

  it('copes with many writes of unknown outcome on one key given a bound on when they took effect', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), (seed, overlap) => {
      const history = linearizableHistory({ operations: 400, keys: 1, overlap, unknownShare: 0.1, seed })
      // the generator's writes take effect within overlap * 10 of their call
      const options = { maxSteps: 1_000_000, unknownEffectWithin: overlap * 10 + 1 }
      expect(checkKv(history, options).result).toBe('ok')
      const corrupt = corruptOneRead(history, seed)
      if (corrupt != null) {
        expect(checkKv(corrupt, options).result).toBe('illegal')
      }
    }), { numRuns: 40, seed: 20261203 })
  })

  it('checks a few thousand operations within its default budget', () => {
    const history = linearizableHistory({ operations: 5_000, keys: 10, overlap: 8, unknownShare: 0.02, seed: 7 })
    expect(checkKv(history).result).toBe('ok')
    const corrupt = corruptOneRead(history, 7)
    expect(corrupt).toBeDefined()
    expect(checkKv(corrupt!).result).toBe('illegal')
  })
})

describe('linearizability checker: recorded histories', () => {
  it('accepts a history recorded from concurrent calls on a linearizable store', async () => {
    const kv = kvStateMachine()
    let index = 0
    let seq = 0
    const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
    const history = recorder<KvInput, KvOutput>()
    const client = async (id: number): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const key = `k${(id + i) % 3}`
        const input: KvInput = i % 3 === 0 ? { op: 'get', key } : { op: 'put', key, value: id * 100 + i }
        const call = history.invoke(id, input)
        await sleep(Math.random() * 3)
        // the call takes effect here, inside its interval
        let output: KvOutput
        if (input.op === 'get') {
          const found = kv.get(key)
          output = found == null ? undefined : { value: found.value, revision: found.revision }
        } else {
          output = kv.apply({ index: ++index, term: 1, type: 'normal', data: encodeCommand({ op: 'put', key, value: encodeValue(input.value as number), client: 'c', seq: ++seq, term: 1, timeMs: 0 }) }) as KvOutput
        }
        await sleep(Math.random() * 3)
        // now and then the caller never hears back, or hears of a refusal before anything happened
        if (i % 11 === 5) call.unknown()
        else call.ok(output)
      }
      history.invoke(id, { op: 'put', key: 'k0', value: -1 }).failed()
    }
    await Promise.all([1, 2, 3, 4].map(client))
    const ops = history.operations()
    expect(ops.length).toBe(120)
    expect(ops.filter(op => op.returnAt == null).length).toBe(12)
    expect(checkKv(ops).result).toBe('ok')
  })
})
