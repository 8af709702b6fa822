/**
 * A running `map` job: keeps up to `concurrency` tasks in flight, backs up
 * stragglers on other workers (speculation.ts), keeps each task's first
 * answer and cancels its other attempt, and fails as a whole on the first
 * task that fails for good. Results are kept in completion order (for the
 * iterators) and in input order (for `all()`), both bounded by the inputs.
 * A journaled job (map-journal.ts) first reads back what it did before a
 * restart, records each result before handing it over, and marks it taken
 * once the reader is done with it (asks for the next, or stops).
 */
import { SPECULATION_CHECK_MS } from '../constants.ts'
import { AbortError, MapTaskError } from '../errors.ts'
import { MapResults } from './map-results.ts'
import { Speculation } from './speculation.ts'
import type { Call } from '../dispatch/call.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { MapJournal, ResumedJob } from './map-journal.ts'
import type { MapJob, MapProgress, MapResult } from './map-types.ts'
import type { TaskRunner, TaskStart } from './task-runner.ts'

export interface MapJobInit {
  runner: TaskRunner
  inputs: EncodedPayload[]
  concurrency: number
  speculative: boolean
  signal?: AbortSignal
  /** The job's journal state, when it is journaled */
  durable?: MapJournal
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
  private readonly results = new MapResults<O>(async index => { await this.markTaken(index) })
  private readonly running = new Map<number, Task>()
  /** Per task: 1 once its result came in */
  private readonly answered: Uint8Array
  /** Per task: 1 once a reader was done with it (journaled jobs record it) */
  private readonly yielded: Uint8Array
  private readonly speculation: Speculation
  private readonly ended: Promise<void>
  private readonly opened: Promise<void>
  private resolveEnded!: () => void
  private rejectEnded!: (err: Error) => void
  private next = 0
  private done = 0
  private retriedSettled = 0
  private speculated = 0
  /** No task starts any more */
  private finished = false
  /** The job ends without forgetting its journal state */
  private keepJournal = false
  private checkTimer?: ReturnType<typeof setInterval>
  private abortCleanup?: () => void

  constructor (init: MapJobInit) {
    this.init = init
    const total = init.inputs.length
    this.values = new Array(total)
    this.answered = new Uint8Array(total)
    this.yielded = new Uint8Array(total)
    this.speculation = new Speculation(total)
    this.ended = new Promise((resolve, reject) => {
      this.resolveEnded = resolve
      this.rejectEnded = reject
    })
    // a job whose caller only iterates never awaits all()
    this.ended.catch(() => {})
    const { durable } = init
    this.opened = durable == null
      ? Promise.resolve()
      : durable.open().then(resumed => {
        this.resume(resumed)
        this.begin()
      }, (err: Error) => {
        // what the journal holds is not this job's to forget
        this.keepJournal = true
        this.fail(err)
      })
    this.watchSignal(init.signal)
    if (durable == null) {
      this.begin()
    }
  }

  get progress (): MapProgress {
    let retried = this.retriedSettled
    for (const task of this.running.values()) {
      for (const call of task.calls) {
        retried += Math.max(call.attempt - 1, 0)
      }
    }
    return { total: this.init.inputs.length, done: this.done, running: this.running.size, retried, speculated: this.speculated }
  }

  async all (): Promise<O[]> {
    await this.ended
    return this.values
  }

  cancel (): void {
    this.fail(new AbortError('the job was cancelled'))
  }

  [Symbol.asyncIterator] (): AsyncIterator<MapResult<O>> {
    return this.results.iterator()
  }

  /**
   * The first time a reader is done with a task's result (it asked for the
   * next, or stopped), a journaled job records it: a result whose reader was
   * killed while handling it is handed over again after a restart.
   */
  private async markTaken (index: number): Promise<void> {
    if (this.yielded[index] === 1) {
      return
    }
    this.yielded[index] = 1
    await this.init.durable?.taken(index)
  }

  private begin (): void {
    if (this.finished) {
      return
    }
    if (this.done === this.init.inputs.length) {
      this.end()
      return
    }
    this.fill()
    if (this.init.speculative && !this.finished) {
      this.checkTimer = setInterval(() => { this.check() }, SPECULATION_CHECK_MS)
    }
  }

  /**
   * Takes back what the job did before a restart: results in (the ones no
   * iterator yielded are queued again), and tasks in flight, sent again
   * under their call id to their worker.
   */
  private resume ({ results, inFlight }: ResumedJob): void {
    if (this.finished) {
      return
    }
    for (const [index, saved] of results) {
      if (index < 0 || index >= this.values.length || this.answered[index] === 1) {
        continue
      }
      this.answered[index] = 1
      this.values[index] = saved.value as O
      this.done++
      if (saved.taken) {
        this.yielded[index] = 1
      } else {
        this.results.add({ index, value: saved.value as O, peerId: saved.peerId })
      }
    }
    for (const [index, { id, worker }] of inFlight) {
      if (this.finished || index < 0 || index >= this.values.length || this.answered[index] === 1) {
        continue
      }
      const task: Task = { index, startedAt: Date.now(), backedUp: false, calls: [] }
      this.running.set(index, task)
      this.launch(task, { id, preferPeer: worker, recorded: true })
    }
    this.results.wake()
  }

  /**
   * Starts tasks until `concurrency` are in flight or none is left. With
   * speculation, a straggler lends its slot to the next task (a slow worker
   * would otherwise hold the job's slots), up to twice `concurrency` in flight.
   */
  private fill (): void {
    const { concurrency, speculative } = this.init
    const now = Date.now()
    let busy = 0
    for (const task of this.running.values()) {
      if (!speculative || !this.speculation.straggling(task, now)) {
        busy++
      }
    }
    while (!this.finished && busy < concurrency && this.running.size < concurrency * MAX_LENT_SLOTS_FACTOR) {
      const index = this.nextIndex()
      if (index == null) {
        break
      }
      busy++
      const task: Task = { index, startedAt: Date.now(), backedUp: false, calls: [] }
      this.running.set(index, task)
      this.launch(task)
    }
  }

  /** The next task neither answered nor running (a resumed job has some of each). */
  private nextIndex (): number | undefined {
    const total = this.init.inputs.length
    while (this.next < total && (this.answered[this.next] === 1 || this.running.has(this.next))) {
      this.next++
    }
    return this.next < total ? this.next++ : undefined
  }

  /** Starts an attempt of `task` (a backup when `start.avoid` is set); false if the requester refused it. */
  private launch (task: Task, start: TaskStart = {}): boolean {
    const backup = start.avoid != null
    let call: Call
    try {
      const id = start.id ?? this.init.durable?.taskId(task.index, backup)
      call = this.init.runner.start(this.init.inputs[task.index], { ...start, id })
    } catch (err: any) {
      if (!backup) {
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
    this.answered[task.index] = 1
    this.speculation.record(Date.now() - task.startedAt)
    const result = { index: task.index, value, peerId: call.answeredBy ?? '' }
    const { durable } = this.init
    if (durable == null) {
      this.deliver(result)
      return
    }
    // recorded before it is handed over: a restart then neither runs it again nor loses it
    durable.saved(result.index, value, result.peerId).then(() => { this.deliver(result) }, (err: Error) => { this.fail(err) })
  }

  private deliver (result: MapResult<O>): void {
    if (this.finished) {
      return
    }
    this.values[result.index] = result.value
    this.done++
    this.results.push(result)
    if (this.done === this.init.inputs.length) {
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
      if (this.launch(task, { avoid: worker })) {
        this.speculated++
      }
    }
  }

  private fail (err: Error): void {
    if (this.finished) {
      return
    }
    for (const task of [...this.running.values()]) {
      this.settleTask(task)
    }
    this.end(err)
  }

  /**
   * Stops the job; the caller hears of it once a journaled job is forgotten
   * (or, when the node stopped under it, kept for a restart).
   */
  private end (err?: Error): void {
    this.finished = true
    clearInterval(this.checkTimer)
    this.abortCleanup?.()
    const close = (): void => {
      if (err != null) {
        this.rejectEnded(err)
      } else {
        this.resolveEnded()
      }
      this.results.close(err)
    }
    const { durable } = this.init
    if (durable == null) {
      close()
      return
    }
    const keep = this.keepJournal || (err != null && isNodeStop(err))
    this.opened.then(async () => {
      if (keep) {
        durable.close()
      } else {
        await durable.forget()
      }
    }).catch(() => {}).finally(close)
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
}

/** The node stopped under the job: its journal keeps it for a restart. */
function isNodeStop (err: Error): boolean {
  return (err instanceof MapTaskError ? err.cause as Error : err)?.name === 'NotStartedError'
}
