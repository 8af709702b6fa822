/**
 * Placing a call's next attempt: the worker chosen (or a broadcast claim
 * when none is known), its channel opened, and the TASK frame sent. A
 * worker that cannot be reached is reported to the peer table and the call
 * goes elsewhere.
 */
import { NoWorkersError, ProtocolError } from '../errors.ts'
import { FLAG_JOURNALED, FLAG_STREAM, KIND_TASK } from '../wire/frame.ts'
import { chooseWorker } from './candidates.ts'
import type { Assignments } from './assignments.ts'
import type { Call } from './call.ts'
import type { CallJournal } from './call-journal.ts'
import type { Channels } from '../channel/channels.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { PeerTable } from '../presence/peer-table.ts'
import type { TaskEvent } from '../types.ts'
import type { FrameInit } from '../wire/frame.ts'
import type { Logger } from '@libp2p/interface'

export interface DispatcherInit {
  log: Logger
  table: PeerTable
  channels: Channels
  assignments: Assignments
  journal?: CallJournal
  /** Ends a call that cannot be placed */
  end(call: Call, err: Error): void
  /** Looks for a worker by broadcast claim */
  claim(call: Call): void
  emit(event: 'task:dispatch' | 'task:failover', detail: TaskEvent): void
}

export class Dispatcher {
  private readonly init: DispatcherInit

  constructor (init: DispatcherInit) {
    this.init = init
  }

  /** Places the call's next attempt on the best candidate, or claims one. */
  dispatch (call: Call): void {
    if (call.settled) {
      return
    }
    const stop = cannotRetry(call)
    if (stop != null) {
      this.init.end(call, stop)
      return
    }
    const choice = chooseWorker(this.init.table, call)
    if (choice instanceof Error) {
      this.init.end(call, choice)
    } else if (choice == null) {
      this.init.claim(call)
    } else {
      this.send(call, choice)
    }
  }

  /**
   * Sends the call's next attempt to `peerId`, on `via` if it is still open
   * (the channel an offer came on). With a channel open the frame is queued
   * before this returns; otherwise once one is opened.
   */
  send (call: Call, peerId: string, via?: TaskChannel): void {
    const stop = cannotRetry(call)
    if (stop != null) {
      this.init.end(call, stop)
      return
    }
    call.assign(peerId)
    this.init.assignments.assign(call, peerId)
    const open = this.init.channels.existing(peerId) ?? (via?.isOpen === true ? via : undefined)
    if (open != null) {
      this.begin(call, peerId, open)
      return
    }
    void this.reach(call, peerId).then(channel => {
      if (channel != null && call.worker === peerId && !call.settled) {
        this.begin(call, peerId, channel)
      }
    })
  }

  /** Sends the TASK frame of the call's next attempt on `channel`. */
  private begin (call: Call, peerId: string, channel: TaskChannel): void {
    const attempt = call.beginAttempt(channel)
    if (call.journaled) {
      this.init.journal?.assigned(call, peerId)
    }
    channel.send(taskFrame(call, call.journaled))
    const event: TaskEvent = { taskId: call.id, service: call.service, attempt, peerId }
    this.init.emit('task:dispatch', event)
    call.trace?.dispatched(peerId, attempt)
    const moved = call.takeMovedFrom()
    if (moved != null) {
      call.trace?.failover(moved.peerId, peerId, moved.reason, attempt)
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
      this.init.assignments.unassign(call)
      call.unreachable(new NoWorkersError(`could not reach worker ${peerId}`, { peerId, cause: err }))
      this.init.table.suspect(peerId)
      this.dispatch(call)
      return undefined
    }
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
    token: init.token,
    traceparent: call.trace?.traceparent
  }
}

/**
 * Why `call` may not have another attempt, if so: every attempt used up
 * (the one max-attempts check), or a stream that a new worker could not be
 * told all of.
 */
export function cannotRetry (call: Call): Error | undefined {
  const { init, received, attempt, lastError } = call
  if (attempt >= init.maxAttempts) {
    return lastError ?? new NoWorkersError(`"${call.service}" failed on ${attempt} workers`)
  }
  if (attempt > 0 && init.streaming && received.count > 0 && !received.canResume) {
    return lastError ?? new ProtocolError('the stream is too long to resume on another worker')
  }
  return undefined
}
