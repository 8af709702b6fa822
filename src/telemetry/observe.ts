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
 * starts, and its ends take them oldest first. The times sit in a typed
 * array and the map holds small integer slots, so a start allocates no
 * boxed number; the array grows to the bound only as starts overlap.
 */
class Starts {
  private readonly slots = new Map<string, number>()
  /** Further starts of an id started again before it ended (rare) */
  private readonly again = new Map<string, number[]>()
  private times = new Float64Array(64)
  private free: number[] = []
  private used = 0

  /** Records a start of `key`. */
  set (key: string, now: number): void {
    if (this.slots.has(key)) {
      const more = this.again.get(key)
      if (more == null) this.again.set(key, [now])
      else if (more.length < MAX_STARTS_PER_ID - 1) more.push(now)
      return
    }
    if (this.slots.size >= MAX_TIMED_TASKS) {
      const oldest = this.slots.keys().next().value
      if (oldest != null) this.forget(oldest)
    }
    const slot = this.take()
    this.times[slot] = now
    this.slots.set(key, slot)
  }

  /** Seconds since `key` started, or undefined; `remove` forgets that start. */
  since (key: string, now: number, remove: boolean): number | undefined {
    const slot = this.slots.get(key)
    if (slot == null) return undefined
    const start = this.times[slot]
    if (remove) {
      const more = this.again.get(key)
      if (more == null) {
        this.slots.delete(key)
        this.free.push(slot)
      } else {
        this.times[slot] = more.shift() ?? start
        if (more.length === 0) this.again.delete(key)
      }
    }
    return (now - start) / SECOND_MS
  }

  private forget (key: string): void {
    const slot = this.slots.get(key)
    if (slot == null) return
    this.slots.delete(key)
    this.again.delete(key)
    this.free.push(slot)
  }

  /** A free slot of `times`, growing it (up to the bound) when none is. */
  private take (): number {
    const slot = this.free.pop()
    if (slot != null) return slot
    if (this.used === this.times.length) {
      const grown = new Float64Array(Math.min(this.times.length * 2, MAX_TIMED_TASKS))
      grown.set(this.times)
      this.times = grown
    }
    return this.used++
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
