/**
 * A task channel: one long-lived libp2p stream between two peers that carries
 * the frames of many tasks. The first frames of a turn of the event loop go
 * out at once (a microtask later, with whatever else that code queued);
 * frames queued later in the same turn wait for its end and share one write
 * (one muxer frame, one encryption, one syscall, one window update at the
 * reader), so a streaming handler's burst or the replies to a read full of
 * tasks do not cost a write each. A queue that reaches EAGER_WRITE_BYTES
 * goes out at once, so the reader works on a long burst while the rest is
 * produced. The writer waits for `drain` when the stream's buffer is full.
 */
import { EWMA_ALPHA } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { atEndOfTurn, hasEndOfTurn } from '../util/end-of-turn.ts'
import { encodeFrame, FrameDecoder } from '../wire/frame.ts'
import type { Frame, FrameInit } from '../wire/frame.ts'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Queued bytes above which producers should wait (see `whenWritable`). */
const HIGH_WATER_BYTES = 1024 * 1024
/**
 * Queued bytes that go out without waiting for the end of the turn: the
 * replies to a read of 64 small tasks fit under it (one write, not three),
 * and a write stays within one encrypted message (64 KiB).
 */
const EAGER_WRITE_BYTES = 32 * 1024

/**
 * The frames of one write as one array. The layers below keep the pieces
 * of a list apart: the encryption seals each piece on its own and the
 * socket writes each as a syscall of its own, so a list of 64 frames
 * would cost 64 writes.
 */
function concat (frames: Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  let offset = 0
  for (const frame of frames) {
    out.set(frame, offset)
    offset += frame.byteLength
  }
  return out
}

export interface TaskChannelInit {
  stream: Stream
  remotePeer: string
  maxFrameBytes: number
  /** Encoded bytes queued beyond this reset the channel: the peer is not reading */
  maxBufferedBytes: number
  onFrame(frame: Frame, channel: TaskChannel): void
  onClose(channel: TaskChannel, err?: Error): void
  /** The peer sent bytes that are not frames (the channel is reset right after) */
  onViolation?(channel: TaskChannel, err: Error): void
}

export class TaskChannel {
  readonly remotePeer: string
  readonly direction: 'inbound' | 'outbound'
  /** Moving average of how long a frame waits between `send` and the wire */
  sendDelayMs = 0
  private readonly stream: Stream
  private readonly decoder: FrameDecoder
  private readonly init: TaskChannelInit
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private pendingSince = 0
  private flushScheduled = false
  /** Whether a write went out in this turn, so more frames should wait for its end */
  private wroteThisTurn = false
  private waitingForDrain = false
  private writableWaiters: Array<() => void> = []
  private closed = false

  constructor (init: TaskChannelInit) {
    this.init = init
    this.stream = init.stream
    this.remotePeer = init.remotePeer
    this.direction = init.stream.direction
    this.decoder = new FrameDecoder({ maxFrameBytes: init.maxFrameBytes })
    this.stream.addEventListener('message', (evt) => { this.receive(evt.data) })
    this.stream.addEventListener('close', (evt) => { this.onStreamClose(evt.error) })
    this.stream.addEventListener('drain', () => {
      this.waitingForDrain = false
      this.flush()
    })
  }

  get isOpen (): boolean {
    return !this.closed && this.stream.status === 'open' && this.stream.writeStatus === 'writable'
  }

  /** Queues a frame; it is written with the others queued with it. */
  send (frame: FrameInit): void {
    if (!this.isOpen) {
      return
    }
    const bytes = encodeFrame(frame)
    if (this.pending.length === 0) {
      this.pendingSince = performance.now()
    }
    this.pending.push(bytes)
    this.pendingBytes += bytes.byteLength
    if (this.pendingBytes > this.init.maxBufferedBytes) {
      this.abort(new ProtocolError('peer is not reading its task channel', { peerId: this.remotePeer }))
      return
    }
    if (this.pendingBytes >= EAGER_WRITE_BYTES && !this.waitingForDrain) {
      // a burst this large is worth its own write: the reader starts on it sooner
      this.flush()
      return
    }
    if (!this.flushScheduled && !this.waitingForDrain) {
      this.flushScheduled = true
      const flush = (): void => {
        this.flushScheduled = false
        this.flush()
      }
      if (this.wroteThisTurn && hasEndOfTurn) {
        atEndOfTurn(flush)
      } else {
        queueMicrotask(flush)
      }
    }
  }

  /** Whether the queue is below its high-water mark (producers may go on). */
  get writable (): boolean {
    return this.pendingBytes < HIGH_WATER_BYTES || this.closed
  }

  /** Resolves once the queue is below its high-water mark. */
  async whenWritable (): Promise<void> {
    if (this.writable) {
      return
    }
    await new Promise<void>(resolve => { this.writableWaiters.push(resolve) })
  }

  /** Closes the channel gracefully after queued frames are written. */
  async close (): Promise<void> {
    this.flush()
    try {
      await this.stream.close()
    } catch {
      this.stream.abort(new Error('close failed'))
    }
  }

  abort (err: Error): void {
    this.pending = []
    this.pendingBytes = 0
    this.stream.abort(err)
  }

  private flush (): void {
    if (this.pending.length === 0 || this.waitingForDrain || !this.isOpen) {
      return
    }
    const frames = this.pending
    const bytes = this.pendingBytes
    this.pending = []
    this.pendingBytes = 0
    this.sendDelayMs += (performance.now() - this.pendingSince - this.sendDelayMs) * EWMA_ALPHA
    const data = frames.length === 1 ? frames[0] : concat(frames, bytes)
    if (!this.wroteThisTurn && hasEndOfTurn) {
      this.wroteThisTurn = true
      atEndOfTurn(() => { this.wroteThisTurn = false })
    }
    try {
      if (!this.stream.send(data)) {
        this.waitingForDrain = true
      }
    } catch (err: any) {
      this.abort(err)
      return
    }
    this.releaseWriters()
  }

  private releaseWriters (): void {
    if (this.writableWaiters.length === 0) {
      return
    }
    const waiters = this.writableWaiters
    this.writableWaiters = []
    for (const resolve of waiters) {
      resolve()
    }
  }

  private receive (data: Uint8Array | Uint8ArrayList): void {
    let frames: Frame[]
    try {
      frames = this.decoder.push(data)
    } catch (err: any) {
      this.init.onViolation?.(this, err)
      this.abort(err)
      return
    }
    for (const frame of frames) {
      if (this.closed) {
        return
      }
      this.init.onFrame(frame, this)
    }
  }

  private onStreamClose (err?: Error): void {
    if (this.closed) {
      return
    }
    this.closed = true
    this.pending = []
    this.pendingBytes = 0
    this.releaseWriters()
    this.init.onClose(this, err)
  }
}
