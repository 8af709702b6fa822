/**
 * Feeds a telemetry sink from a mesh node's task and work events, timing
 * calls and tasks from their start events (the start times kept are
 * bounded). The node hands each event to the observer directly, before
 * and apart from its event listeners, so metrics cost no event object and
 * no dispatch.
 */
import type { TaskOutcome, TelemetrySink } from './sink.ts'
import type { MeshNodeEvents, TaskEvent } from '../types.ts'

/** Start times kept at most per kind (calls, tasks); older ones are dropped. */
export const MAX_TIMED_TASKS = 65_536

/** Starts kept at most for one task id still running. */
const MAX_STARTS_PER_ID = 16
const SECOND_MS = 1000

/**
 * A bounded map of start times by task id. An id started again before it
 * ended (a worker running one task id for two requesters) keeps both
 * starts, and its ends take them oldest first.
 */
class Starts {
  private readonly times = new Map<string, number | number[]>()

  /** Records a start of `key`. */
  set (key: string, now: number): void {
    const had = this.times.get(key)
    if (had != null) {
      if (typeof had === 'number') this.times.set(key, [had, now])
      else if (had.length < MAX_STARTS_PER_ID) had.push(now)
      return
    }
    if (this.times.size >= MAX_TIMED_TASKS) {
      const oldest = this.times.keys().next().value
      if (oldest != null) this.times.delete(oldest)
    }
    this.times.set(key, now)
  }

  /** Seconds since `key` started, or undefined; `remove` forgets that start. */
  since (key: string, now: number, remove: boolean): number | undefined {
    const had = this.times.get(key)
    if (had == null) return undefined
    let start: number
    if (typeof had === 'number') {
      start = had
      if (remove) this.times.delete(key)
    } else {
      start = had[0]
      if (remove) {
        had.shift()
        if (had.length === 1) this.times.set(key, had[0])
      }
    }
    return (now - start) / SECOND_MS
  }
}

/** What the node calls with each of its events. */
export type TelemetryObserver = (type: keyof MeshNodeEvents, detail: any) => void

type Detail = TaskEvent & { ok?: boolean, cancelled?: boolean, reason?: string }

/** The observer that turns a node's events into `sink`'s figures. */
export function observeMesh (sink: TelemetrySink): TelemetryObserver {
  const calls = new Starts()
  const tasks = new Starts()
  const now = (): number => performance.now()
  return (type, detail: Detail) => {
    switch (type) {
      case 'task:dispatch':
        calls.set(detail.taskId, now())
        break
      case 'task:first-chunk': {
        const s = calls.since(detail.taskId, now(), false)
        if (s != null) sink.firstChunk?.(detail.service, s)
        break
      }
      case 'task:failover':
        sink.failover?.(detail.service, detail.reason ?? 'unknown')
        break
      case 'task:done':
        sink.callEnded?.(detail.service, detail.ok === true, calls.since(detail.taskId, now(), true) ?? 0)
        break
      case 'work:start':
        tasks.set(detail.taskId, now())
        sink.taskStarted?.(detail.service)
        break
      case 'work:end': {
        const outcome: TaskOutcome = detail.ok === true ? 'ok' : detail.cancelled === true ? 'cancelled' : 'error'
        sink.taskEnded?.(detail.service, outcome, tasks.since(detail.taskId, now(), true) ?? 0)
        break
      }
    }
  }
}
