/**
 * Presence: how peers learn who is in the mesh, what they serve and how
 * busy they are. A peer announces itself on `meshwork/1/presence` when it
 * starts, when what it serves changes, and on a slow refresh that stretches
 * as the mesh grows (so the mesh-wide announcement rate, and each peer's
 * cost, stay about flat). A joining peer asks the peers it connects to for
 * their whole table (`/meshwork/presence/1.0.0`), so it knows the workers at
 * once rather than one refresh later.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import {
  MAX_ANNOUNCED_ADDRS, PRESENCE_EXPIRY_INTERVALS, PRESENCE_PROTOCOL,
  PRESENCE_STRETCH_PER_PEER_MS, PRESENCE_SWEEP_INTERVAL_MS, PRESENCE_SYNC_TIMEOUT_MS, PRESENCE_TOPIC
} from '../constants.ts'
import { openGossiped, sealAnnouncement } from './announcement.ts'
import { GoneList } from './gone-list.ts'
import { TableSync } from './table-sync.ts'
import { parseAddrs } from '../wire/addrs.ts'
import { peerIdFromBytes } from '../wire/peer-id.ts'
import type { OpenedAnnouncement } from './announcement.ts'
import type { SyncCounters, SyncResult } from './table-sync.ts'
import type { PeerTable } from './peer-table.ts'
import type { ServiceInfo } from '../wire/generated/presence.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger, PeerId, PrivateKey } from '@libp2p/interface'

/** Don't re-sync with peers more often than this once the table is populated. */
const RESYNC_AFTER_MS = 30_000
/** An announcement nobody received is sent again after this long. */
const ANNOUNCE_RETRY_MS = 1_000
/** How long a dead peer's tombstone stops stale announcements reviving it. */
const TOMBSTONE_MS = 5 * 60_000

export interface PresenceInit {
  libp2p: Libp2p
  pubsub: GossipSub
  privateKey: PrivateKey
  table: PeerTable
  log: Logger
  role: string
  presenceIntervalMs: number
  /** What this node serves right now */
  services(): ServiceInfo[]
  /** A fresh announcement of another peer was applied */
  onAnnouncement(peerId: PeerId, opened: OpenedAnnouncement): void
  /** A peer broke the presence protocol (a bad page or a forged entry in a sync) */
  onViolation(peer: string): void
  /**
   * Whether this node joins through bootstrap peers: then it first
   * announces once joined (the connector says so with `joined`), since an
   * announcement before that reaches nobody.
   */
  joinsThroughBootstrap: boolean
}

/** Running totals of this node's presence traffic, for benchmarks and diagnosis. */
export interface PresenceCounters {
  /** Announcements published, of those the ones no peer received, and of those the ones handed to a peer in a table sync */
  published: number
  unheard: number
  handedOver: number
  /** Gossiped announcements received that were new or newer than the table's */
  gossipApplied: number
  /** Gossiped announcements received that the table already held */
  gossipStale: number
  /** Deaths this node witnessed, and deaths others reported that it believed */
  witnessed: number
  goneBelieved: number
}

export class Presence {
  private readonly init: PresenceInit
  private readonly selfId: string
  private readonly verified = new WeakMap<Uint8Array, OpenedAnnouncement>()
  private readonly gone = new GoneList()
  private refreshTimer?: ReturnType<typeof setTimeout>
  private soonTimer?: ReturnType<typeof setTimeout>
  private retryTimer?: ReturnType<typeof setTimeout>
  private sweepTimer?: ReturnType<typeof setInterval>
  private readonly tableSync: TableSync
  private seq = 0n
  /** The last announcement sealed, handed out in syncs until the next one */
  private lastSealed?: Uint8Array<ArrayBuffer>
  /** The addresses of the last announcement, to tell when they change */
  private announcedAddrs = ''
  private running = false
  /** A table sync handing over an unheard announcement is under way */
  private handingOver = false
  readonly counters: PresenceCounters = { published: 0, unheard: 0, handedOver: 0, gossipApplied: 0, gossipStale: 0, witnessed: 0, goneBelieved: 0 }

  constructor (init: PresenceInit) {
    this.init = init
    this.selfId = init.libp2p.peerId.toString()
    this.tableSync = new TableSync({
      ...init,
      ownEntry: async () => this.lastSealed ?? await this.seal(false),
      apply: (opened, signed) => { this.apply(opened, signed) }
    })
  }

  async start (): Promise<void> {
    this.running = true
    const { pubsub, libp2p } = this.init
    pubsub.topicValidators.set(PRESENCE_TOPIC, async (_peer, msg) => {
      const opened = await openGossiped(msg)
      if (opened == null) {
        return 'reject' as any
      }
      this.verified.set(msg.data, opened)
      return 'accept' as any
    })
    pubsub.addEventListener('message', this.onMessage)
    pubsub.subscribe(PRESENCE_TOPIC)
    await libp2p.handle(PRESENCE_PROTOCOL, async (stream, connection) => { await this.tableSync.serve(stream, connection.remotePeer) }, {
      runOnLimitedConnection: true,
      maxInboundStreams: 8
    })
    libp2p.addEventListener('peer:identify', this.onIdentify)
    libp2p.addEventListener('self:peer:update', this.onSelfUpdate)
    // a peer joining through bootstrap peers announces once it has joined
    this.scheduleRefresh(this.init.joinsThroughBootstrap ? this.interval() : 0)
    this.sweepTimer = setInterval(() => { this.sweep(Date.now()) }, PRESENCE_SWEEP_INTERVAL_MS)
  }

  /** Says goodbye, so others mark this peer dead at once rather than suspect it. */
  async stop (): Promise<void> {
    this.running = false
    clearTimeout(this.refreshTimer)
    clearTimeout(this.soonTimer)
    clearTimeout(this.retryTimer)
    clearInterval(this.sweepTimer)
    const { pubsub, libp2p } = this.init
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    libp2p.removeEventListener('self:peer:update', this.onSelfUpdate)
    try {
      await pubsub.publish(PRESENCE_TOPIC, await this.seal(true))
    } catch {}
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.topicValidators.delete(PRESENCE_TOPIC)
    await libp2p.unhandle(PRESENCE_PROTOCOL)
  }

  /** Announce soon: what this node serves has changed. */
  announceSoon (): void {
    if (!this.running || this.soonTimer != null) {
      return
    }
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined
      void this.announce()
    }, 50)
  }

  /**
   * Records a peer this node saw die, to be piggybacked on announcements,
   * and announces soon: the few peers that witness a death tell the rest.
   */
  markGone (peerId: string): void {
    this.counters.witnessed++
    this.gone.add(peerId)
    this.announceSoon()
  }

  /** The totals of this node's table syncs. */
  get syncCounters (): SyncCounters {
    return this.tableSync.counters
  }

  /** Syncs tables with a peer: what it has that this node lacks, and back. */
  async sync (peerId: PeerId, signal?: AbortSignal): Promise<SyncResult> {
    return this.tableSync.sync(peerId, signal)
  }

  /**
   * This node has joined (its first bootstrap peer's table is in): it
   * announces now, so the peers already here learn of it at once, and its
   * next refresh is a whole (now stretched) interval away.
   */
  joined (): void {
    this.announceSoon()
  }

  /** Marks peers whose announcements have expired as suspect; forgets old tombstones. */
  sweep (now: number): void {
    const { table } = this.init
    for (const record of [...table.all()]) {
      if (record.state === 'dead') {
        if (now - record.stateSince > TOMBSTONE_MS) {
          table.remove(record.peerId)
        }
        continue
      }
      // a peer that announced while it knew few others said its refresh was
      // short, but it stretches as the peer learns the mesh: nobody is
      // expected to refresh sooner than this node's own interval
      const refresh = Math.max(record.refreshMs, this.interval())
      const quiet = now - Math.max(record.announcedAt, record.seenAt)
      if (record.state === 'alive' && record.outstanding === 0 && quiet > refresh * PRESENCE_EXPIRY_INTERVALS) {
        table.suspect(record.peerId)
      }
    }
    this.gone.expire(now)
  }

  /** The current refresh interval: slower as the table grows. */
  interval (): number {
    return Math.max(this.init.presenceIntervalMs, this.init.table.size * PRESENCE_STRETCH_PER_PEER_MS)
  }

  private readonly onIdentify = (evt: CustomEvent<{ peerId: PeerId, protocols: string[] }>): void => {
    const { peerId, protocols } = evt.detail
    if (!protocols.includes(PRESENCE_PROTOCOL)) {
      return
    }
    const populated = this.init.table.size > 1
    if (populated && Date.now() - this.tableSync.lastSyncAt < RESYNC_AFTER_MS) {
      return
    }
    this.sync(peerId, AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS)).catch(err => {
      this.init.log('presence sync with %p failed: %s', peerId, err.message)
    })
  }

  /**
   * This node's addresses changed (a relay reservation made a tab or a
   * NATed peer dialable): announce them, so others need not wait a refresh.
   */
  private readonly onSelfUpdate = (): void => {
    // the event fires for any change to our own record (protocols, metadata): only new addresses matter
    if (this.addrsKey() !== this.announcedAddrs) {
      this.announceSoon()
    }
  }

  private addrsKey (): string {
    return this.init.libp2p.getMultiaddrs().slice(0, MAX_ANNOUNCED_ADDRS).map(ma => ma.toString()).join(' ')
  }

  private currentAddrs (): Array<Uint8Array<ArrayBuffer>> {
    const addrs = this.init.libp2p.getMultiaddrs().slice(0, MAX_ANNOUNCED_ADDRS)
    this.announcedAddrs = addrs.map(ma => ma.toString()).join(' ')
    return addrs.map(ma => ma.bytes as Uint8Array<ArrayBuffer>)
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== PRESENCE_TOPIC) {
      return
    }
    const opened = this.verified.get(msg.data)
    if (opened != null) {
      if (this.apply(opened, msg.data)) {
        this.counters.gossipApplied++
      } else {
        this.counters.gossipStale++
      }
    }
  }

  /** Applies a checked announcement; whether it was new or newer than the table's. */
  private apply (opened: OpenedAnnouncement, signed: Uint8Array): boolean {
    const id = opened.peerId.toString()
    if (id === this.selfId) {
      return false
    }
    const { announcement } = opened
    if (!this.init.table.announce(id, announcement, signed)) {
      return false
    }
    if (announcement.addrs.length > 0) {
      this.init.libp2p.peerStore.merge(opened.peerId, { multiaddrs: parseAddrs(announcement.addrs) }).catch(() => {})
    }
    for (const gone of announcement.gone) {
      this.onGoneReport(gone)
    }
    this.init.onAnnouncement(opened.peerId, opened)
    return true
  }

  /** Another peer saw `bytes` die: believe it unless we are talking to it. */
  private onGoneReport (bytes: Uint8Array): void {
    let id: string
    try {
      id = peerIdFromBytes(bytes).toString()
    } catch {
      return
    }
    if (id === this.selfId || this.init.libp2p.getConnections(peerIdFromString(id)).length > 0) {
      return
    }
    const record = this.init.table.get(id)
    if (record != null && record.state !== 'dead' && record.outstanding === 0 && Date.now() - record.seenAt > this.interval()) {
      this.counters.goneBelieved++
      this.init.table.dead(id)
    }
  }

  private async announce (): Promise<void> {
    if (!this.running) {
      return
    }
    // whatever prompted this announcement, the next refresh is an interval after it
    this.scheduleRefresh(this.interval() * jitter())
    let recipients = 0
    try {
      recipients = (await this.init.pubsub.publish(PRESENCE_TOPIC, await this.seal(false))).recipients.length
    } catch (err: any) {
      this.init.log('announcement not published: %s', err.message)
    }
    this.counters.published++
    if (recipients === 0) {
      this.counters.unheard++
    }
    if (recipients === 0 && this.running && this.retryTimer == null && !(await this.handOver())) {
      // nobody heard it (a peer that has just joined, before gossipsub knows who listens):
      // say it again shortly rather than a whole refresh interval later
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        void this.announce()
      }, ANNOUNCE_RETRY_MS)
    }
  }

  /**
   * Gossip reached nobody: the announcement goes in a table sync with a
   * connected peer instead (its first page carries this node's entry),
   * a relay first, as every peer joined through one syncs with it. Gossip
   * links form only once a connection's identify and stream negotiations
   * are through, which a busy peer or relay may take seconds over; the
   * connection itself is there already. Whether a peer took it.
   */
  private async handOver (): Promise<boolean> {
    if (this.handingOver) {
      return true
    }
    const peers = [...new Map(this.init.libp2p.getConnections().map(c => [c.remotePeer.toString(), c.remotePeer])).values()]
    const peer = peers.find(p => this.init.table.get(p.toString())?.role === 'relay') ?? peers[0]
    if (peer == null) {
      return false
    }
    this.handingOver = true
    try {
      await this.sync(peer, AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS))
      this.counters.handedOver++
      return true
    } catch (err: any) {
      this.init.log('announcement not handed to %p: %s', peer, err.message)
      return false
    } finally {
      this.handingOver = false
    }
  }

  private scheduleRefresh (delayMs: number): void {
    clearTimeout(this.refreshTimer)
    if (!this.running) {
      return
    }
    this.refreshTimer = setTimeout(() => { void this.announce() }, delayMs)
  }

  private async seal (leaving: boolean): Promise<Uint8Array<ArrayBuffer>> {
    const { libp2p } = this.init
    // strictly increasing even when called twice in one millisecond
    const now = BigInt(Date.now())
    this.seq = now > this.seq ? now : this.seq + 1n
    const sealed = await sealAnnouncement(this.init.privateKey, {
      peer: libp2p.peerId.toMultihash().bytes,
      seq: this.seq,
      services: this.init.services(),
      addrs: this.currentAddrs(),
      refreshMs: Math.round(this.interval()),
      gone: [...this.gone.ids()].map(id => peerIdFromString(id).toMultihash().bytes),
      leaving,
      role: this.init.role
    })
    this.lastSealed = leaving ? undefined : sealed
    return sealed
  }
}

/** A factor in [0.8, 1.2): peers that started together do not announce together. */
function jitter (): number {
  return 0.8 + Math.random() * 0.4
}
