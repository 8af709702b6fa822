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
import type { AbortOptions, Libp2p, Logger } from '@libp2p/interface'

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
      this.adopt(stream, peer)
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
  }

  /** The open outbound channel to a peer, if there is one. */
  existing (peerId: string): TaskChannel | undefined {
    const channel = this.outbound.get(peerId)
    return channel?.isOpen === true ? channel : undefined
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
    const stream = await this.init.libp2p.dialProtocol(peerIdFromString(peerId), TASK_PROTOCOL, {
      signal: options?.signal,
      runOnLimitedConnection: true
    })
    const channel = this.adopt(stream, peerId)
    this.outbound.set(peerId, channel)
    return channel
  }

  private adopt (stream: import('@libp2p/interface').Stream, remotePeer: string): TaskChannel {
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
        this.init.log('task channel to %s closed%s', ch.remotePeer, err != null ? `: ${err.message}` : '')
        this.init.onClose(ch, err)
      }
    })
    this.all.add(channel)
    return channel
  }
}
