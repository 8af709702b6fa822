/**
 * The peer table: every peer this node knows, its services and load, and
 * its liveness (alive -> suspect -> dead, and back to alive when it shows up
 * again). Transitions are emitted as `peer:alive`, `peer:suspect` and
 * `peer:dead` through the `onState` callback.
 */
import { EWMA_ALPHA, MAX_PEER_TABLE_SIZE } from '../constants.ts'
import { PEER_KEY_BYTES, peerKey } from './digest.ts'
import type { Announcement } from '../wire/generated/presence.js'
import type { PeerState } from '../types.ts'

export interface ServiceEntry {
  concurrency: number
  load: number
  models: string[]
}

export interface PeerRecord {
  peerId: string
  state: PeerState
  role: string
  services: Map<string, ServiceEntry>
  addrs: Uint8Array[]
  /** The signed announcement as received, to hand on in table syncs */
  signed?: Uint8Array
  /** The peer's key in table digests (set by its first announcement) */
  key?: bigint
  seq: bigint
  refreshMs: number
  /** Local time of the last announcement, and of any sign of life */
  announcedAt: number
  seenAt: number
  stateSince: number
  rttMs?: number
  latencyMs?: number
  /** Tasks in flight there as the peer last reported */
  load: number
  /** Wall-clock time of the last load report on a task frame (0: none) */
  reportedAt: number
  capacity: number
  /** This node's own tasks in flight there */
  outstanding: number
}

export interface PeerTableInit {
  selfId: string
  onState(record: PeerRecord, previous: PeerState | undefined): void
  now?(): number
}

export class PeerTable {
  private readonly peers = new Map<string, PeerRecord>()
  private readonly init: PeerTableInit
  private readonly now: () => number
  /** peer id -> services, kept in step with `peers` for fast dispatch */
  private readonly byService = new Map<string, Set<string>>()

  constructor (init: PeerTableInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  get (peerId: string): PeerRecord | undefined {
    return this.peers.get(peerId)
  }

  all (): IterableIterator<PeerRecord> {
    return this.peers.values()
  }

  get size (): number {
    return this.peers.size
  }

  /** Live (alive) workers of a service. */
  workers (service: string): PeerRecord[] {
    const ids = this.byService.get(service)
    const out: PeerRecord[] = []
    if (ids == null) {
      return out
    }
    for (const id of ids) {
      const record = this.peers.get(id)
      if (record?.state === 'alive') {
        out.push(record)
      }
    }
    return out
  }

  /** Every service some live peer serves. */
  services (): string[] {
    return [...this.byService.keys()].filter(s => this.workers(s).length > 0)
  }

  /**
   * Applies a verified announcement. Returns false when it is older than what
   * the table holds (a replay or a late copy).
   */
  announce (peerId: string, ann: Announcement, signed: Uint8Array): boolean {
    if (peerId === this.init.selfId) {
      return false
    }
    let record = this.peers.get(peerId)
    if (record != null && ann.seq <= record.seq) {
      return false
    }
    if (record == null) {
      if (ann.leaving) {
        return false
      }
      this.evictIfFull()
      record = this.create(peerId)
    }
    const now = this.now()
    record.seq = ann.seq
    record.signed = signed
    if (record.key == null && ann.peer.byteLength >= PEER_KEY_BYTES) {
      record.key = peerKey(ann.peer)
    }
    record.role = ann.role
    record.addrs = ann.addrs
    record.refreshMs = ann.refreshMs
    record.announcedAt = now
    this.setServices(record, ann)
    if (ann.leaving) {
      this.setState(record, 'dead')
    } else {
      this.seen(peerId)
    }
    return true
  }

  /** Any sign of life from a peer we know (a frame, a pong, a connection). */
  seen (peerId: string): void {
    const record = this.peers.get(peerId)
    if (record == null) {
      return
    }
    record.seenAt = this.now()
    if (record.state !== 'alive') {
      this.setState(record, 'alive')
    }
  }

  /** Records a task's load report from a worker. */
  report (peerId: string, load: number, capacity: number): void {
    const record = this.peers.get(peerId)
    if (record == null) {
      return
    }
    record.load = load
    record.reportedAt = Date.now()
    if (capacity > 0) {
      record.capacity = capacity
    }
  }

  /** Learns of a worker from an offer, before its announcement arrives. */
  learnWorker (peerId: string, service: string, concurrency: number, load: number): void {
    if (peerId === this.init.selfId) {
      return
    }
    let record = this.peers.get(peerId)
    if (record == null) {
      this.evictIfFull()
      record = this.create(peerId)
    }
    if (!record.services.has(service)) {
      record.services.set(service, { concurrency, load, models: [] })
      this.index(peerId, service)
    }
    record.capacity = Math.max(record.capacity, concurrency)
    record.load = load
    record.reportedAt = Date.now()
    this.seen(peerId)
  }

  sampleRtt (peerId: string, rttMs: number): void {
    const record = this.peers.get(peerId)
    if (record != null) {
      record.rttMs = ewma(record.rttMs, rttMs)
    }
  }

  sampleLatency (peerId: string, latencyMs: number): void {
    const record = this.peers.get(peerId)
    if (record != null) {
      record.latencyMs = ewma(record.latencyMs, latencyMs)
    }
  }

  suspect (peerId: string): void {
    const record = this.peers.get(peerId)
    if (record?.state === 'alive') {
      this.setState(record, 'suspect')
    }
  }

  dead (peerId: string): void {
    const record = this.peers.get(peerId)
    if (record != null && record.state !== 'dead') {
      this.setState(record, 'dead')
    }
  }

  /** Forgets a peer entirely (dead long enough that nobody needs its tombstone). */
  remove (peerId: string): void {
    const record = this.peers.get(peerId)
    if (record == null) {
      return
    }
    for (const service of record.services.keys()) {
      this.unindex(peerId, service)
    }
    this.peers.delete(peerId)
  }

  private create (peerId: string): PeerRecord {
    const record = newRecord(peerId, this.now())
    this.peers.set(peerId, record)
    this.init.onState(record, undefined)
    return record
  }

  private setServices (record: PeerRecord, ann: Announcement): void {
    const next = new Map<string, ServiceEntry>()
    let capacity = 0
    let load = 0
    for (const s of ann.services) {
      next.set(s.name, { concurrency: s.concurrency, load: s.load, models: s.models })
      capacity += s.concurrency
      load += s.load
    }
    for (const name of record.services.keys()) {
      if (!next.has(name)) {
        this.unindex(record.peerId, name)
      }
    }
    for (const name of next.keys()) {
      this.index(record.peerId, name)
    }
    record.services = next
    record.capacity = capacity
    // an announcement travels by gossip and can arrive after a task frame the
    // peer sent later: the load is taken only if it was announced after the
    // last report (wall clocks; `seq` is the sender's time of announcing)
    if (Number(ann.seq) > record.reportedAt) {
      record.load = load
    }
  }

  private setState (record: PeerRecord, state: PeerState): void {
    const previous = record.state
    record.state = state
    record.stateSince = this.now()
    this.init.onState(record, previous)
  }

  private index (peerId: string, service: string): void {
    let set = this.byService.get(service)
    if (set == null) {
      set = new Set()
      this.byService.set(service, set)
    }
    set.add(peerId)
  }

  private unindex (peerId: string, service: string): void {
    const set = this.byService.get(service)
    set?.delete(peerId)
    if (set?.size === 0) {
      this.byService.delete(service)
    }
  }

  private evictIfFull (): void {
    if (this.peers.size < MAX_PEER_TABLE_SIZE) {
      return
    }
    const victim = evictionVictim(this.peers.values())
    if (victim != null) {
      this.remove(victim.peerId)
    }
  }
}

/** A moving average with weight EWMA_ALPHA on the new sample. */
function ewma (average: number | undefined, sample: number): number {
  return average == null ? sample : average + (sample - average) * EWMA_ALPHA
}

function newRecord (peerId: string, now: number): PeerRecord {
  return {
    peerId,
    state: 'alive',
    role: 'node',
    services: new Map(),
    addrs: [],
    seq: 0n,
    refreshMs: 0,
    announcedAt: 0,
    seenAt: now,
    stateSince: now,
    load: 0,
    reportedAt: 0,
    capacity: 0,
    outstanding: 0
  }
}

/** The record a full table drops: the dead first, then whoever announced longest ago; never one holding our tasks. */
function evictionVictim (records: Iterable<PeerRecord>): PeerRecord | undefined {
  let victim: PeerRecord | undefined
  for (const record of records) {
    if (record.outstanding > 0) {
      continue
    }
    if (victim == null ||
      (record.state === 'dead' && victim.state !== 'dead') ||
      (record.state === victim.state && record.announcedAt < victim.announcedAt)) {
      victim = record
    }
  }
  return victim
}
