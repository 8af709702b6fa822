import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Connector } from '../../src/presence/connector.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

const peer = (id: string): PeerId => ({ toString: () => id }) as unknown as PeerId
const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as any

/** A libp2p with no connections whose dials to learned peers fail or succeed as `fails` says. */
function fakeLibp2p (fails: (id: string) => boolean): { libp2p: Libp2p, dialled: string[] } {
  const dialled: string[] = []
  const libp2p = {
    getConnections: () => [],
    addEventListener: () => {},
    removeEventListener: () => {},
    dial: async (target: PeerId) => {
      const id = target.toString()
      dialled.push(id)
      if (fails(id)) {
        throw new Error('dial timed out')
      }
      return { remotePeer: target }
    }
  } as unknown as Libp2p
  return { libp2p, dialled }
}

function connector (fails: (id: string) => boolean): { connector: Connector, dialled: string[] } {
  const { libp2p, dialled } = fakeLibp2p(fails)
  const c = new Connector({ libp2p, log, bootstrap: [], minConnections: 6, onBootstrapConnected: async () => {}, candidates: () => [] })
  return { connector: c, dialled }
}

describe('Connector', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('after a failed dial, pauses its dials to learned peers, longer with each failure in a row', async () => {
    const { connector: c, dialled } = connector(() => true)
    await c.start()
    c.consider(peer('a'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a'])
    // paused for a second after one failure
    c.consider(peer('b'))
    await vi.advanceTimersByTimeAsync(900)
    c.consider(peer('b'))
    expect(dialled).toEqual(['a'])
    await vi.advanceTimersByTimeAsync(200)
    c.consider(peer('b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a', 'b'])
    // two in a row: two seconds
    await vi.advanceTimersByTimeAsync(1_500)
    c.consider(peer('c'))
    expect(dialled).toEqual(['a', 'b'])
    await vi.advanceTimersByTimeAsync(600)
    c.consider(peer('c'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a', 'b', 'c'])
    expect(c.counters).toMatchObject({ dials: 3, failed: 3 })
    c.stop()
  })

  it('does not dial a peer that failed again for a while, but dials others once the pause is over', async () => {
    const { connector: c, dialled } = connector(id => id === 'a')
    await c.start()
    c.consider(peer('a'))
    await vi.advanceTimersByTimeAsync(1_100)
    c.consider(peer('a'))
    c.consider(peer('b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a', 'b'])
    // a success ends the pauses: the next peer is dialled at once, the failed one still not
    c.consider(peer('a'))
    c.consider(peer('c'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a', 'b', 'c'])
    await vi.advanceTimersByTimeAsync(30_000)
    c.consider(peer('a'))
    await vi.advanceTimersByTimeAsync(0)
    expect(dialled).toEqual(['a', 'b', 'c', 'a'])
    c.stop()
  })
})
