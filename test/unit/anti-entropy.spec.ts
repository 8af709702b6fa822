import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PRESENCE_PROTOCOL } from '../../src/constants.ts'
import { AntiEntropy } from '../../src/presence/anti-entropy.ts'
import type { SyncResult } from '../../src/presence/table-sync.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

const INTERVAL_MS = 60_000
const NOTHING: SyncResult = { pages: 1, received: 0, applied: 0, sent: 0 }
const NEWS: SyncResult = { pages: 1, received: 1, applied: 1, sent: 0 }

const peer = (id: string): PeerId => ({ toString: () => id }) as unknown as PeerId

/** A libp2p with connections to `ids`, every one speaking presence. */
function fakeLibp2p (ids: string[]): Libp2p {
  return {
    getConnections: () => ids.map(id => ({ remotePeer: peer(id) })),
    peerStore: { get: async () => ({ protocols: [PRESENCE_PROTOCOL] }) }
  } as unknown as Libp2p
}

function antiEntropy (ids: string[], relays: string[], answer: (peer: string) => SyncResult): { synced: string[], ae: AntiEntropy } {
  const synced: string[] = []
  const ae = new AntiEntropy({
    libp2p: fakeLibp2p(ids),
    log: Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as any,
    sync: async (p) => {
      synced.push(p.toString())
      return answer(p.toString())
    },
    interval: () => INTERVAL_MS,
    isRelay: (p) => relays.includes(p.toString())
  })
  return { synced, ae }
}

describe('AntiEntropy', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    // no jitter: a first round at 4.5 s, quick rounds 2.25 s apart, slow ones an interval apart
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
  })
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  it('a starting peer keeps to quick rounds until a few in a row bring nothing, then slows to the refresh interval', async () => {
    const { synced, ae } = antiEntropy(['a', 'b'], [], () => NOTHING)
    ae.start()
    // the quick rounds of a starting peer all come within seconds
    await vi.advanceTimersByTimeAsync(20_000)
    expect(synced.length).toBe(3)
    // the third at 9 s; the next a refresh interval later, not sooner
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 12_000)
    expect(synced.length).toBe(3)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(synced.length).toBe(4)
    ae.stop()
  })

  it('rounds that bring news stay quick, whoever is asked', async () => {
    const { synced, ae } = antiEntropy(['a', 'b'], [], () => NEWS)
    ae.start()
    await vi.advanceTimersByTimeAsync(60_000)
    // a round every 1.5 to 3 s after the first
    expect(synced.length).toBeGreaterThan(15)
    ae.stop()
  })

  it('quick rounds leave relays alone, unless a relay is the only peer', async () => {
    const mixed = antiEntropy(['relay', 'a'], ['relay'], () => NEWS)
    mixed.ae.start()
    await vi.advanceTimersByTimeAsync(30_000)
    mixed.ae.stop()
    // the first round may pick anyone; the quick ones that follow pick the peer
    expect(mixed.synced.slice(1).every(p => p === 'a')).toBe(true)

    const relayOnly = antiEntropy(['relay'], ['relay'], () => NEWS)
    relayOnly.ae.start()
    await vi.advanceTimersByTimeAsync(30_000)
    relayOnly.ae.stop()
    expect(relayOnly.synced.length).toBeGreaterThan(5)
    expect(new Set(relayOnly.synced)).toEqual(new Set(['relay']))
  })
})
