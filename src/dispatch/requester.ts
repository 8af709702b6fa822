/**
 * The requester side: starts calls, follows their replies, and moves a call
 * to another worker (through the dispatcher) when its worker dies, its
 * channel resets, its stream stalls, or it refuses with a retryable error.
 * Frames of a superseded attempt are dropped, so the caller sees each chunk
 * once.
 */
import { AbortError, InvalidArgumentError, NoWorkersError, NotStartedError, RateLimitedError, errorFromWire, isFinal } from '../errors.ts'
import { FLAG_RETRYABLE, KIND_CANCEL, KIND_CHUNK, KIND_CREDIT, KIND_ERROR, KIND_OFFER, KIND_RESULT } from '../wire/frame.ts'
import { decodePayload } from '../wire/payload.ts'
import { Assignments } from './assignments.ts'
import { StallWatch } from './stall-watch.ts'
import { Call } from './call.ts'
import { CallJournal } from './call-journal.ts'
import { acceptChunks } from './chunks.ts'
import { Dispatcher } from './dispatcher.ts'
import { runClaim } from './claims.ts'
import { Deadlines } from '../util/deadlines.ts'
import type { CallInit } from './call.ts'
import type { Channels } from '../channel/channels.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { PeerTable } from '../presence/peer-table.ts'
import type { TaskEvent } from '../types.ts'
import type { Frame } from '../wire/frame.ts'
import type { Journal } from '../journal/journal.ts'
import type { Logger } from '@libp2p/interface'

/** What the members of a fan-out share: everything but their id and their worker. */
export type MemberInit = Omit<CallInit, 'id' | 'pinned'>

export interface RequesterInit {
  log: Logger
  table: PeerTable
  channels: Channels
  maxCalls: number
  /** Announces a task on its service topic (broadcast claim) */
  publishClaim(call: Call): Promise<void>
  /** Sends the claim on open channels to known workers of its service; returns how many got it */
  claimOnChannels?(call: Call): number
  claimRoundMs: number
  claimRounds: number
  /** Where calls are recorded before dispatch, when configured */
  journal?: Journal
  emit(event: 'task:dispatch' | 'task:failover' | 'task:done' | 'task:first-chunk', detail: TaskEvent & { ok?: boolean }): void
}

export class Requester {
  private readonly init: RequesterInit
  private readonly calls = new Map<string, Call>()
  private readonly assignments: Assignments
  private readonly journal?: CallJournal
  private readonly stalls = new StallWatch(call => { this.failover(call, 'stalled') })
  /** One timer for the deadlines of all calls */
  private readonly deadlines = new Deadlines<Call>({
    items: () => this.calls.values(),
    deadlineOf: (call) => call.init.deadline,
    expire: (call) => { call.expire() }
  })
  private readonly dispatcher: Dispatcher
  private running = true

  constructor (init: RequesterInit) {
    this.init = init
    this.assignments = new Assignments(init.table)
    if (init.journal != null) {
      this.journal = new CallJournal(init.journal, init.log)
    }
    this.dispatcher = new Dispatcher({
      ...init,
      assignments: this.assignments,
      journal: this.journal,
      end: (call, err) => { this.end(call, err) },
      claim: (call) => { this.claim(call) }
    })
  }

  /**
   * Starts a call; its outcome arrives through `call.result` and
   * `call.take()`. With a journal, the call is recorded before dispatch,
   * unless `recorded` says it already is (a recovered call).
   */
  start (init: CallInit, signal?: AbortSignal, recorded = false): Call {
    this.checkRoom(init.id)
    const call = new Call(init, this.journal != null)
    this.calls.set(call.id, call)
    if (!call.arm(err => { this.end(call, err) }, this.deadlines, signal)) {
      return call
    }
    const begin = init.broadcast ? () => { this.claim(call) } : () => { this.dispatcher.dispatch(call) }
    if (call.journaled && !recorded && this.journal != null) {
      this.journal.record(call).then(() => { if (!call.settled) begin() }, (err: Error) => { this.end(call, err) })
    } else {
      begin()
    }
    return call
  }

  /**
   * Starts the members of a fan-out: one call per worker, each pinned to
   * it, all sharing `init` (one encoded input, one deadline) and one
   * listener on `signal`. Either all start or none does: past the limit of
   * calls in flight this throws RateLimitedError before any is sent.
   */
  startMembers (init: MemberInit, members: Array<{ id: string, peerId: string }>, signal?: AbortSignal): Call[] {
    for (const { id } of members) {
      this.checkRoom(id)
    }
    if (this.calls.size + members.length > this.init.maxCalls) {
      throw new RateLimitedError(`this node has room for ${this.init.maxCalls - this.calls.size} more calls in flight, not the ${members.length} of this fan-out`)
    }
    const calls: Call[] = []
    for (const { id, peerId } of members) {
      const call = new Call({ ...init, id, pinned: peerId })
      this.calls.set(id, call)
      call.arm(err => { this.end(call, err) }, this.deadlines)
      calls.push(call)
    }
    if (signal?.aborted === true) {
      this.endAll(calls, new AbortError('the call was aborted'))
      return calls
    }
    for (const call of calls) {
      this.dispatcher.dispatch(call)
    }
    if (signal != null) {
      // one listener for every member, dropped once the last one ended
      const onAbort = (): void => { this.endAll(calls, new AbortError('the call was aborted')) }
      let left = calls.length
      const settled = (): void => {
        if (--left === 0) {
          signal.removeEventListener('abort', onAbort)
        }
      }
      signal.addEventListener('abort', onAbort, { once: true })
      for (const call of calls) {
        call.onSettle(settled)
      }
    }
    return calls
  }

  private endAll (calls: Call[], err: Error): void {
    for (const call of calls) {
      this.end(call, err)
    }
  }

  private checkRoom (id: string): void {
    if (!this.running) {
      throw new NotStartedError()
    }
    if (this.calls.size >= this.init.maxCalls) {
      throw new RateLimitedError(`this node already has ${this.init.maxCalls} calls in flight`)
    }
    if (this.calls.has(id)) {
      throw new InvalidArgumentError(`a call with id ${id} is already in flight`)
    }
  }

  /** Ends a call from the caller's side (a stream's reader stopped). */
  cancel (call: Call, err: Error): void {
    this.end(call, err)
  }

  /** Grants a streaming worker more credit as the reader catches up. */
  grant (call: Call, credit: number): void {
    if (credit > 0 && call.channel != null && !call.settled) {
      call.channel.send({ kind: KIND_CREDIT, task: call.id, attempt: call.attempt, credit })
    }
  }

  onFrame (frame: Frame, channel: TaskChannel): void {
    const call = this.calls.get(frame.task)
    if (frame.kind === KIND_OFFER) {
      this.onOffer(frame, channel, call)
      return
    }
    if (call == null || call.worker !== channel.remotePeer || call.attempt !== frame.attempt) {
      // late output of a superseded attempt, or of a call already over
      return
    }
    const peer = channel.remotePeer
    this.init.table.report(peer, frame.load, frame.capacity)
    call.touch()
    switch (frame.kind) {
      case KIND_CHUNK: this.onChunk(call, frame); break
      case KIND_RESULT: this.onResult(call, frame); break
      case KIND_ERROR: this.onError(call, frame, peer); break
      default: break
    }
  }

  /** A worker is suspect or dead, or its channel closed: move its calls. */
  onWorkerDown (peerId: string, reason: string, channel?: TaskChannel): void {
    for (const call of this.assignments.of(peerId)) {
      if (channel == null || call.channel === channel) {
        this.failover(call, reason)
      }
    }
  }

  /** Peers holding this node's tasks, for keepalives. */
  workers (): IterableIterator<string> {
    return this.assignments.workers()
  }

  /**
   * Ends every call with NotStartedError. Journaled calls stay in the
   * journal: they were not answered, and `recover()` runs them after a
   * restart.
   */
  stop (): void {
    this.running = false
    for (const call of [...this.calls.values()]) {
      this.end(call, new NotStartedError('the mesh node stopped'), false)
    }
    this.deadlines.clear()
  }

  /** A CHUNK frame: chunk `seq` in `payload`, and the ones after it in `more`. */
  private onChunk (call: Call, frame: Frame): void {
    if (!call.init.streaming || frame.seq > call.received.count) {
      this.failover(call, 'out-of-order chunk')
      return
    }
    const first = call.received.count === 0
    const err = acceptChunks(call, frame)
    if (err != null) {
      this.end(call, err)
      return
    }
    if (first) {
      this.init.emit('task:first-chunk', { taskId: call.id, service: call.service, attempt: call.attempt, peerId: call.worker ?? '' })
    }
    // before its first chunk a worker may be thinking (a long prompt); liveness covers its death
    this.stalls.watch(call)
  }

  private onResult (call: Call, frame: Frame): void {
    let value: unknown
    try {
      value = call.init.streaming ? undefined : decodePayload(frame.payload, frame.codec)
    } catch (err: any) {
      this.end(call, err)
      return
    }
    if (call.worker != null) {
      this.init.table.sampleLatency(call.worker, Date.now() - call.dispatchedAt)
    }
    this.finish(call, true)
    call.succeed(value, this.forget(call))
  }

  private onError (call: Call, frame: Frame, peer: string): void {
    const err = errorFromWire(frame.code, frame.message, (frame.flags & FLAG_RETRYABLE) !== 0, peer)
    if (!isFinal(err) && call.init.pinned == null) {
      this.failover(call, err.name, false, err)
      return
    }
    this.end(call, err)
  }

  private onOffer (frame: Frame, channel: TaskChannel, call: Call | undefined): void {
    const peer = channel.remotePeer
    if (call?.worker === peer) {
      // the same worker again (it had the claim on a channel and on the topic): it holds the task
      return
    }
    if (call == null || !call.claiming || call.tried(peer) || frame.service !== call.service) {
      // taken already, or not ours: let the worker free its reserved slot
      channel.send({ kind: KIND_CANCEL, task: frame.task })
      return
    }
    call.closeClaim()
    this.init.table.learnWorker(peer, call.service, frame.capacity, frame.load)
    // granted on the channel the offer came on: no stream to open first
    this.dispatcher.send(call, peer, channel)
  }

  private claim (call: Call): void {
    if (!call.openClaim()) {
      return
    }
    runClaim(call, this.init, () => {
      this.end(call, call.lastError ?? new NoWorkersError(`no worker serves "${call.service}"`))
    })
  }

  /** Abandons the current attempt and dispatches again elsewhere. */
  private failover (call: Call, reason: string, cancel = true, err?: Error): void {
    if (call.worker == null || call.settled) {
      return
    }
    if (cancel) {
      call.channel?.send({ kind: KIND_CANCEL, task: call.id, attempt: call.attempt })
    }
    this.stalls.unwatch(call)
    this.assignments.unassign(call)
    const peer = call.abandonAttempt(reason, err)
    this.init.log('moving %s off %s: %s', call.id, peer, reason)
    this.dispatcher.dispatch(call)
  }

  /** Ends a call with an error, telling its worker to stop. */
  private end (call: Call, err: Error, forget = true): void {
    if (call.settled) {
      return
    }
    if (call.worker != null) {
      call.channel?.send({ kind: KIND_CANCEL, task: call.id, attempt: call.attempt })
    }
    this.finish(call, false)
    call.fail(err, forget ? this.forget(call) : undefined)
  }

  /** Forgets a finished call in the journal; the caller hears the outcome after. */
  private forget (call: Call): Promise<void> | undefined {
    return call.journaled ? this.journal?.forget(call) : undefined
  }

  private finish (call: Call, ok: boolean): void {
    const peer = call.worker
    this.assignments.unassign(call)
    this.calls.delete(call.id)
    this.stalls.unwatch(call)
    this.init.emit('task:done', { taskId: call.id, service: call.service, attempt: call.attempt, peerId: peer ?? '', ok })
  }
}
