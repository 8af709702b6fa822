/**
 * Keeps this node joined: dials the bootstrap peers (again, with backoff,
 * when they drop), and opens direct connections to some of the peers it
 * learns of, so the mesh does not hang on the relay alone. Those dials are
 * few at a time and back off when they fail: in a burst of joins every
 * handshake costs CPU on both sides, and dials that time out because the
 * machines are busy would otherwise be retried at once, keeping them busy.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const MAX_BACKOFF_MS = 10_000
const DIAL_TIMEOUT_MS = 10_000
/** Dials to learned peers in flight at once, at most. */
const MAX_PENDING_DIALS = 4
/** Candidates looked at per top-up, at most (some are connected already). */
const MAX_TOP_UP_TRIES = 16
/** After a failed dial, the next top-up waits this long. */
const TOP_UP_RETRY_MS = 5_000
/** After a failed dial, dials to learned peers pause this long, doubling with each failure in a row. */
const DIAL_BACKOFF_MS = 1_000
const MAX_DIAL_BACKOFF_MS = 30_000
/** A learned peer that could not be dialled is not tried again for this long. */
const FAILED_PEER_RETRY_MS = 30_000
/** Peers remembered as failed, at most (the oldest is forgotten first). */
const MAX_FAILED_PEERS = 1_024

export interface ConnectorInit {
  libp2p: Libp2p
  log: Logger
  bootstrap: string[]
  minConnections: number
  /** Called once connected to a bootstrap peer, e.g. to pull its table */
  onBootstrapConnected(peerId: PeerId): Promise<void>
  /** Peers this node knows alive, to connect to when it has too few connections */
  candidates(): PeerId[]
}

/** Running totals of this node's dials to learned peers, for benchmarks and diagnosis. */
export interface ConnectorCounters {
  /** Dials started, and of those the ones that failed */
  dials: number
  failed: number
  /** Peers considered but not dialled: connected already, enough connections, too many dials in flight, or backing off */
  skipped: number
}

export class Connector {
  private readonly init: ConnectorInit
  readonly counters: ConnectorCounters = { dials: 0, failed: 0, skipped: 0 }
  private readonly addrs: Multiaddr[]
  private readonly bootstrapPeers = new Set<string>()
  private readonly pending = new Set<string>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** Learned peers whose dial failed, and when they may be tried again */
  private readonly failedUntil = new Map<string, number>()
  /** Failed dials in a row, and until when no dial starts */
  private failuresInRow = 0
  private pausedUntil = 0
  private running = false
  private topUpTimer?: ReturnType<typeof setTimeout>

  constructor (init: ConnectorInit) {
    this.init = init
    this.addrs = init.bootstrap.map(a => multiaddr(a))
  }

  /** Dials every bootstrap peer; resolves once each is joined or has failed once. */
  async start (): Promise<void> {
    this.running = true
    this.init.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    await Promise.all(this.addrs.map(async addr => { await this.join(addr, 0) }))
  }

  stop (): void {
    this.running = false
    this.init.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    clearTimeout(this.topUpTimer)
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  /** A peer was learned of: connect to it directly if this node has few connections. */
  consider (peerId: PeerId): void {
    const { libp2p } = this.init
    const id = peerId.toString()
    if (!this.running || this.pending.has(id) || this.pending.size >= MAX_PENDING_DIALS || this.backingOff(id)) {
      this.counters.skipped++
      return
    }
    if (libp2p.getConnections(peerId).length > 0 || !this.wantsMore()) {
      this.counters.skipped++
      return
    }
    this.counters.dials++
    this.pending.add(id)
    libp2p.dial(peerId, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      .then(() => {
        this.pending.delete(id)
        this.failuresInRow = 0
        this.topUp()
      }, err => {
        this.counters.failed++
        this.pending.delete(id)
        this.init.log('no direct connection to %p: %s', peerId, err.message)
        this.dialFailed(id)
        // peers that cannot be dialled are not tried again at once
        this.topUpLater()
      })
  }

  /** Whether dials are paused, or `id` failed a while ago. */
  private backingOff (id: string, now = Date.now()): boolean {
    if (now < this.pausedUntil) {
      return true
    }
    const until = this.failedUntil.get(id)
    if (until != null && now >= until) {
      this.failedUntil.delete(id)
      return false
    }
    return until != null
  }

  private dialFailed (id: string, now = Date.now()): void {
    this.failuresInRow++
    this.pausedUntil = now + Math.min(DIAL_BACKOFF_MS * 2 ** (this.failuresInRow - 1), MAX_DIAL_BACKOFF_MS)
    this.failedUntil.delete(id)
    if (this.failedUntil.size >= MAX_FAILED_PEERS) {
      this.failedUntil.delete(this.failedUntil.keys().next().value as string)
    }
    this.failedUntil.set(id, now + FAILED_PEER_RETRY_MS)
  }

  /**
   * Dials known peers, a few at a time, until this node has its direct
   * connections: a table learned in one sync offers many peers at once,
   * more than the dials allowed in flight.
   */
  topUp (): void {
    if (!this.running || !this.wantsMore()) {
      return
    }
    const candidates = this.init.candidates()
    for (let tries = 0; tries < MAX_TOP_UP_TRIES && candidates.length > 0 && this.pending.size < MAX_PENDING_DIALS; tries++) {
      this.consider(candidates.splice(Math.floor(Math.random() * candidates.length), 1)[0])
    }
  }

  private topUpLater (): void {
    if (this.topUpTimer != null || !this.running) {
      return
    }
    this.topUpTimer = setTimeout(() => {
      this.topUpTimer = undefined
      this.topUp()
    }, Math.max(TOP_UP_RETRY_MS, this.pausedUntil - Date.now()))
  }

  private wantsMore (): boolean {
    const peers = new Set(this.init.libp2p.getConnections().map(c => c.remotePeer.toString()))
    return peers.size < this.init.minConnections + this.bootstrapPeers.size
  }

  private async join (addr: Multiaddr, attempt: number): Promise<void> {
    if (!this.running) {
      return
    }
    try {
      const connection = await this.init.libp2p.dial(addr, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      this.bootstrapPeers.add(connection.remotePeer.toString())
      await this.init.onBootstrapConnected(connection.remotePeer)
      this.topUp()
    } catch (err: any) {
      this.init.log('bootstrap %a not joined: %s', addr, err.message)
      this.retry(addr, attempt + 1)
    }
  }

  private retry (addr: Multiaddr, attempt: number): void {
    if (!this.running) {
      return
    }
    const delay = Math.min(250 * 2 ** attempt, MAX_BACKOFF_MS)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void this.join(addr, attempt)
    }, delay)
    this.timers.add(timer)
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    if (!this.bootstrapPeers.has(id)) {
      return
    }
    for (const addr of this.addrs) {
      const target = addr.getComponents().find(c => c.name === 'p2p')?.value
      if (target == null || target === id) {
        this.retry(addr, 0)
      }
    }
  }
}
