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
import { pbStream } from '@libp2p/utils'
import {
  MAX_ANNOUNCED_ADDRS, MAX_GONE_PIGGYBACK, MAX_PRESENCE_TABLE_BYTES, PRESENCE_EXPIRY_INTERVALS, PRESENCE_PROTOCOL,
  PRESENCE_STRETCH_PER_PEER_MS, PRESENCE_SWEEP_INTERVAL_MS, PRESENCE_SYNC_TIMEOUT_MS, PRESENCE_TOPIC
} from '../constants.ts'
import { PresenceTable } from '../wire/generated/presence.js'
import { openAnnouncement, openSigned, sealAnnouncement, SignedAnnouncement } from './announcement.ts'
import { parseAddrs } from '../wire/addrs.ts'
import { peerIdFromBytes } from '../wire/peer-id.ts'
import type { OpenedAnnouncement } from './announcement.ts'
import type { PeerTable } from './peer-table.ts'
import type { ServiceInfo } from '../wire/generated/presence.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger, PeerId, PrivateKey, Stream } from '@libp2p/interface'

/** Table entries handed out in one sync at most. */
const MAX_SYNC_ENTRIES = 2_000
/** Don't re-sync with peers more often than this once the table is populated. */
const RESYNC_AFTER_MS = 30_000
/** An announcement nobody received is sent again after this long. */
const ANNOUNCE_RETRY_MS = 1_000
/** How long a dead peer stays in gone lists. */
const GONE_TTL_MS = 30_000
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
}

export class Presence {
  private readonly init: PresenceInit
  private readonly selfId: string
  private readonly verified = new WeakMap<Uint8Array, OpenedAnnouncement>()
  private readonly gone = new Map<string, number>()
  private refreshTimer?: ReturnType<typeof setTimeout>
  private soonTimer?: ReturnType<typeof setTimeout>
  private retryTimer?: ReturnType<typeof setTimeout>
  private sweepTimer?: ReturnType<typeof setInterval>
  private lastSyncAt = 0
  private seq = 0n
  /** The addresses of the last announcement, to tell when they change */
  private announcedAddrs = ''
  private running = false

  constructor (init: PresenceInit) {
    this.init = init
    this.selfId = init.libp2p.peerId.toString()
  }

  async start (): Promise<void> {
    this.running = true
    const { pubsub, libp2p } = this.init
    pubsub.topicValidators.set(PRESENCE_TOPIC, async (_peer, msg) => this.validate(msg))
    pubsub.addEventListener('message', this.onMessage)
    pubsub.subscribe(PRESENCE_TOPIC)
    await libp2p.handle(PRESENCE_PROTOCOL, async (stream) => { await this.serveSync(stream) }, {
      runOnLimitedConnection: true,
      maxInboundStreams: 8
    })
    libp2p.addEventListener('peer:identify', this.onIdentify)
    libp2p.addEventListener('self:peer:update', this.onSelfUpdate)
    this.scheduleRefresh(0)
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
    this.gone.delete(peerId)
    this.gone.set(peerId, Date.now())
    while (this.gone.size > MAX_GONE_PIGGYBACK) {
      this.gone.delete(this.gone.keys().next().value as string)
    }
    this.announceSoon()
  }

  /** Pulls the whole table of a peer, sending ours along. */
  async sync (peerId: PeerId, signal?: AbortSignal): Promise<void> {
    this.lastSyncAt = Date.now()
    const stream = await this.init.libp2p.dialProtocol(peerId, PRESENCE_PROTOCOL, { signal, runOnLimitedConnection: true })
    try {
      const pb = pbStream(stream, { maxDataLength: MAX_PRESENCE_TABLE_BYTES })
      await pb.write({ entries: [await this.ownEntry()] }, PresenceTable, { signal })
      const table = await pb.read(PresenceTable, { signal, limits: { entries: MAX_SYNC_ENTRIES } })
      await stream.close({ signal })
      await this.applyAll(table.entries)
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
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
      const refresh = record.refreshMs > 0 ? record.refreshMs : this.interval()
      const quiet = now - Math.max(record.announcedAt, record.seenAt)
      if (record.state === 'alive' && record.outstanding === 0 && quiet > refresh * PRESENCE_EXPIRY_INTERVALS) {
        table.suspect(record.peerId)
      }
    }
    for (const [peer, at] of this.gone) {
      if (now - at > GONE_TTL_MS) {
        this.gone.delete(peer)
      }
    }
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
    if (populated && Date.now() - this.lastSyncAt < RESYNC_AFTER_MS) {
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
      this.apply(opened, msg.data)
    }
  }

  private async validate (msg: Message): Promise<any> {
    if (msg.type !== 'signed') {
      return 'reject'
    }
    try {
      // gossipsub checked that msg.from signed these bytes; all that is left is who they describe
      const opened = await openAnnouncement(msg.data, { signedBySender: true })
      if (!opened.peerId.equals(msg.from)) {
        // someone publishing an announcement of another peer
        return 'reject'
      }
      this.verified.set(msg.data, opened)
      return 'accept'
    } catch {
      return 'reject'
    }
  }

  private async serveSync (stream: Stream): Promise<void> {
    try {
      const pb = pbStream(stream, { maxDataLength: MAX_PRESENCE_TABLE_BYTES })
      const theirs = await pb.read(PresenceTable, { signal: AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS), limits: { entries: 1 } })
      await this.applyAll(theirs.entries)
      const entries = [await this.ownEntry()]
      for (const record of this.init.table.all()) {
        if (record.state !== 'dead' && record.signed != null && entries.length < MAX_SYNC_ENTRIES) {
          entries.push(SignedAnnouncement.decode(record.signed))
        }
      }
      await pb.write({ entries }, PresenceTable)
      await stream.close()
    } catch (err: any) {
      this.init.log('serving a presence sync failed: %s', err.message)
      stream.abort(err)
    }
  }

  private async applyAll (entries: SignedAnnouncement[]): Promise<void> {
    for (const entry of entries) {
      try {
        // most of a table is what this peer already has: skip those before checking signatures
        const { peerId, announcement } = await openSigned(entry, { signedBySender: true })
        const known = this.init.table.get(peerId.toString())
        if (known != null && known.seq >= announcement.seq) {
          continue
        }
        this.apply(await openSigned(entry), SignedAnnouncement.encode(entry))
      } catch (err: any) {
        this.init.log('dropping a bad table entry: %s', err.message)
      }
    }
  }

  private apply (opened: OpenedAnnouncement, signed: Uint8Array): void {
    const id = opened.peerId.toString()
    if (id === this.selfId) {
      return
    }
    const { announcement } = opened
    if (!this.init.table.announce(id, announcement, signed)) {
      return
    }
    if (announcement.addrs.length > 0) {
      this.init.libp2p.peerStore.merge(opened.peerId, { multiaddrs: parseAddrs(announcement.addrs) }).catch(() => {})
    }
    for (const gone of announcement.gone) {
      this.onGoneReport(gone)
    }
    this.init.onAnnouncement(opened.peerId, opened)
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
    if (record != null && record.outstanding === 0 && Date.now() - record.seenAt > this.interval()) {
      this.init.table.dead(id)
    }
  }

  private async announce (): Promise<void> {
    if (!this.running) {
      return
    }
    let recipients = 0
    try {
      recipients = (await this.init.pubsub.publish(PRESENCE_TOPIC, await this.seal(false))).recipients.length
    } catch (err: any) {
      this.init.log('announcement not published: %s', err.message)
    }
    if (recipients === 0 && this.running && this.retryTimer == null) {
      // nobody heard it (a peer that has just joined, before gossipsub knows who listens):
      // say it again shortly rather than a whole refresh interval later
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined
        void this.announce()
      }, ANNOUNCE_RETRY_MS)
    }
  }

  private scheduleRefresh (delayMs: number): void {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => {
      void this.announce().finally(() => {
        if (this.running) {
          // jitter keeps peers that started together from announcing together
          this.scheduleRefresh(this.interval() * (0.8 + Math.random() * 0.4))
        }
      })
    }, delayMs)
  }

  private async ownEntry (): Promise<SignedAnnouncement> {
    return SignedAnnouncement.decode(await this.seal(false))
  }

  private async seal (leaving: boolean): Promise<Uint8Array> {
    const { libp2p } = this.init
    // strictly increasing even when called twice in one millisecond
    const now = BigInt(Date.now())
    this.seq = now > this.seq ? now : this.seq + 1n
    return sealAnnouncement(this.init.privateKey, {
      peer: libp2p.peerId.toMultihash().bytes,
      seq: this.seq,
      services: this.init.services(),
      addrs: this.currentAddrs(),
      refreshMs: Math.round(this.interval()),
      gone: [...this.gone.keys()].map(id => peerIdFromString(id).toMultihash().bytes),
      leaving,
      role: this.init.role
    })
  }
}
