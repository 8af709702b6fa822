/**
 * The worker side: services this node serves, the tasks it runs for other
 * peers, and their replies. Tasks beyond a service's concurrency wait in a
 * bounded queue; past that the requester gets a RateLimitedError and moves
 * the task elsewhere. Streaming replies are paced by the requester's credit.
 */
import { NoWorkersError, ProtocolError, RateLimitedError } from '../errors.ts'
import { PeerLimits } from '../security/limits.ts'
import { endTaskSpan, startTaskSpan } from '../telemetry/trace.ts'
import { errorFrame } from '../wire/error-frame.ts'
import { FLAG_JOURNALED, FLAG_STREAM } from '../wire/frame.ts'
import { replay } from './replay.ts'
import { ResultCache } from './result-cache.ts'
import { runTask } from './run-task.ts'
import { taskKey } from './running-task.ts'
import { createSlot, dropLapsed, firstLapse, reserveSlot } from './service-slot.ts'
import { Deadlines } from '../util/deadlines.ts'
import { LazyAbort } from '../util/lazy-abort.ts'
import type { PeerLimitsInit } from '../security/limits.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { RunningTask, ServiceSlot } from './running-task.ts'
import type { Handler, ServeOptions, TaskEvent } from '../types.ts'
import type { Frame } from '../wire/frame.ts'
import type { Logger } from '@libp2p/interface'

export interface WorkerInit {
  log: Logger
  limits?: PeerLimitsInit
  /** Called when the served set changes, so presence can announce it */
  onServicesChanged(): void
  emit(event: 'work:start' | 'work:end', detail: TaskEvent & { ok?: boolean, cancelled?: boolean }): void
}

export class WorkerRuntime {
  private readonly services = new Map<string, ServiceSlot>()
  private readonly tasks = new Map<string, RunningTask>()
  private readonly init: WorkerInit
  private readonly limits: PeerLimits
  private readonly results = new ResultCache()
  /** One timer for the reservations of all slots: a lapsed one frees its room for the tasks queued behind it */
  private readonly lapses: Deadlines<ServiceSlot>

  constructor (init: WorkerInit) {
    this.init = init
    this.limits = new PeerLimits(init.limits)
    this.lapses = new Deadlines({
      items: () => this.services.values(),
      deadlineOf: firstLapse,
      expire: (slot) => {
        dropLapsed(slot)
        this.next(slot)
        this.lapses.watch(firstLapse(slot))
      }
    })
  }

  serve (name: string, handler: Handler, options: ServeOptions = {}): void {
    const slot = createSlot(name, handler, options)
    this.unserve(name, false)
    this.services.set(name, slot)
    this.init.onServicesChanged()
  }

  unserve (name: string, announce = true): void {
    const slot = this.services.get(name)
    if (slot == null) {
      return
    }
    this.services.delete(name)
    for (const task of this.tasks.values()) {
      if (task.slot === slot) {
        this.abort(task, new NoWorkersError('the worker stopped serving this service'), true)
      }
    }
    if (announce) {
      this.init.onServicesChanged()
    }
  }

  /** The services served, for announcements. */
  slots (): IterableIterator<ServiceSlot> {
    return this.services.values()
  }

  has (name: string): boolean {
    return this.services.has(name)
  }

  /** Tasks running or queued, over all services. */
  get load (): number {
    return this.tasks.size
  }

  onTask (frame: Frame, channel: TaskChannel): void {
    const requester = channel.remotePeer
    const slot = this.services.get(frame.service)
    if (slot == null) {
      this.refuse(channel, frame, new NoWorkersError(`this peer does not serve "${frame.service}"`), true)
      return
    }
    const key = taskKey(requester, frame.task)
    const cached = this.results.get(key)
    if (cached != null) {
      replay(channel, frame, cached, this.load)
      return
    }
    const existing = this.tasks.get(key)
    if (existing != null) {
      // the same channel repeating an attempt is a duplicate; a new channel is a restarted requester
      if (existing.channel === channel && existing.attempt >= frame.attempt) {
        return
      }
      if (!existing.streaming && (frame.flags & FLAG_STREAM) === 0) {
        // a repeated single-reply attempt: let the run in progress answer it
        existing.attempt = frame.attempt
        existing.channel = channel
        return
      }
      this.abort(existing, new ProtocolError('superseded by a later attempt'))
    }
    if (slot.access != null && !slot.access.admits(requester)) {
      slot.access.check(requester, slot.name, frame.token).then(() => {
        if (this.services.get(slot.name) === slot) {
          this.admit(frame, channel, slot, key)
        }
      }, (err: Error) => { this.refuse(channel, frame, err, false) })
      return
    }
    this.admit(frame, channel, slot, key)
  }

  private admit (frame: Frame, channel: TaskChannel, slot: ServiceSlot, key: string): void {
    const requester = channel.remotePeer
    try {
      this.limits.admit(requester)
    } catch (err: any) {
      this.refuse(channel, frame, err, true)
      return
    }
    const reserved = slot.reservations.delete(key)
    dropLapsed(slot)
    const task: RunningTask = {
      key,
      id: frame.task,
      attempt: frame.attempt,
      requester,
      channel,
      slot,
      frame,
      streaming: (frame.flags & FLAG_STREAM) !== 0,
      credits: frame.credit,
      abort: new LazyAbort(),
      state: 'queued'
    }
    if (slot.running < slot.concurrency && (reserved || slot.running + slot.reservations.size < slot.concurrency)) {
      this.tasks.set(key, task)
      void this.run(task)
    } else if (slot.queue.length < slot.maxQueue) {
      this.tasks.set(key, task)
      slot.queue.push(task)
    } else {
      this.limits.release(requester)
      this.refuse(channel, frame, new RateLimitedError(`"${slot.name}" is at capacity`), true)
    }
  }

  onCancel (frame: Frame, requester: string): void {
    const key = taskKey(requester, frame.task)
    const task = this.tasks.get(key)
    if (task != null && (frame.attempt === 0 || frame.attempt >= task.attempt)) {
      this.abort(task, new ProtocolError('cancelled by the requester'))
    }
    for (const slot of this.services.values()) {
      if (slot.reservations.delete(key)) {
        this.next(slot)
      }
    }
  }

  onCredit (frame: Frame, requester: string): void {
    const task = this.tasks.get(taskKey(requester, frame.task))
    if (task == null || task.attempt !== frame.attempt) {
      return
    }
    task.credits += frame.credit
    task.wakeWriter?.()
  }

  /** A requester went away (or one channel with it closed): nobody waits for its tasks (on that channel) any more. */
  onRequesterGone (requester: string, channel?: TaskChannel): void {
    for (const task of this.tasks.values()) {
      if (task.requester === requester && (channel == null || task.channel === channel)) {
        this.abort(task, new ProtocolError('the requester went away'))
      }
    }
    if (channel == null) {
      for (const slot of this.services.values()) {
        this.release(slot, requester)
      }
    }
  }

  /** Drops `requester`'s reservations in `slot`, and starts the tasks their room was held from. */
  private release (slot: ServiceSlot, requester: string): void {
    let released = false
    for (const [key, reservation] of slot.reservations) {
      if (reservation.requester === requester) {
        slot.reservations.delete(key)
        released = true
      }
    }
    if (released) {
      this.next(slot)
    }
  }

  /** Requesters with tasks here, for liveness checks. */
  requesters (): Set<string> {
    const out = new Set<string>()
    for (const task of this.tasks.values()) {
      out.add(task.requester)
    }
    return out
  }

  /**
   * A broadcast claim for `service` from `requester`: reserves a slot and
   * returns true when this worker has room to offer.
   */
  reserve (service: string, requester: string, taskId: string): boolean {
    const slot = this.services.get(service)
    const key = taskKey(requester, taskId)
    // a task already here needs no room held for it (a claim that came again, by another way)
    if (slot == null || this.tasks.has(key) || !reserveSlot(slot, requester, key)) {
      return false
    }
    this.lapses.watch(firstLapse(slot))
    return true
  }

  stop (): void {
    this.lapses.clear()
    for (const task of this.tasks.values()) {
      this.abort(task, new NoWorkersError('the worker is stopping'), true)
    }
    this.services.clear()
  }

  /**
   * Stops a task. With `notify`, the worker gave up on its own (it stops
   * serving): the requester hears a retryable error and moves the task now,
   * rather than waiting for a stall or a death.
   */
  private abort (task: RunningTask, reason: Error, notify = false): void {
    if (notify) {
      this.refuse(task.channel, task.frame, reason, true, task.attempt)
    }
    if (this.tasks.get(task.key) === task) {
      this.tasks.delete(task.key)
    }
    if (task.state === 'queued') {
      task.slot.queue.remove(task)
      this.limits.release(task.requester)
    }
    task.abort.abort(reason)
    task.wakeWriter?.()
  }

  private refuse (channel: TaskChannel, frame: Frame, err: Error, retryable: boolean, attempt = frame.attempt): void {
    channel.send(errorFrame({ task: frame.task, attempt, code: err.name, message: err.message, retryable, load: this.load }))
  }

  private async run (task: RunningTask): Promise<void> {
    const { slot } = task
    task.state = 'running'
    slot.running++
    const event: TaskEvent = { taskId: task.id, service: slot.name, attempt: task.attempt, peerId: task.requester }
    this.init.emit('work:start', event)
    const span = startTaskSpan(slot.name, task.id, task.attempt, task.frame.traceparent)
    let ok = false
    try {
      // only a journaling requester sends a task here again (after its restart): keep just those
      const keep = (task.frame.flags & FLAG_JOURNALED) !== 0
      const outcome = await runTask(task, () => this.load, keep ? this.results.maxEntryBytes : 0)
      ok = outcome.ok
      if (keep && outcome.cache != null) {
        this.results.set(task.key, outcome.cache)
      }
    } finally {
      slot.running--
      this.limits.release(task.requester)
      if (this.tasks.get(task.key) === task) {
        this.tasks.delete(task.key)
      }
      const cancelled = task.abort.aborted
      endTaskSpan(span, ok ? 'ok' : cancelled ? 'cancelled' : 'error')
      this.init.emit('work:end', { ...event, ok, cancelled })
      this.next(slot)
    }
  }

  private next (slot: ServiceSlot): void {
    while (slot.running < slot.concurrency && slot.queue.length > 0) {
      const task = slot.queue.shift()
      if (task != null && this.tasks.get(task.key) === task) {
        void this.run(task)
      }
    }
  }
}
