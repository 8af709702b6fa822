/**
 * The Raft transport of a mesh node: one long-lived outbound stream per
 * peer on `/meshwork/raft/1.0.0`, over which the messages of every group
 * this node is a member of travel. Messages sent during one turn of the
 * event loop go out together at its end, one frame per group, in one write.
 * Raft tolerates loss, so a link that cannot keep up (its queue past a
 * bound) or whose peer cannot be reached drops messages rather than
 * buffering without end; Raft sends again.
 *
 * Inbound streams are read only; bytes that are not frames are a
 * `ProtocolError`, reported with the sender (`onViolation`) and the stream
 * reset.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { Uint8ArrayList } from 'uint8arraylist'
import { ProtocolError } from '../../errors.ts'
import { atEndOfTurn } from '../../util/end-of-turn.ts'
import { MAX_RAFT_FRAME_BYTES, MAX_RAFT_QUEUED_BYTES, MAX_RAFT_STREAMS_PER_CONNECTION, RAFT_PROTOCOL, RAFT_REDIAL_MS } from '../constants.ts'
import { encodeRaftFrame, RaftFrameDecoder } from './codec.ts'
import type { Message } from '../raft/messages.ts'
import type { Libp2p, Logger, Stream } from '@libp2p/interface'

export interface RaftTransportInit {
  libp2p: Libp2p
  log: Logger
  /** Messages of `group` that `from` sent (the connection's peer, authenticated) */
  onMessages(group: string, from: string, messages: Message[]): void
  /** `peer` sent bytes that are not Raft frames */
  onViolation(peer: string, err: Error): void
  /** Whether to refuse a peer's streams outright (graylisted) */
  refuse?(peer: string): boolean
  maxFrameBytes?: number
}

export interface RaftTransport {
  start(): Promise<void>
  stop(): Promise<void>
  /** Queues messages of `group` for their `to` peers; they go out at the end of this turn. */
  send(group: string, messages: Message[]): void
}

class Link {
  stream?: Stream
  dialing = false
  failedAt = -Infinity
  /** group -> messages queued this turn */
  queued = new Map<string, Message[]>()
  queuedCount = 0
  /** encoded bytes waiting for the stream to drain */
  backlog: Uint8Array[] = []
  backlogBytes = 0
  draining = false
}

class Transport implements RaftTransport {
  private readonly init: RaftTransportInit
  private readonly links = new Map<string, Link>()
  private readonly inbound = new Set<Stream>()
  private readonly maxFrameBytes: number
  private flushScheduled = false
  private stopped = false

  constructor (init: RaftTransportInit) {
    this.init = init
    this.maxFrameBytes = init.maxFrameBytes ?? MAX_RAFT_FRAME_BYTES
  }

  async start (): Promise<void> {
    await this.init.libp2p.handle(RAFT_PROTOCOL, (stream, connection) => {
      const peer = connection.remotePeer.toString()
      if (this.init.refuse?.(peer) === true) {
        stream.abort(new ProtocolError('this peer broke the raft protocol too often', { peerId: peer }))
        return
      }
      this.read(stream, peer)
    }, {
      maxInboundStreams: MAX_RAFT_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_RAFT_STREAMS_PER_CONNECTION,
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    this.stopped = true
    await this.init.libp2p.unhandle(RAFT_PROTOCOL).catch(() => {})
    for (const link of this.links.values()) link.stream?.abort(new Error('raft transport stopped'))
    for (const stream of this.inbound) stream.abort(new Error('raft transport stopped'))
    this.links.clear()
    this.inbound.clear()
  }

  send (group: string, messages: Message[]): void {
    if (this.stopped) return
    for (const m of messages) {
      let link = this.links.get(m.to)
      if (link == null) {
        link = new Link()
        this.links.set(m.to, link)
      }
      let list = link.queued.get(group)
      if (list == null) {
        list = []
        link.queued.set(group, list)
      }
      list.push(m)
      link.queuedCount++
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true
      atEndOfTurn(() => {
        this.flushScheduled = false
        this.flush()
      })
    }
  }

  private flush (): void {
    for (const [peer, link] of this.links) {
      if (link.queuedCount === 0) continue
      const frames: Uint8Array[] = []
      for (const [group, messages] of link.queued) frames.push(encodeRaftFrame(group, messages))
      link.queued.clear()
      link.queuedCount = 0
      if (link.stream == null || link.stream.status !== 'open' || link.stream.writeStatus !== 'writable') {
        link.stream = undefined
        // held while the dial runs (a first election would lose its polls otherwise); dropped if it fails
        if (this.dial(peer, link)) this.hold(peer, link, frames)
        continue
      }
      this.write(peer, link, frames)
    }
  }

  /** Keeps frames until the stream can take them, within a bound. */
  private hold (peer: string, link: Link, frames: Uint8Array[]): void {
    const bytes = frames.reduce((n, f) => n + f.byteLength, 0)
    if (link.backlogBytes + bytes > MAX_RAFT_QUEUED_BYTES) {
      this.init.log('raft link to %s is full, dropping %d bytes', peer, bytes)
      return
    }
    link.backlog.push(...frames)
    link.backlogBytes += bytes
  }

  private write (peer: string, link: Link, frames: Uint8Array[]): void {
    if (link.draining) {
      this.hold(peer, link, frames)
      return
    }
    try {
      if (!link.stream!.send(frames.length === 1 ? frames[0] : new Uint8ArrayList(...frames))) {
        link.draining = true
      }
    } catch (err: any) {
      this.init.log('raft link to %s failed: %s', peer, err.message)
      link.stream?.abort(err)
      link.stream = undefined
    }
  }

  /** Starts a dial unless one runs or failed just now; whether one is running. */
  private dial (peer: string, link: Link): boolean {
    if (link.dialing) return true
    if (this.stopped || performance.now() - link.failedAt < RAFT_REDIAL_MS) return false
    link.dialing = true
    this.init.libp2p.dialProtocol(peerIdFromString(peer), RAFT_PROTOCOL, { runOnLimitedConnection: true, signal: AbortSignal.timeout(5_000) })
      .then(stream => {
        if (this.stopped || this.links.get(peer) !== link) {
          stream.abort(new Error('raft transport stopped'))
          return
        }
        stream.inactivityTimeout = 0
        link.stream = stream
        link.draining = false
        const flushBacklog = (): void => {
          const backlog = link.backlog
          link.backlog = []
          link.backlogBytes = 0
          if (backlog.length > 0 && link.stream === stream) this.write(peer, link, backlog)
        }
        stream.addEventListener('drain', () => {
          link.draining = false
          flushBacklog()
        })
        stream.addEventListener('close', () => {
          if (link.stream === stream) link.stream = undefined
        })
        // the other side never writes on this stream; anything it sends is ignored
        stream.addEventListener('message', () => {})
        flushBacklog()
      }, (err: any) => {
        link.failedAt = performance.now()
        link.backlog = []
        link.backlogBytes = 0
        this.init.log('dialing %s for raft failed: %s', peer, err.message)
      })
      .finally(() => { link.dialing = false })
    return true
  }

  private read (stream: Stream, peer: string): void {
    stream.inactivityTimeout = 0
    stream.maxReadBufferLength = this.maxFrameBytes * 2
    this.inbound.add(stream)
    const decoder = new RaftFrameDecoder(this.maxFrameBytes)
    stream.addEventListener('message', (evt) => {
      let frames
      try {
        frames = decoder.push(evt.data)
      } catch (err: any) {
        this.init.onViolation(peer, err)
        stream.abort(err)
        return
      }
      for (const frame of frames) this.init.onMessages(frame.group, peer, frame.messages)
    })
    stream.addEventListener('close', () => { this.inbound.delete(stream) })
  }
}

/** Creates the Raft transport of a node. */
export function raftTransport (init: RaftTransportInit): RaftTransport {
  return new Transport(init)
}
