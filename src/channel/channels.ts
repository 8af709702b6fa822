/**
 * Keeps the task channels of a node: accepts inbound ones, and opens one
 * outbound channel per peer on first use (concurrent callers share the
 * dial). Tasks this node sends go out on its outbound channel to the worker;
 * replies go back on whichever channel the task arrived on.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { MAX_TASK_STREAMS_PER_CONNECTION, TASK_PROTOCOL } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { TaskChannel } from './task-channel.ts'
import type { Frame } from '../wire/frame.ts'
import type { AbortOptions, Connection, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How long opening a channel waits for a direct link before taking a relayed one. */
const DIRECT_DIAL_TIMEOUT_MS = 6_000
/** WebRTC dials tried within that time. */
const DIRECT_DIAL_ATTEMPTS = 3
/** How long of that time a dial of addresses that need no relay (TCP, WebSockets) may take. */
const PLAIN_DIAL_TIMEOUT_MS = 2_000

/** Not through a relay: WebRTC links are signalled through one but run peer to peer. */
function isDirect (connection: Connection): boolean {
  const names = connection.remoteAddr.getComponents().map(c => c.name)
  return !names.includes('p2p-circuit') || names.includes('webrtc')
}

export interface ChannelsInit {
  libp2p: Libp2p
  log: Logger
  maxFrameBytes: number
  maxBufferedBytes: number
  onFrame(frame: Frame, channel: TaskChannel): void
  onClose(channel: TaskChannel, err?: Error): void
  /** A peer sent bytes that are not frames */
  onViolation?(channel: TaskChannel, err: Error): void
  /** Whether to refuse a peer's inbound task streams outright */
  refuse?(peerId: string): boolean
}

export class Channels {
  private readonly init: ChannelsInit
  private readonly outbound = new Map<string, TaskChannel>()
  /** The latest inbound channel of each peer */
  private readonly inbound = new Map<string, TaskChannel>()
  private readonly opening = new Map<string, Promise<TaskChannel>>()
  private readonly all = new Set<TaskChannel>()

  constructor (init: ChannelsInit) {
    this.init = init
  }

  async start (): Promise<void> {
    await this.init.libp2p.handle(TASK_PROTOCOL, (stream, connection) => {
      const peer = connection.remotePeer.toString()
      if (this.init.refuse?.(peer) === true) {
        stream.abort(new ProtocolError('this peer broke the task protocol too often', { peerId: peer }))
        return
      }
      this.inbound.set(peer, this.adopt(stream, peer))
    }, {
      maxInboundStreams: MAX_TASK_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_TASK_STREAMS_PER_CONNECTION,
      runOnLimitedConnection: true
    })
  }

  async stop (): Promise<void> {
    await this.init.libp2p.unhandle(TASK_PROTOCOL)
    await Promise.all([...this.all].map(async channel => { await channel.close() }))
    this.all.clear()
    this.outbound.clear()
    this.inbound.clear()
  }

  /** The open outbound channel to a peer, if there is one. */
  existing (peerId: string): TaskChannel | undefined {
    const channel = this.outbound.get(peerId)
    return channel?.isOpen === true ? channel : undefined
  }

  /**
   * An open channel with a peer in either direction (this node's outbound
   * one first), if there is one: frames of either side's tasks may travel
   * on any channel between the two, so an offer or a granted task need not
   * wait for a new stream.
   */
  any (peerId: string): TaskChannel | undefined {
    const inbound = this.inbound.get(peerId)
    return this.existing(peerId) ?? (inbound?.isOpen === true ? inbound : undefined)
  }

  /** The outbound channel to a peer, dialling it if needed. */
  async get (peerId: string, options?: AbortOptions): Promise<TaskChannel> {
    const open = this.existing(peerId)
    if (open != null) {
      return open
    }
    let pending = this.opening.get(peerId)
    if (pending == null) {
      pending = this.open(peerId, options).finally(() => { this.opening.delete(peerId) })
      this.opening.set(peerId, pending)
    }
    return pending
  }

  private async open (peerId: string, options?: AbortOptions): Promise<TaskChannel> {
    const peer = peerIdFromString(peerId)
    await this.preferDirect(peer, options)
    const dial = async (): Promise<Stream> => this.init.libp2p.dialProtocol(peer, TASK_PROTOCOL, {
      signal: options?.signal,
      runOnLimitedConnection: true
    })
    let stream: Stream
    try {
      stream = await dial()
    } catch (err: any) {
      // the connection can die under the stream being negotiated (a WebRTC
      // link its other side gave up on); once more picks or makes another
      if (options?.signal?.aborted === true) {
        throw err
      }
      this.init.log('opening a task channel to %s failed, trying once more: %s', peerId, err.message)
      stream = await dial()
    }
    const channel = this.adopt(stream, peerId)
    this.outbound.set(peerId, channel)
    return channel
  }

  /**
   * A channel lives as long as its connection, so it should not ride a
   * relay when a direct link can be had. A peer reached only through a
   * relay is dialed on the addresses it announced that need no relay (TCP,
   * WebSockets: no signalling, and the cheapest link per message) first,
   * then on its WebRTC addresses, a few times within a bounded wait (WebRTC
   * set-up fails now and then); after that the channel takes whatever
   * connection there is.
   */
  private async preferDirect (peer: PeerId, options?: AbortOptions): Promise<void> {
    const { libp2p } = this.init
    const connections = libp2p.getConnections(peer).filter(c => c.status === 'open')
    // with no connection at all the dial itself tries plain addresses, then WebRTC, before a relay
    if (connections.length === 0 || connections.some(isDirect)) {
      return
    }
    const addrs = await libp2p.peerStore.get(peer)
      .then(p => p.addresses.map(a => a.multiaddr))
      .catch(() => [])
    const plain = addrs.filter(ma => !ma.getComponents().some(c => c.name === 'p2p-circuit'))
    const webrtc = addrs.filter(ma => ma.getComponents().some(c => c.name === 'webrtc'))
    const attempts: Array<{ addrs: Multiaddr[], timeoutMs: number }> = []
    if (plain.length > 0) {
      // an address behind a firewall may never answer: it may not take all the wait
      attempts.push({ addrs: plain, timeoutMs: PLAIN_DIAL_TIMEOUT_MS })
    }
    if (webrtc.length > 0) {
      for (let i = 0; i < DIRECT_DIAL_ATTEMPTS; i++) {
        attempts.push({ addrs: webrtc, timeoutMs: DIRECT_DIAL_TIMEOUT_MS })
      }
    }
    const deadline = Date.now() + DIRECT_DIAL_TIMEOUT_MS
    for (const [i, attempt] of attempts.entries()) {
      if (Date.now() >= deadline) {
        break
      }
      const timeout = AbortSignal.timeout(Math.max(Math.min(deadline - Date.now(), attempt.timeoutMs), 1))
      try {
        const connection = await libp2p.dial(attempt.addrs, { signal: options?.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout })
        if (isDirect(connection)) {
          return
        }
      } catch (err: any) {
        if (options?.signal?.aborted === true) {
          return
        }
        this.init.log('direct link to %p, attempt %d: %s', peer, i + 1, err.message)
      }
    }
    if (attempts.length > 0) {
      this.init.log('no direct link to %p, the channel takes the connection there is', peer)
    }
  }

  private adopt (stream: Stream, remotePeer: string): TaskChannel {
    // a channel is long-lived and idle between tasks; liveness is ours to judge
    stream.inactivityTimeout = 0
    stream.maxReadBufferLength = this.init.maxFrameBytes * 2
    const channel = new TaskChannel({
      stream,
      remotePeer,
      maxFrameBytes: this.init.maxFrameBytes,
      maxBufferedBytes: this.init.maxBufferedBytes,
      onFrame: this.init.onFrame,
      onViolation: this.init.onViolation,
      onClose: (ch, err) => {
        this.all.delete(ch)
        if (this.outbound.get(ch.remotePeer) === ch) {
          this.outbound.delete(ch.remotePeer)
        }
        if (this.inbound.get(ch.remotePeer) === ch) {
          this.inbound.delete(ch.remotePeer)
        }
        this.init.log('task channel to %s closed%s', ch.remotePeer, err != null ? `: ${err.message}` : '')
        this.init.onClose(ch, err)
      }
    })
    this.all.add(channel)
    return channel
  }
}
