import { describe, expect, it } from 'vitest'
import { inParts } from '../../node/gateway/split.ts'

const pause = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('a batch split into parts over workers', () => {
  it('asks for parts spread over the workers, at most so many at once, and returns results in input order', async () => {
    const items = Array.from({ length: 103 }, (_, i) => i)
    const asked: Array<{ part: number[], peer?: string }> = []
    let running = 0
    let most = 0
    const results = await inParts(items, { workers: ['a', 'b', 'c'], maxPartItems: 10, maxInFlight: 4 }, async (part, peer) => {
      asked.push({ part, peer })
      most = Math.max(most, ++running)
      // later parts finish first
      await pause(50 - part[0] / 3)
      running--
      return part.map(x => x * 2)
    })
    expect(results).toEqual(items.map(x => x * 2))
    expect(asked.map(a => a.part.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3])
    expect(new Set(asked.map(a => a.peer))).toEqual(new Set(['a', 'b', 'c']))
    expect(most).toBe(4)
  })

  it('makes as many parts as workers when the batch is small', async () => {
    const sizes: number[] = []
    await inParts(Array.from({ length: 30 }, (_, i) => i), { workers: ['a', 'b', 'c'], maxPartItems: 64, maxInFlight: 16 }, async (part) => {
      sizes.push(part.length)
      return part
    })
    expect(sizes).toEqual([10, 10, 10])
  })

  it('fails with the first part\'s failure and cancels the parts still running', async () => {
    const cancelled: number[] = []
    const boom = new Error('part failed')
    const err = await inParts(Array.from({ length: 40 }, (_, i) => i), { workers: ['a'], maxPartItems: 10, maxInFlight: 4 }, async (part, _peer, signal) => {
      if (part[0] === 10) {
        await pause(10)
        throw boom
      }
      await new Promise((resolve, reject) => {
        signal.addEventListener('abort', () => { cancelled.push(part[0]); reject(signal.reason) }, { once: true })
      })
      return part
    }).catch(e => e)
    expect(err).toBe(boom)
    expect(cancelled.sort((a, b) => a - b)).toEqual([0, 20, 30])
  })
})
