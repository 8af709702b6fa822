/**
 * Keeps this node joined: dials the bootstrap peers (again, with backoff,
 * when they drop), and opens direct connections to some of the peers it
 * learns of, so the mesh does not hang on the relay alone.
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
  /** Peers considered but not dialled: connected already, enough connections, or too many dials in flight */
  skipped: number
}

export class Connector {
  private readonly init: ConnectorInit
  readonly counters: ConnectorCounters = { dials: 0, failed: 0, skipped: 0 }
  private readonly addrs: Multiaddr[]
  private readonly bootstrapPeers = new Set<string>()
  private readonly pending = new Set<string>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
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
    if (!this.running || this.pending.has(id) || this.pending.size >= MAX_PENDING_DIALS) {
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
        this.topUp()
      }, err => {
        this.counters.failed++
        this.pending.delete(id)
        this.init.log('no direct connection to %p: %s', peerId, err.message)
        // peers that cannot be dialled are not tried again at once
        this.topUpLater()
      })
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
    }, TOP_UP_RETRY_MS)
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
