/**
 * What a streaming call has received: chunks waiting for the reader, the
 * credit window that paces the worker, and the accepted chunks kept (up to
 * a bound) so a resumed attempt can be told what the caller already has.
 */
import { MAX_UNREAD_STREAM_BYTES } from '../constants.ts'
import { Fifo } from '../util/fifo.ts'
import type { Payload } from '../wire/generated/frames.js'

export interface ReceivedInit {
  /** Chunks the worker may send ahead of the reader */
  window: number
  /** Bytes of accepted chunks kept for a resumed attempt, at most */
  maxResumeBytes: number
}

export class Received {
  private readonly init: ReceivedInit
  /** Chunks accepted so far: the next expected sequence number */
  count = 0
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

  constructor (init: ReceivedInit) {
    this.init = init
  }

  /** Whether a resumed attempt can be given every chunk the caller has. */
  get canResume (): boolean {
    return this.resumable
  }

  /** Chunks waiting for the reader. */
  get buffered (): number {
    return this.buffer.length
  }

  /** Whether the reader holds everything the worker may send (so silence is not a stall). */
  get readerBehind (): boolean {
    return this.creditLeft <= 0
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
    this.count++
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
    return this.unreadBytes <= MAX_UNREAD_STREAM_BYTES
  }

  /**
   * The next chunk, if one is here, with how much credit to grant the
   * worker now (0 for none): credit returns in batches of half the window.
   * `granting` is false once the call is over (nobody sends any more).
   */
  take (granting: boolean): { value: unknown, grant: number } | undefined {
    if (this.buffer.length === 0) {
      return undefined
    }
    const value = this.buffer.shift()
    this.unreadBytes -= this.bufferSizes.shift() ?? 0
    let grant = 0
    if (granting && ++this.consumedSinceGrant >= Math.max(1, this.init.window >> 1)) {
      grant = this.consumedSinceGrant
      this.consumedSinceGrant = 0
      this.creditLeft += grant
    }
    return { value, grant }
  }
}
