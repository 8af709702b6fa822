/**
 * A running `map` job: keeps up to `concurrency` tasks in flight, backs up
 * stragglers on other workers (speculation.ts), keeps each task's first
 * answer and cancels its other attempt, and fails as a whole on the first
 * task that fails for good. Results are kept in completion order (for the
 * iterators) and in input order (for `all()`), both bounded by the inputs.
 */
import { SPECULATION_CHECK_MS } from '../constants.ts'
import { AbortError, MapTaskError } from '../errors.ts'
import { Speculation } from './speculation.ts'
import type { Call } from '../dispatch/call.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { MapJob, MapProgress, MapResult } from './map-types.ts'
import type { TaskRunner } from './task-runner.ts'

export interface MapJobInit {
  runner: TaskRunner
  inputs: EncodedPayload[]
  concurrency: number
  speculative: boolean
  signal?: AbortSignal
}

interface Task {
  index: number
  startedAt: number
  backedUp: boolean
  /** Attempts still running: the first, and a backup once there is one */
  calls: Call[]
}

/** In flight at most, with stragglers' slots lent: this many times `concurrency` */
const MAX_LENT_SLOTS_FACTOR = 2

const lost = new AbortError('another attempt of the task answered first')

export class RunningMap<O> implements MapJob<O> {
  private readonly init: MapJobInit
  private readonly values: O[]
  private readonly completions: Array<MapResult<O>> = []
  private readonly running = new Map<number, Task>()
  private readonly speculation: Speculation
  private readonly ended: Promise<void>
  private resolveEnded!: () => void
  private rejectEnded!: (err: Error) => void
  private waiters: Array<() => void> = []
  private next = 0
  private retriedSettled = 0
  private speculated = 0
  private failure?: Error
  private finished = false
  private checkTimer?: ReturnType<typeof setInterval>
  private abortCleanup?: () => void

  constructor (init: MapJobInit) {
    this.init = init
    this.values = new Array(init.inputs.length)
    this.speculation = new Speculation(init.inputs.length)
    this.ended = new Promise((resolve, reject) => {
      this.resolveEnded = resolve
      this.rejectEnded = reject
    })
    // a job whose caller only iterates never awaits all()
    this.ended.catch(() => {})
    this.watchSignal(init.signal)
    if (init.inputs.length === 0) {
      this.end()
      return
    }
    this.fill()
    if (init.speculative && !this.finished) {
      this.checkTimer = setInterval(() => { this.check() }, SPECULATION_CHECK_MS)
    }
  }

  get progress (): MapProgress {
    let retried = this.retriedSettled
    for (const task of this.running.values()) {
      for (const call of task.calls) {
        retried += Math.max(call.attempt - 1, 0)
      }
    }
    return { total: this.init.inputs.length, done: this.completions.length, running: this.running.size, retried, speculated: this.speculated }
  }

  async all (): Promise<O[]> {
    await this.ended
    return this.values
  }

  cancel (): void {
    this.fail(new AbortError('the job was cancelled'))
  }

  [Symbol.asyncIterator] (): AsyncIterator<MapResult<O>> {
    let cursor = 0
    return {
      next: async (): Promise<IteratorResult<MapResult<O>>> => {
        while (true) {
          if (cursor < this.completions.length) {
            return { done: false, value: this.completions[cursor++] }
          }
          if (this.failure != null) {
            throw this.failure
          }
          if (this.finished) {
            return { done: true, value: undefined }
          }
          await new Promise<void>(resolve => { this.waiters.push(resolve) })
        }
      }
    }
  }

  /**
   * Starts tasks until `concurrency` are in flight or none is left. With
   * speculation, a straggler lends its slot to the next task (a slow worker
   * would otherwise hold the job's slots), up to twice `concurrency` in flight.
   */
  private fill (): void {
    const { concurrency, speculative, inputs } = this.init
    const now = Date.now()
    let busy = 0
    for (const task of this.running.values()) {
      if (!speculative || !this.speculation.straggling(task, now)) {
        busy++
      }
    }
    while (!this.finished && busy < concurrency && this.running.size < concurrency * MAX_LENT_SLOTS_FACTOR && this.next < inputs.length) {
      busy++
      const task: Task = { index: this.next++, startedAt: Date.now(), backedUp: false, calls: [] }
      this.running.set(task.index, task)
      this.launch(task)
    }
  }

  /** Starts an attempt of `task`, away from `avoid`; false if the requester refused it. */
  private launch (task: Task, avoid?: string): boolean {
    let call: Call
    try {
      call = this.init.runner.start(this.init.inputs[task.index], avoid)
    } catch (err: any) {
      if (avoid == null) {
        this.fail(new MapTaskError(task.index, err))
      }
      return false
    }
    task.calls.push(call)
    call.result.then(
      value => { this.onAnswer(task, call, value as O) },
      (err: Error) => { this.onFailure(task, call, err) }
    )
    return true
  }

  private onAnswer (task: Task, call: Call, value: O): void {
    if (this.finished || !this.running.has(task.index)) {
      return
    }
    this.settleTask(task, call)
    this.speculation.record(Date.now() - task.startedAt)
    this.values[task.index] = value
    this.completions.push({ index: task.index, value, peerId: call.answeredBy ?? '' })
    this.wake()
    if (this.completions.length === this.init.inputs.length) {
      this.end()
      return
    }
    this.fill()
  }

  private onFailure (task: Task, call: Call, err: Error): void {
    if (this.finished || !this.running.has(task.index)) {
      return
    }
    task.calls = task.calls.filter(c => c !== call)
    this.retriedSettled += Math.max(call.attempt - 1, 0)
    if (task.calls.length === 0) {
      this.fail(new MapTaskError(task.index, err))
    }
    // else the task's other attempt may still answer
  }

  /** The task is over: its other attempt, if any, is cancelled. */
  private settleTask (task: Task, winner?: Call): void {
    this.running.delete(task.index)
    for (const call of task.calls) {
      this.retriedSettled += Math.max(call.attempt - 1, 0)
      if (call !== winner) {
        this.init.runner.cancel(call, lost)
      }
    }
    task.calls = []
  }

  /** Lends the slots of stragglers, and backs them up once the job is near its end. */
  private check (): void {
    this.fill()
    this.backUpStragglers()
  }

  private backUpStragglers (): void {
    for (const task of this.speculation.due(this.running.values(), Date.now())) {
      const worker = task.calls[0]?.worker
      if (worker == null) {
        // between workers (moving off a failed one): look again next time
        continue
      }
      task.backedUp = true
      if (this.launch(task, worker)) {
        this.speculated++
      }
    }
  }

  private fail (err: Error): void {
    if (this.finished) {
      return
    }
    this.failure = err
    for (const task of [...this.running.values()]) {
      this.settleTask(task)
    }
    this.end(err)
  }

  private end (err?: Error): void {
    this.finished = true
    clearInterval(this.checkTimer)
    this.abortCleanup?.()
    if (err != null) {
      this.rejectEnded(err)
    } else {
      this.resolveEnded()
    }
    this.wake()
  }

  private watchSignal (signal?: AbortSignal): void {
    if (signal == null) {
      return
    }
    const onAbort = (): void => { this.fail(new AbortError('the job was aborted')) }
    if (signal.aborted) {
      // before the first task starts: nothing is sent
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    this.abortCleanup = () => { signal.removeEventListener('abort', onAbort) }
  }

  private wake (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) {
      wake()
    }
  }
}
