/**
 * One call this node made. Like a request object of a NATS client, a call
 * owns its lifecycle: its deadline timer, its abort listener, whether it is
 * journaled, and its attempts (`beginAttempt` / `abandonAttempt`). It ends
 * exactly once, with a value, the end of its stream, or an error; chunks
 * reach the reader once each, in order.
 */
import { AbortError, NoWorkersError, TimeoutError } from '../errors.ts'
import { CallTrace } from '../telemetry/trace.ts'
import { Received } from './received.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { Deadlines } from '../util/deadlines.ts'
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
  /** Never this worker (a backup attempt of a task another worker holds) */
  avoid?: string
  /** Only this worker may run the task (fan-out) */
  pinned?: string
  token?: Uint8Array
}

/** Why an attempt was abandoned, for the failover event. */
export interface MovedFrom {
  peerId: string
  reason: string
  since: number
}

export class Call {
  readonly init: CallInit
  readonly id: string
  readonly service: string
  /** Whether the call is in the journal: a journal is configured and the call is not pinned (fan-out) */
  readonly journaled: boolean
  readonly received: Received
  /** The call's span, when traces are recorded */
  readonly trace?: CallTrace
  private readonly triedPeers = new Set<string>()
  private attempts = 0
  private assigned?: string
  private endedOn?: string
  private attemptChannel?: TaskChannel
  private sentAt = 0
  private chosenAt = 0
  private activeAt = 0
  private error?: Error
  private claimOpen = false
  private moved?: MovedFrom
  private onDeadline?: () => void
  private abortCleanup?: () => void
  private waiter?: () => void
  private ended = false
  private failure?: Error
  private value: unknown
  /** Made when someone asks for `result` (fan-out and map follow `onEnd` instead) */
  private settledPromise?: Promise<unknown>
  private resolveSettled?: (value: unknown) => void
  private rejectSettled?: (err: Error) => void
  private endListener?: (ok: boolean, outcome: unknown) => void
  settled = false

  constructor (init: CallInit, journaled = false) {
    this.init = init
    this.id = init.id
    this.service = init.service
    this.journaled = journaled && init.pinned == null
    this.received = new Received(init)
    if (init.avoid != null) {
      this.triedPeers.add(init.avoid)
    }
    this.trace = CallTrace.start(init.service, init.id, init.streaming)
  }

  /**
   * Arms the deadline (with `deadlines`, the requester's one timer for all
   * its calls, which calls `expire`) and the caller's abort signal; either
   * ends the call through `end`. Returns false when the signal was already
   * aborted (the call is then ended before this returns).
   */
  arm (end: (err: Error) => void, deadlines: Deadlines<Call>, signal?: AbortSignal): boolean {
    const timeoutMs = Math.max(this.init.deadline - Date.now(), 0)
    this.onDeadline = () => {
      end(new TimeoutError(`"${this.service}" timed out after ${timeoutMs} ms`))
    }
    deadlines.watch(this.init.deadline)
    if (signal == null) {
      return true
    }
    if (signal.aborted) {
      end(new AbortError('the call was aborted'))
      return false
    }
    const onAbort = (): void => { end(new AbortError('the call was aborted')) }
    signal.addEventListener('abort', onAbort, { once: true })
    this.abortCleanup = () => { signal.removeEventListener('abort', onAbort) }
    return true
  }

  /**
   * Runs `cleanup` once, when the call ends: for a listener that serves
   * many calls (a fan-out's one abort listener), in place of `arm`'s own.
   */
  onSettle (cleanup: () => void): void {
    this.abortCleanup = cleanup
  }

  /** The deadline passed: the call ends with TimeoutError (unless it already ended). */
  expire (): void {
    const onDeadline = this.onDeadline
    this.onDeadline = undefined
    onDeadline?.()
  }

  /** Resolves with the value (unary), or once the stream ended; rejects on failure. */
  get result (): Promise<unknown> {
    if (this.settledPromise == null) {
      this.settledPromise = this.ended
        ? Promise.resolve(this.value)
        : this.failure != null
          ? Promise.reject(this.failure)
          : new Promise((resolve, reject) => {
            this.resolveSettled = resolve
            this.rejectSettled = reject
          })
      // a unary caller may never await a failed call's promise before it rejects
      this.settledPromise.catch(() => {})
    }
    return this.settledPromise
  }

  /**
   * Calls `listener` once with the outcome as the caller sees it (at once
   * if it is already known): `(true, value)` or `(false, error)`. For
   * code that follows many calls (fan-out), without a promise per call.
   */
  onEnd (listener: (ok: boolean, outcome: unknown) => void): void {
    if (this.ended) {
      listener(true, this.value)
    } else if (this.failure != null) {
      listener(false, this.failure)
    } else {
      this.endListener = listener
    }
  }

  /** Attempts dispatched so far (the current one's number). */
  get attempt (): number { return this.attempts }
  /** The worker holding the current attempt, once one is chosen. */
  get worker (): string | undefined { return this.assigned }
  /** The worker that held the call when it ended (the one that answered, on success). */
  get answeredBy (): string | undefined { return this.endedOn }
  /** The channel of the current attempt, once dispatched. */
  get channel (): TaskChannel | undefined { return this.attemptChannel }
  /** When the current attempt was dispatched. */
  get dispatchedAt (): number { return this.sentAt }
  /** When the current attempt's worker was last heard. */
  get lastActivityAt (): number { return this.activeAt }
  /** The error the call ends with if no worker is left. */
  get lastError (): Error | undefined { return this.error }
  /** Set while the task waits for a worker to offer. */
  get claiming (): boolean { return this.claimOpen }

  /** Whether `peerId` already had an attempt of this call. */
  tried (peerId: string): boolean {
    return this.triedPeers.has(peerId)
  }

  /** Chooses `peerId` for the next attempt (the channel is still to come). */
  assign (peerId: string): void {
    this.assigned = peerId
    this.attemptChannel = undefined
    this.chosenAt = Date.now()
  }

  /** Sends the next attempt on `channel`; returns its number. */
  beginAttempt (channel: TaskChannel): number {
    this.attempts++
    this.attemptChannel = channel
    this.sentAt = this.activeAt = Date.now()
    return this.attempts
  }

  /**
   * Gives up on the current worker (it died, stalled, refused, or could not
   * be reached), so the next attempt goes elsewhere. Returns the worker.
   */
  abandonAttempt (reason: string, err?: Error): string | undefined {
    const peerId = this.assigned
    if (peerId == null) {
      return undefined
    }
    this.triedPeers.add(peerId)
    // an attempt whose channel is still opening was never sent: it began when its worker was chosen
    const since = this.attemptChannel != null ? this.sentAt : this.chosenAt
    this.moved = { peerId, reason, since }
    this.error = err ?? this.error ?? new NoWorkersError(`worker ${peerId} failed: ${reason}`, { peerId })
    this.release()
    return peerId
  }

  /** The chosen worker could not be reached: the next attempt goes elsewhere. */
  unreachable (err: Error): void {
    if (this.assigned != null) {
      this.triedPeers.add(this.assigned)
    }
    this.error = err
    this.release()
  }

  /** The previous attempt's move, once, for the failover event. */
  takeMovedFrom (): MovedFrom | undefined {
    const moved = this.moved
    this.moved = undefined
    return moved
  }

  /** A frame of the current attempt arrived. */
  touch (): void {
    this.activeAt = Date.now()
  }

  /** Opens a claim; false if one is open or the call is over. */
  openClaim (): boolean {
    if (this.claimOpen || this.settled) {
      return false
    }
    this.claimOpen = true
    return true
  }

  closeClaim (): void {
    this.claimOpen = false
  }

  /**
   * Accepts the next chunk (already checked to be in sequence). Returns
   * false when the reader has left too much unread.
   */
  accept (chunk: unknown, raw: Payload): boolean {
    const ok = this.received.accept(chunk, raw)
    this.wake()
    return ok
  }

  /**
   * Decides the call's outcome at once; the caller sees it once `after`
   * (the journal forgetting the task) has settled.
   */
  succeed (value: unknown, after?: Promise<void>): void {
    if (this.settle()) {
      this.trace?.end()
      this.publish(after, () => {
        this.ended = true
        this.value = value
        this.resolveSettled?.(value)
        this.endListener?.(true, value)
      })
    }
  }

  fail (err: Error, after?: Promise<void>): void {
    if (this.settle()) {
      this.trace?.end(err)
      this.publish(after, () => {
        this.failure = err
        this.rejectSettled?.(err)
        this.endListener?.(false, err)
      })
    }
  }

  /**
   * The next chunk, if one is already here (no waiting, no promise), with
   * how much credit to grant the worker now (0 for none).
   */
  takeBuffered (): { value: unknown, grant: number } | undefined {
    return this.received.take(!this.settled)
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

  /** Marks the call over and drops its timer, listener, claim and worker; false if it already was. */
  private settle (): boolean {
    if (this.settled) {
      return false
    }
    this.settled = true
    this.endedOn = this.assigned
    this.onDeadline = undefined
    this.abortCleanup?.()
    this.claimOpen = false
    this.release()
    return true
  }

  private release (): void {
    this.assigned = undefined
    this.attemptChannel = undefined
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

  private wake (): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
  }
}
