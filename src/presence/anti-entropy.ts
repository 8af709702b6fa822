/**
 * Anti-entropy: now and then a peer pulls the whole table of a random peer
 * it is connected to (and shortly after joining, its bootstrap peer's once
 * more), so an announcement gossip missed — a peer that joined in a burst,
 * a message lost in a partition — is caught up without waiting for the
 * next refresh. It runs at the presence refresh rate, which stretches with
 * the mesh, so each peer's cost stays flat as the mesh grows.
 */
import { PRESENCE_PROTOCOL } from '../constants.ts'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'

/** After joining, the bootstrap peer's table is pulled again this much later. */
const CATCH_UP_DELAY_MS = 3_000
/**
 * The first round with a random peer comes this soon after starting (plus
 * up to as much again), not a whole interval later: peers joining in a burst
 * learn of each other from each other.
 */
const FIRST_ROUND_MS = 10_000
const SYNC_TIMEOUT_MS = 10_000

export interface AntiEntropyInit {
  libp2p: Libp2p
  log: Logger
  /** Pulls a peer's table (Presence.sync) */
  sync(peerId: PeerId, signal: AbortSignal): Promise<void>
  /** The current presence refresh interval */
  interval(): number
}

export class AntiEntropy {
  private readonly init: AntiEntropyInit
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private running = false

  constructor (init: AntiEntropyInit) {
    this.init = init
  }

  start (): void {
    this.running = true
    this.schedule(() => { void this.round() }, FIRST_ROUND_MS * (1 + Math.random()))
  }

  stop (): void {
    this.running = false
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  /** Pulls `peerId`'s table once more shortly: it was joined while others were joining too. */
  catchUp (peerId: PeerId): void {
    this.schedule(() => { void this.pull(peerId) }, CATCH_UP_DELAY_MS)
  }

  private async round (): Promise<void> {
    const peer = await this.randomPeer()
    if (peer != null) {
      await this.pull(peer)
    }
    if (this.running) {
      this.schedule(() => { void this.round() }, this.init.interval() * (0.8 + Math.random() * 0.4))
    }
  }

  private async pull (peerId: PeerId): Promise<void> {
    if (!this.running) {
      return
    }
    try {
      await this.init.sync(peerId, AbortSignal.timeout(SYNC_TIMEOUT_MS))
    } catch (err: any) {
      this.init.log('anti-entropy with %p failed: %s', peerId, err.message)
    }
  }

  private async randomPeer (): Promise<PeerId | undefined> {
    const { libp2p } = this.init
    const peers = [...new Map(libp2p.getConnections().map(c => [c.remotePeer.toString(), c.remotePeer])).values()]
    // a few tries find one that speaks presence (relays and peers all do; a stray connection may not)
    for (let i = 0; i < 3 && peers.length > 0; i++) {
      const peer = peers.splice(Math.floor(Math.random() * peers.length), 1)[0]
      try {
        if ((await libp2p.peerStore.get(peer)).protocols.includes(PRESENCE_PROTOCOL)) {
          return peer
        }
      } catch {}
    }
    return undefined
  }

  private schedule (fn: () => void, delayMs: number): void {
    if (!this.running) {
      return
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, delayMs)
    this.timers.add(timer)
  }
}
