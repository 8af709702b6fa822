/**
 * One call this node made: its attempts, and what the caller has received.
 * A call ends exactly once, with a value, the end of its stream, or an
 * error; chunks reach the reader once each, in order.
 */
import { MAX_UNREAD_STREAM_BYTES } from '../constants.ts'
import { AbortError } from '../errors.ts'
import { Fifo } from '../util/fifo.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { Balancer } from '../types.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { Payload } from '../wire/generated/frames.js'

export interface CallInit {
  id: string
  service: string
  input: EncodedPayload
  streaming: boolean
  deadline: number
  maxAttempts: number
  balancer: Balancer
  broadcast: boolean
  window: number
  stallTimeoutMs: number
  maxResumeBytes: number
  model?: string
  preferPeer?: string
  /** Only this worker may run the task (fan-out) */
  pinned?: string
  token?: Uint8Array
}

export class Call {
  readonly init: CallInit
  readonly id: string
  readonly service: string
  readonly tried = new Set<string>()
  attempt = 0
  worker?: string
  channel?: TaskChannel
  dispatchedAt = 0
  lastActivityAt = 0
  lastError?: Error
  /** Set while the task waits for a worker to offer */
  claiming = false
  /** Why the previous attempt was abandoned, for the failover event */
  movedFrom?: { peerId: string, reason: string, since: number }

  /** Chunks accepted so far: the next expected sequence number */
  received = 0
  /** Chunks the current attempt has sent (a stall is a pause after the first) */
  attemptChunks = 0
  /** Chunks the current attempt may still send */
  creditLeft = 0
  private consumedSinceGrant = 0
  /** Accepted chunks, kept (up to a bound) for a resumed attempt */
  readonly kept: Payload[] = []
  private keptBytes = 0
  private resumable = true

  private readonly buffer = new Fifo<unknown>()
  /** Byte sizes of the chunks in `buffer`, in step with it */
  private readonly bufferSizes = new Fifo<number>()
  private unreadBytes = 0
  private waiter?: () => void
  private ended = false
  private failure?: Error
  private value: unknown
  private readonly settledPromise: Promise<unknown>
  private resolveSettled!: (value: unknown) => void
  private rejectSettled!: (err: Error) => void
  settled = false

  constructor (init: CallInit) {
    this.init = init
    this.id = init.id
    this.service = init.service
    this.settledPromise = new Promise((resolve, reject) => {
      this.resolveSettled = resolve
      this.rejectSettled = reject
    })
    // a unary caller may never await a failed call's promise before it rejects
    this.settledPromise.catch(() => {})
  }

  /** Resolves with the value (unary), or once the stream ended; rejects on failure. */
  get result (): Promise<unknown> {
    return this.settledPromise
  }

  /** Whether a resumed attempt can be given every chunk the caller has. */
  get canResume (): boolean {
    return this.resumable
  }

  /** Credit to grant a new attempt: the window less what the reader has not taken. */
  freshCredit (): number {
    this.attemptChunks = 0
    this.consumedSinceGrant = 0
    this.creditLeft = Math.max(this.init.window - this.buffer.length, 0)
    return this.creditLeft
  }

  /**
   * Accepts the next chunk (already checked to be in sequence). Returns
   * false when the reader has left more than MAX_UNREAD_STREAM_BYTES unread.
   */
  accept (chunk: unknown, raw: Payload): boolean {
    this.received++
    this.attemptChunks++
    this.creditLeft--
    if (this.resumable) {
      this.keptBytes += raw.data.byteLength
      if (this.keptBytes > this.init.maxResumeBytes) {
        // past the bound a new attempt could not be told all the caller has
        this.resumable = false
        this.kept.length = 0
      } else {
        this.kept.push(raw)
      }
    }
    this.buffer.push(chunk)
    this.bufferSizes.push(raw.data.byteLength)
    this.unreadBytes += raw.data.byteLength
    this.wake()
    return this.unreadBytes <= MAX_UNREAD_STREAM_BYTES
  }

  /**
   * Decides the call's outcome at once; the caller sees it once `after`
   * (the journal forgetting the task) has settled.
   */
  succeed (value: unknown, after?: Promise<void>): void {
    if (this.settled) {
      return
    }
    this.settled = true
    this.publish(after, () => {
      this.ended = true
      this.value = value
      this.resolveSettled(value)
    })
  }

  fail (err: Error, after?: Promise<void>): void {
    if (this.settled) {
      return
    }
    this.settled = true
    this.publish(after, () => {
      this.failure = err
      this.rejectSettled(err)
    })
  }

  private publish (after: Promise<void> | undefined, settle: () => void): void {
    if (after == null) {
      settle()
      this.wake()
      return
    }
    void after.finally(() => {
      settle()
      this.wake()
    })
  }

  /**
   * The next chunk, if one is already here (no waiting, no promise), with
   * how much credit to grant the worker now (0 for none).
   */
  takeBuffered (): { value: unknown, grant: number } | undefined {
    if (this.buffer.length === 0) {
      return undefined
    }
    const value = this.buffer.shift()
    this.unreadBytes -= this.bufferSizes.shift() ?? 0
    let grant = 0
    if (!this.settled && ++this.consumedSinceGrant >= Math.max(1, this.init.window >> 1)) {
      grant = this.consumedSinceGrant
      this.consumedSinceGrant = 0
      this.creditLeft += grant
    }
    return { value, grant }
  }

  /** The reader takes the next chunk, waiting for it if need be. */
  async take (): Promise<{ done: boolean, value?: unknown, grant: number }> {
    while (true) {
      const ready = this.takeBuffered()
      if (ready != null) {
        return { done: false, ...ready }
      }
      if (this.failure != null) {
        throw this.failure
      }
      if (this.ended) {
        return { done: true, value: this.value, grant: 0 }
      }
      await new Promise<void>(resolve => { this.waiter = resolve })
    }
  }

  /** Whether the reader holds everything the worker may send (so silence is not a stall). */
  get readerBehind (): boolean {
    return this.creditLeft <= 0
  }

  abortError (): Error {
    return new AbortError('the call was aborted')
  }

  private wake (): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
  }
}
