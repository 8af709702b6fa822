/**
 * The worker side: services this node serves, the tasks it runs for other
 * peers, and their replies. Tasks beyond a service's concurrency wait in a
 * bounded queue; past that the requester gets a RateLimitedError and moves
 * the task elsewhere. Streaming replies are paced by the requester's credit.
 */
import { DEFAULT_CONCURRENCY, DEFAULT_QUEUE_PER_SLOT, OFFER_RESERVATION_MS } from '../constants.ts'
import { InvalidArgumentError, NoWorkersError, ProtocolError, RateLimitedError } from '../errors.ts'
import { Fifo } from '../util/fifo.ts'
import { FLAG_RETRYABLE, FLAG_STREAM, KIND_ERROR, KIND_RESULT } from '../wire/frame.ts'
import { decodePayload, encodePayload } from '../wire/payload.ts'
import { streamReply } from './stream-reply.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { Handler, HandlerContext, ServeOptions, TaskEvent } from '../types.ts'
import type { Frame } from '../wire/frame.ts'
import type { Logger } from '@libp2p/interface'

export interface ServiceSlot {
  name: string
  handler: Handler
  concurrency: number
  maxQueue: number
  resume: 'replay' | 'continue'
  models: string[]
  running: number
  queue: Fifo<RunningTask>
  /** Offers made and not yet taken up, with their expiry */
  reservations: Map<string, number>
}

export interface RunningTask {
  key: string
  id: string
  attempt: number
  requester: string
  channel: TaskChannel
  slot: ServiceSlot
  frame: Frame
  streaming: boolean
  credits: number
  wakeWriter?: () => void
  controller: AbortController
  state: 'queued' | 'running'
}

export interface WorkerInit {
  log: Logger
  /** Called when the served set changes, so presence can announce it */
  onServicesChanged(): void
  emit(event: 'work:start' | 'work:end', detail: TaskEvent & { ok?: boolean }): void
}

export class WorkerRuntime {
  private readonly services = new Map<string, ServiceSlot>()
  private readonly tasks = new Map<string, RunningTask>()
  private readonly init: WorkerInit

  constructor (init: WorkerInit) {
    this.init = init
  }

  serve (name: string, handler: Handler, options: ServeOptions = {}): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
      throw new InvalidArgumentError('a service name is a non-empty string of at most 256 characters')
    }
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError('a handler is a function')
    }
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError('concurrency is a positive integer')
    }
    this.unserve(name, false)
    this.services.set(name, {
      name,
      handler,
      concurrency,
      maxQueue: options.maxQueue ?? concurrency * DEFAULT_QUEUE_PER_SLOT,
      resume: options.resume ?? 'replay',
      models: options.models ?? [],
      running: 0,
      queue: new Fifo(),
      reservations: new Map()
    })
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
        this.abort(task, new NoWorkersError('the worker stopped serving this service'))
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
    const key = `${requester}/${frame.task}`
    const existing = this.tasks.get(key)
    if (existing != null) {
      if (existing.attempt >= frame.attempt) {
        return
      }
      this.abort(existing, new ProtocolError('superseded by a later attempt'))
    }
    const reserved = slot.reservations.delete(key)
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
      controller: new AbortController(),
      state: 'queued'
    }
    if (slot.running < slot.concurrency && (reserved || slot.running + slot.reservations.size < slot.concurrency)) {
      this.tasks.set(key, task)
      void this.run(task)
    } else if (slot.queue.length < slot.maxQueue) {
      this.tasks.set(key, task)
      slot.queue.push(task)
    } else {
      this.refuse(channel, frame, new RateLimitedError(`"${slot.name}" is at capacity`), true)
    }
  }

  onCancel (frame: Frame, requester: string): void {
    const key = `${requester}/${frame.task}`
    const task = this.tasks.get(key)
    if (task != null && (frame.attempt === 0 || frame.attempt >= task.attempt)) {
      this.abort(task, new ProtocolError('cancelled by the requester'))
    }
    for (const slot of this.services.values()) {
      slot.reservations.delete(key)
    }
  }

  onCredit (frame: Frame, requester: string): void {
    const task = this.tasks.get(`${requester}/${frame.task}`)
    if (task == null || task.attempt !== frame.attempt) {
      return
    }
    task.credits += frame.credit
    task.wakeWriter?.()
  }

  /** A requester went away: nobody waits for its tasks any more. */
  onRequesterGone (requester: string): void {
    for (const task of this.tasks.values()) {
      if (task.requester === requester) {
        this.abort(task, new ProtocolError('the requester went away'))
      }
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
    if (slot == null) {
      return false
    }
    const now = Date.now()
    for (const [key, expires] of slot.reservations) {
      if (expires < now) {
        slot.reservations.delete(key)
      }
    }
    if (slot.running + slot.queue.length + slot.reservations.size >= slot.concurrency) {
      return false
    }
    slot.reservations.set(`${requester}/${taskId}`, now + OFFER_RESERVATION_MS)
    return true
  }

  stop (): void {
    for (const task of this.tasks.values()) {
      this.abort(task, new NoWorkersError('the worker is stopping'))
    }
    this.services.clear()
  }

  private abort (task: RunningTask, reason: Error): void {
    if (this.tasks.get(task.key) === task) {
      this.tasks.delete(task.key)
    }
    if (task.state === 'queued') {
      task.slot.queue.remove(task)
    }
    task.controller.abort(reason)
    task.wakeWriter?.()
  }

  private refuse (channel: TaskChannel, frame: Frame, err: Error, retryable: boolean): void {
    channel.send({
      kind: KIND_ERROR,
      task: frame.task,
      attempt: frame.attempt,
      code: err.name,
      message: err.message,
      flags: retryable ? FLAG_RETRYABLE : 0,
      load: this.load
    })
  }

  private async run (task: RunningTask): Promise<void> {
    const { slot, frame, channel } = task
    const signal = task.controller.signal
    task.state = 'running'
    slot.running++
    const event: TaskEvent = { taskId: task.id, service: slot.name, attempt: task.attempt, peerId: task.requester }
    this.init.emit('work:start', event)
    let ok = false
    try {
      const input = decodePayload(frame.payload, frame.codec)
      const ctx: HandlerContext = {
        signal,
        taskId: task.id,
        attempt: task.attempt,
        service: slot.name,
        requester: task.requester,
        resume: { chunks: frame.prior.map(p => decodePayload(p.data, p.codec)) }
      }
      const out = slot.handler(input, ctx)
      let value: unknown
      if (isAsyncIterable(out)) {
        value = await streamReply(task, out, signal, this.load)
      } else {
        value = await out
        if (task.streaming) {
          value = await streamReply(task, single(value), signal, this.load)
        }
      }
      if (!signal.aborted) {
        const { data, codec } = encodePayload(value)
        channel.send({
          kind: KIND_RESULT,
          task: task.id,
          attempt: task.attempt,
          payload: data,
          codec,
          load: this.load - 1,
          capacity: slot.concurrency
        })
        ok = true
      }
    } catch (err: any) {
      if (!signal.aborted) {
        channel.send({
          kind: KIND_ERROR,
          task: task.id,
          attempt: task.attempt,
          code: typeof err?.code === 'string' ? err.code : (err?.name ?? 'Error'),
          message: String(err?.message ?? err),
          flags: err?.retryable === true ? FLAG_RETRYABLE : 0,
          load: this.load - 1,
          capacity: slot.concurrency
        })
      }
    } finally {
      slot.running--
      if (this.tasks.get(task.key) === task) {
        this.tasks.delete(task.key)
      }
      this.init.emit('work:end', { ...event, ok })
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

function isAsyncIterable (value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as any)[Symbol.asyncIterator] === 'function'
}

async function * single (value: unknown): AsyncGenerator<unknown> {
  yield value
}
