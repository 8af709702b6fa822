/**
 * The requester side: dispatches calls to workers, follows their replies,
 * and moves a call to another worker when its worker dies, its channel
 * resets, its stream stalls, or it refuses with a retryable error. Frames of
 * a superseded attempt are dropped, so the caller sees each chunk once.
 */
import { InvalidArgumentError, NoWorkersError, NotStartedError, ProtocolError, RateLimitedError, errorFromWire, isFinal } from '../errors.ts'
import { MAX_UNREAD_STREAM_BYTES } from '../constants.ts'
import { FLAG_JOURNALED, FLAG_RETRYABLE, FLAG_STREAM, KIND_CANCEL, KIND_CHUNK, KIND_CREDIT, KIND_ERROR, KIND_OFFER, KIND_RESULT, KIND_TASK } from '../wire/frame.ts'
import { decodePayload } from '../wire/payload.ts'
import { Assignments } from './assignments.ts'
import { StallWatch } from './stall-watch.ts'
import { Call } from './call.ts'
import { CallJournal } from './call-journal.ts'
import { candidates } from './candidates.ts'
import type { CallInit } from './call.ts'
import type { Channels } from '../channel/channels.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { PeerTable } from '../presence/peer-table.ts'
import type { TaskEvent } from '../types.ts'
import type { Frame, FrameInit } from '../wire/frame.ts'
import type { Journal } from '../journal/journal.ts'
import type { Logger } from '@libp2p/interface'

export interface RequesterInit {
  log: Logger
  table: PeerTable
  channels: Channels
  maxCalls: number
  /** Announces a task on its service topic (broadcast claim) */
  publishClaim(call: Call): Promise<void>
  claimRoundMs: number
  claimRounds: number
  /** Where calls are recorded before dispatch, when configured */
  journal?: Journal
  emit(event: 'task:dispatch' | 'task:failover' | 'task:done', detail: TaskEvent & { ok?: boolean }): void
}

export class Requester {
  private readonly init: RequesterInit
  private readonly calls = new Map<string, Call>()
  private readonly assignments: Assignments
  private readonly journal?: CallJournal
  private readonly stalls = new StallWatch(call => { this.failover(call, 'stalled') })
  private running = true

  constructor (init: RequesterInit) {
    this.init = init
    this.assignments = new Assignments(init.table)
    if (init.journal != null) {
      this.journal = new CallJournal(init.journal, init.log)
    }
  }

  /**
   * Starts a call; its outcome arrives through `call.result` and
   * `call.take()`. With a journal, the call is recorded before dispatch,
   * unless `recorded` says it already is (a recovered call).
   */
  start (init: CallInit, signal?: AbortSignal, recorded = false): Call {
    if (!this.running) {
      throw new NotStartedError()
    }
    if (this.calls.size >= this.init.maxCalls) {
      throw new RateLimitedError(`this node already has ${this.init.maxCalls} calls in flight`)
    }
    if (this.calls.has(init.id)) {
      throw new InvalidArgumentError(`a call with id ${init.id} is already in flight`)
    }
    const call = new Call(init, this.journal != null)
    this.calls.set(call.id, call)
    if (!call.arm(err => { this.end(call, err) }, signal)) {
      return call
    }
    const begin = (): void => {
      if (init.broadcast) {
        this.claim(call)
      } else {
        this.dispatch(call)
      }
    }
    if (!call.journaled || recorded || this.journal == null) {
      begin()
      return call
    }
    this.journal.record(call).then(() => {
      if (!call.settled) {
        begin()
      }
    }, (err: Error) => { this.end(call, err) })
    return call
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

  /** The call with this id, while in flight. */
  get (id: string): Call | undefined {
    return this.calls.get(id)
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
  }

  private dispatch (call: Call): void {
    if (call.settled) {
      return
    }
    const stop = call.cannotRetry()
    if (stop != null) {
      this.end(call, stop)
      return
    }
    const choices = candidates(this.init.table, call)
    if (choices.length === 0) {
      if (call.lastError?.name === 'RateLimitedError') {
        // every worker left refused for lack of room: the mesh is full, and a broadcast claim
        // would only ask the same full workers again (and load every peer with gossip)
        this.end(call, call.lastError)
      } else if (call.init.pinned != null) {
        this.end(call, call.lastError ?? new NoWorkersError(`worker ${call.init.pinned} is not available`, { peerId: call.init.pinned }))
      } else if (call.init.model != null) {
        // claims carry no model, so an offer could come from a worker without it
        this.end(call, call.lastError ?? new NoWorkersError(`no live worker serves "${call.service}" with model "${call.init.model}"`))
      } else {
        this.claim(call)
      }
      return
    }
    const preferred = call.init.preferPeer != null ? choices.find(c => c.peerId === call.init.preferPeer) : undefined
    const choice = preferred ?? call.init.balancer.pick(choices, call.service)
    void this.send(call, choice.peerId)
  }

  private async send (call: Call, peerId: string): Promise<void> {
    const stop = call.cannotRetry()
    if (stop != null) {
      this.end(call, stop)
      return
    }
    call.assign(peerId)
    this.assignments.assign(call, peerId)
    const channel = this.init.channels.existing(peerId) ?? await this.reach(call, peerId)
    if (channel == null || call.worker !== peerId || call.settled) {
      return
    }
    const attempt = call.beginAttempt(channel)
    if (call.journaled) {
      this.journal?.assigned(call, peerId)
    }
    channel.send(taskFrame(call, call.journaled))
    const event: TaskEvent = { taskId: call.id, service: call.service, attempt, peerId }
    this.init.emit('task:dispatch', event)
    const moved = call.takeMovedFrom()
    if (moved != null) {
      this.init.emit('task:failover', { ...event, from: moved.peerId, reason: moved.reason, elapsedMs: Date.now() - moved.since })
    }
  }

  /** Opens a channel to the chosen worker; on failure the call goes elsewhere. */
  private async reach (call: Call, peerId: string): Promise<TaskChannel | undefined> {
    try {
      return await this.init.channels.get(peerId, { signal: AbortSignal.timeout(Math.max(call.init.deadline - Date.now(), 1)) })
    } catch (err: any) {
      if (call.worker !== peerId || call.settled) {
        return undefined
      }
      this.init.log('could not reach %s for %s: %s', peerId, call.id, err.message)
      this.assignments.unassign(call)
      call.unreachable(new NoWorkersError(`could not reach worker ${peerId}`, { peerId, cause: err }))
      this.init.table.suspect(peerId)
      this.dispatch(call)
      return undefined
    }
  }

  /** A CHUNK frame: chunk `seq` in `payload`, and the ones after it in `more`. */
  private onChunk (call: Call, frame: Frame): void {
    const received = call.received
    if (!call.init.streaming || frame.seq > received.count) {
      this.failover(call, 'out-of-order chunk')
      return
    }
    const count = 1 + frame.more.length
    for (let i = 0; i < count; i++) {
      if (frame.seq + i < received.count) {
        // already had it from an earlier attempt
        continue
      }
      const raw = i === 0 ? { data: frame.payload, codec: frame.codec } : frame.more[i - 1]
      let chunk: unknown
      try {
        chunk = decodePayload(raw.data, raw.codec)
      } catch (err: any) {
        this.end(call, err)
        return
      }
      if (!call.accept(chunk, raw)) {
        this.end(call, new ProtocolError(`more than ${MAX_UNREAD_STREAM_BYTES} bytes of the stream unread; lower its window`))
        return
      }
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
    if (call == null || !call.claiming || call.tried(peer) || frame.service !== call.service) {
      // taken already, or not ours: let the worker free its reserved slot
      channel.send({ kind: KIND_CANCEL, task: frame.task })
      return
    }
    call.closeClaim()
    this.init.table.learnWorker(peer, call.service, frame.capacity, frame.load)
    void this.send(call, peer)
  }

  private claim (call: Call): void {
    if (!call.openClaim()) {
      return
    }
    let round = 0
    const announce = (): void => {
      if (!call.claiming || call.settled) {
        return
      }
      if (round++ >= this.init.claimRounds) {
        call.closeClaim()
        this.end(call, call.lastError ?? new NoWorkersError(`no worker serves "${call.service}"`))
        return
      }
      this.init.publishClaim(call).catch(err => { this.init.log('claim for %s not published: %s', call.id, err.message) })
      setTimeout(announce, this.init.claimRoundMs)
    }
    announce()
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
    this.dispatch(call)
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

/** The TASK frame of `call`'s current attempt. */
function taskFrame (call: Call, journaled: boolean): FrameInit {
  const { init, received } = call
  return {
    kind: KIND_TASK,
    task: call.id,
    attempt: call.attempt,
    service: call.service,
    payload: init.input.data,
    codec: init.input.codec,
    flags: (init.streaming ? FLAG_STREAM : 0) | (journaled ? FLAG_JOURNALED : 0),
    seq: received.count,
    prior: received.count > 0 ? received.kept : undefined,
    credit: init.streaming ? received.freshCredit() : 0,
    timeoutMs: Math.max(init.deadline - Date.now(), 0),
    token: init.token
  }
}
