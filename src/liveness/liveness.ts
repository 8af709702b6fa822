/**
 * Liveness of the peers this node depends on right now. A requester pings
 * the workers holding its tasks over their task channels; silence past
 * `suspectTimeoutMs` makes a worker suspect (and its tasks move). A suspect
 * peer is probed: an answer brings it back to alive, a failed dial or
 * `deadTimeoutMs` of silence makes it dead. A worker watches its requesters
 * the same way and cancels tasks nobody waits for. Peers nobody depends on
 * cost nothing here; presence expiry covers them.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { sleep } from '../util/sleep.ts'
import { KIND_PING, KIND_PONG } from '../wire/frame.ts'
import type { Channels } from '../channel/channels.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { PeerTable } from '../presence/peer-table.ts'
import type { Frame } from '../wire/frame.ts'
import type { Libp2p, Logger } from '@libp2p/interface'

export interface LivenessInit {
  libp2p: Libp2p
  log: Logger
  table: PeerTable
  channels: Channels
  /** Peers holding this node's tasks, to keep alive */
  workers(): Iterable<string>
  /** Peers with tasks running here, to watch */
  requesters(): Iterable<string>
  /** Tasks running or queued here, for pongs */
  load(): number
  /** A worker holding our tasks missed its keepalives */
  onSilent(peer: string): void
  /** A requester of tasks running here has been silent past `requesterTimeoutMs` */
  onRequesterSilent(peer: string): void
  keepaliveIntervalMs: number
  suspectTimeoutMs: number
  deadTimeoutMs: number
  requesterTimeoutMs: number
  /** This node saw `peer` die itself (not by hearsay): spread the word */
  onWitnessedDeath(peer: string): void
}

interface Contact {
  /** Last frame from the peer */
  heardAt: number
  lastPingAt: number
  /** First ping sent since we last heard from the peer */
  unansweredSince: number
}

/** Suspect peers probed at once, at most. */
const MAX_PROBES = 16
/** Quiet checks of disconnected peers pending at once, at most. */
const MAX_QUIET_CHECKS = 64
/** A quiet check dials this long after the disconnect (plus up to as much again). */
const QUIET_CHECK_DELAY_MS = 2_000
/** A dial that fails this fast was refused: nobody listens there any more. */
const REFUSED_WITHIN_MS = 2_000

export class Liveness {
  private readonly init: LivenessInit
  private readonly contacts = new Map<string, Contact>()
  private readonly suspects = new Set<string>()
  private readonly probing = new Set<string>()
  private readonly quietChecks = new Map<string, ReturnType<typeof setTimeout>>()
  private timer?: ReturnType<typeof setInterval>

  constructor (init: LivenessInit) {
    this.init = init
  }

  start (): void {
    this.timer = setInterval(() => { this.tick(Date.now()) }, Math.max(this.init.keepaliveIntervalMs / 2, 10))
  }

  stop (): void {
    clearInterval(this.timer)
    for (const timer of this.quietChecks.values()) {
      clearTimeout(timer)
    }
    this.quietChecks.clear()
  }

  /**
   * A peer nothing depends on lost its connection to this one. That alone
   * proves nothing (it may have been hung up on), so after a while it is
   * dialled once: a dial refused outright means the peer is gone; anything
   * slower is left to presence expiry, so a loaded machine is not taken for
   * a dead one.
   */
  checkLater (peer: string): void {
    if (this.quietChecks.has(peer) || this.quietChecks.size >= MAX_QUIET_CHECKS || this.init.table.get(peer)?.state !== 'alive') {
      return
    }
    const timer = setTimeout(() => {
      void this.quietCheck(peer).finally(() => { this.quietChecks.delete(peer) })
    }, QUIET_CHECK_DELAY_MS * (1 + Math.random()))
    this.quietChecks.set(peer, timer)
  }

  private async quietCheck (peer: string): Promise<void> {
    const id = peerIdFromString(peer)
    if (this.init.libp2p.getConnections(id).length > 0) {
      return
    }
    const started = Date.now()
    try {
      await this.init.libp2p.dial(id, { signal: AbortSignal.timeout(this.init.deadTimeoutMs) })
      this.init.table.seen(peer)
    } catch (err: any) {
      const refused = Date.now() - started < REFUSED_WITHIN_MS
      if (refused && this.init.libp2p.getConnections(id).length === 0 && this.init.table.get(peer)?.state === 'alive') {
        this.init.log('%s refused a dial after its connection dropped: %s', peer, err.message)
        this.declareDead(peer)
      }
    }
  }

  /** Any frame from a peer is a sign of life. */
  heard (peerId: string, now = Date.now()): void {
    let contact = this.contacts.get(peerId)
    if (contact == null) {
      contact = { heardAt: now, lastPingAt: 0, unansweredSince: 0 }
      this.contacts.set(peerId, contact)
    }
    contact.heardAt = now
    contact.unansweredSince = 0
    this.init.table.seen(peerId)
  }

  onPing (frame: Frame, channel: TaskChannel): void {
    channel.send({ kind: KIND_PONG, time: frame.time, load: this.init.load() })
  }

  onPong (frame: Frame, channel: TaskChannel): void {
    if (frame.time > 0) {
      this.init.table.sampleRtt(channel.remotePeer, Math.max(performance.now() - frame.time, 0))
    }
    this.init.table.report(channel.remotePeer, frame.load, 0)
  }

  /** Tracks suspects, to probe them until they answer or are declared dead. */
  onState (peerId: string, state: string): void {
    if (state === 'suspect') {
      this.suspects.add(peerId)
    } else {
      this.suspects.delete(peerId)
      if (state === 'dead') {
        this.contacts.delete(peerId)
      }
    }
  }

  private tick (now: number): void {
    const { table, channels } = this.init
    for (const peer of this.init.workers()) {
      const contact = this.contact(peer, now)
      const channel = channels.existing(peer)
      if (channel != null && now - contact.lastPingAt >= this.init.keepaliveIntervalMs) {
        this.ping(channel, contact, now)
      }
      if (contact.unansweredSince > 0 && now - contact.unansweredSince > this.init.suspectTimeoutMs) {
        this.init.log('no answer from %s for %d ms', peer, now - contact.unansweredSince)
        this.init.onSilent(peer)
      }
    }
    for (const peer of this.init.requesters()) {
      const contact = this.contact(peer, now)
      if (now - contact.heardAt > this.init.requesterTimeoutMs) {
        this.init.log('requester %s silent for %d ms, cancelling its tasks', peer, now - contact.heardAt)
        this.init.onRequesterSilent(peer)
      }
    }
    for (const peer of this.suspects) {
      const record = table.get(peer)
      if (record == null || record.state !== 'suspect') {
        this.suspects.delete(peer)
        continue
      }
      if (now - record.stateSince > this.init.deadTimeoutMs) {
        this.declareDead(peer)
      } else if (!this.probing.has(peer) && this.probing.size < MAX_PROBES) {
        void this.probe(peer, now)
      }
    }
  }

  private declareDead (peer: string): void {
    if (this.init.table.get(peer)?.state !== 'dead') {
      this.init.table.dead(peer)
      this.init.onWitnessedDeath(peer)
    }
  }

  private contact (peer: string, now: number): Contact {
    let contact = this.contacts.get(peer)
    if (contact == null) {
      contact = { heardAt: now, lastPingAt: 0, unansweredSince: 0 }
      this.contacts.set(peer, contact)
    }
    return contact
  }

  private ping (channel: TaskChannel, contact: Contact, now: number): void {
    contact.lastPingAt = now
    if (contact.unansweredSince === 0) {
      contact.unansweredSince = now
    }
    channel.send({ kind: KIND_PING, time: performance.now() })
  }

  /** Reaches out to a suspect: a channel and a ping. A failed dial means dead. */
  private async probe (peer: string, now: number): Promise<void> {
    this.probing.add(peer)
    const contact = this.contact(peer, now)
    try {
      const channel = await this.init.channels.get(peer, { signal: AbortSignal.timeout(this.init.deadTimeoutMs) })
      this.ping(channel, contact, Date.now())
      // the pong (or any frame) marks it alive through heard()
      await sleep(this.init.keepaliveIntervalMs)
    } catch (err: any) {
      const connected = this.init.libp2p.getConnections(peerIdFromString(peer)).length > 0
      if (!connected) {
        this.init.log('suspect %s unreachable: %s', peer, err.message)
        this.declareDead(peer)
      }
    } finally {
      this.probing.delete(peer)
    }
  }
}
