import { describe, expect, it } from 'vitest'
import { ResultCache } from '../../src/worker/result-cache.ts'

const result = (n: number): { payload: Uint8Array, codec: number } => ({ payload: new Uint8Array(n), codec: 1 })

describe('ResultCache', () => {
  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new ResultCache({ maxEntries: 3 })
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, result(1))
    expect(cache.size).toBe(3)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('d')).toBeDefined()
  })

  it('keeps at most maxBytes', () => {
    const cache = new ResultCache({ maxBytes: 1600 })
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, result(90))
    // each entry counts its payload and its key
    expect(cache.size * 90).toBeLessThanOrEqual(1600)
    expect(cache.size).toBeGreaterThan(10)
    expect(cache.get('k19')).toBeDefined()
    expect(cache.get('k0')).toBeUndefined()
  })

  it('forgets entries past their age', () => {
    const cache = new ResultCache({ ttlMs: 1000 })
    cache.set('old', result(1), 0)
    expect(cache.get('old', 500)).toBeDefined()
    expect(cache.get('old', 1001)).toBeUndefined()
    cache.set('a', result(1), 0)
    cache.set('b', result(1), 2000)
    // setting b pushed out the expired a
    expect(cache.size).toBe(1)
  })

  it('a key set again counts once and lives from its last set', () => {
    const cache = new ResultCache({ maxEntries: 2 })
    cache.set('a', result(1))
    cache.set('b', result(1))
    cache.set('a', result(2))
    cache.set('c', result(1))
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')?.payload?.byteLength).toBe(2)
    expect(cache.size).toBe(2)
  })

  it('stays fast under a long steady stream of results', () => {
    const cache = new ResultCache({ maxEntries: 10_000 })
    for (let i = 0; i < 200_000; i++) cache.set(`peer/${i}`, result(16))
    expect(cache.size).toBe(10_000)
  })
})
