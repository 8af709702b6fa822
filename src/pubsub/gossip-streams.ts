/**
 * Keeps a gossip stream open to every connected peer that speaks
 * gossipsub. Gossipsub opens its outbound streams one at a time as
 * connections come up and does not try again when one fails — a stream
 * negotiation that times out on a busy peer or relay in a burst of joins,
 * a stream the other side reset. Such a peer then never hears this node's
 * messages, presence announcements among them, and learns of them only at
 * its next table sync, which in a large mesh is a long refresh away. Now
 * and then this node hands gossipsub the connections that still lack a
 * stream, a few at a time, so it opens them again.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'

/** How often the connections are looked over. */
const CHECK_INTERVAL_MS = 2_000
/** Streams asked for again per check, at most. */
const MAX_REOPENS_PER_CHECK = 8
/** A peer whose stream was asked for again is not asked for again sooner than this (beyond a stream negotiation's timeout). */
const REOPEN_BACKOFF_MS = 15_000

/**
 * The parts of gossipsub's implementation this reads: its peers, its
 * outbound streams, and its queue of outbound streams to open, which it
 * fills itself as connections open.
 */
interface GossipInternals {
  peers?: Map<string, PeerId>
  streamsOutbound?: Map<string, unknown>
  outboundInflightQueue?: { push(item: { peerId: PeerId, connection: Connection }): void }
}

/** Running totals, for benchmarks and diagnosis. */
export interface GossipStreamCounters {
  /** Streams asked for again */
  reopened: number
}

export class GossipStreams {
  private readonly libp2p: Libp2p
  private readonly pubsub: GossipSub
  readonly counters: GossipStreamCounters = { reopened: 0 }
  /** Peers seen without a stream, and when they may be asked for again (0: seen once, not asked yet) */
  private missing = new Map<string, number>()
  private timer?: ReturnType<typeof setInterval>

  constructor (libp2p: Libp2p, pubsub: GossipSub) {
    this.libp2p = libp2p
    this.pubsub = pubsub
  }

  start (): void {
    this.timer = setInterval(() => { this.check() }, CHECK_INTERVAL_MS)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.missing.clear()
  }

  /**
   * Asks for the streams missing at two checks in a row: one missing at the
   * first may still be on its way. Only peers gossipsub holds are looked at,
   * so what is remembered is bounded by its peers.
   */
  private check (): void {
    const { peers, streamsOutbound, outboundInflightQueue: queue } = this.pubsub as unknown as GossipInternals
    if (peers == null || streamsOutbound == null || queue == null) {
      return
    }
    const now = Date.now()
    const missing = new Map<string, number>()
    let asked = 0
    for (const [id, peerId] of peers) {
      if (streamsOutbound.has(id)) {
        continue
      }
      const retryAt = this.missing.get(id)
      const connection = this.libp2p.getConnections(peerId).find(c => c.status === 'open')
      if (retryAt == null || connection == null || now < retryAt || asked >= MAX_REOPENS_PER_CHECK) {
        missing.set(id, retryAt ?? 0)
        continue
      }
      queue.push({ peerId, connection })
      missing.set(id, now + REOPEN_BACKOFF_MS)
      asked++
      this.counters.reopened++
    }
    this.missing = missing
  }
}
