/**
 * Anti-entropy: now and then a peer syncs tables with a random peer it is
 * connected to (and shortly after joining, with its bootstrap peer once
 * more), so an announcement gossip missed — a peer that joined in a burst,
 * a message lost in a partition — is caught up without waiting for the
 * next refresh. A sync sends a digest and only the entries one side lacks,
 * so peers that agree pay little. It runs at the presence refresh rate,
 * which stretches with the mesh, so each peer's cost stays flat as the
 * mesh grows; while syncs still bring news (a mesh filling after a burst
 * of joins) the next round comes soon, as in push-pull epidemics, which
 * spread an update to all N peers in O(log N) rounds. A peer that has just
 * started keeps to the quick rounds until a few in a row bring nothing: in
 * a burst of joins one quiet round says little, and gossip, whose links
 * form a while after the connections, may not yet reach it. Quick rounds
 * prefer peers that are not relays (every joiner syncs with those already),
 * and fall back to a relay when it is the only peer this node has.
 */
import { PRESENCE_PROTOCOL } from '../constants.ts'
import type { SyncResult } from './table-sync.ts'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'

/** After joining, the bootstrap peer's table is pulled again this much later. */
const CATCH_UP_DELAY_MS = 2_000
/**
 * The first round with a random peer comes this soon after starting (plus
 * up to as much again), not a whole interval later: peers joining in a burst
 * learn of each other from each other.
 */
const FIRST_ROUND_MS = 3_000
/** A round that changed either table is followed by another this soon (plus up to as much again). */
const BUSY_ROUND_MS = 1_500
/** Quick rounds in a row that bring nothing after which a starting peer slows to the refresh rate. */
const QUIET_ROUNDS_TO_SLOW = 3
const SYNC_TIMEOUT_MS = 10_000

export interface AntiEntropyInit {
  libp2p: Libp2p
  log: Logger
  /** Syncs tables with a peer (Presence.sync) */
  sync(peerId: PeerId, signal: AbortSignal): Promise<SyncResult>
  /** The current presence refresh interval */
  interval(): number
  /** Whether `peer` is a relay: the quick rounds of a filling mesh leave relays alone, as every joiner syncs with them already */
  isRelay(peer: PeerId): boolean
}

export class AntiEntropy {
  private readonly init: AntiEntropyInit
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private running = false
  /** Quick rounds in a row that brought nothing, while still starting */
  private quietRounds = 0
  private starting = true

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

  /** Syncs with `peerId` once more shortly: it was joined while others were joining too. */
  catchUp (peerId: PeerId): void {
    this.schedule(() => { void this.pull(peerId) }, CATCH_UP_DELAY_MS)
  }

  private async round (busy = false): Promise<void> {
    const peer = await this.randomPeer(busy)
    const news = peer != null && await this.pull(peer)
    this.quietRounds = news ? 0 : this.quietRounds + 1
    if (this.quietRounds >= QUIET_ROUNDS_TO_SLOW) {
      this.starting = false
    }
    const quick = news || this.starting
    const delay = quick ? BUSY_ROUND_MS * (1 + Math.random()) : this.init.interval() * (0.8 + Math.random() * 0.4)
    this.schedule(() => { void this.round(quick) }, delay)
  }

  /** Whether the sync changed either table. */
  private async pull (peerId: PeerId): Promise<boolean> {
    if (!this.running) {
      return false
    }
    try {
      const result = await this.init.sync(peerId, AbortSignal.timeout(SYNC_TIMEOUT_MS))
      return result.applied > 0 || result.sent > 0
    } catch (err: any) {
      this.init.log('anti-entropy with %p failed: %s', peerId, err.message)
      return false
    }
  }

  private async randomPeer (busy: boolean): Promise<PeerId | undefined> {
    const { libp2p } = this.init
    const connected = [...new Map(libp2p.getConnections().map(c => [c.remotePeer.toString(), c.remotePeer])).values()]
    const others = connected.filter(peer => !this.init.isRelay(peer))
    const peers = busy && others.length > 0 ? others : connected
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
