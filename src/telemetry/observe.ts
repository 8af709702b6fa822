/**
 * Subscribes a telemetry sink to a mesh node's task and work events, timing
 * calls and tasks from their start events (the start times kept are
 * bounded).
 */
import type { TaskOutcome, TelemetrySink } from './sink.ts'
import type { MeshNode, TaskEvent } from '../types.ts'

/** Start times kept at most per kind (calls, tasks); older ones are dropped. */
export const MAX_TIMED_TASKS = 65_536

const SECOND_MS = 1000

/** A bounded map of start times, keyed by task. */
class Starts {
  private readonly times = new Map<string, number>()

  /** Records `key`'s start unless it has one. */
  set (key: string, now: number): void {
    if (this.times.has(key)) return
    if (this.times.size >= MAX_TIMED_TASKS) {
      const oldest = this.times.keys().next().value
      if (oldest != null) this.times.delete(oldest)
    }
    this.times.set(key, now)
  }

  /** Seconds since `key` started, or undefined; `remove` forgets it. */
  since (key: string, now: number, remove: boolean): number | undefined {
    const start = this.times.get(key)
    if (remove) this.times.delete(key)
    return start == null ? undefined : (now - start) / SECOND_MS
  }
}

type Listener = (evt: CustomEvent<any>) => void

/**
 * Subscribes `sink` to `node`'s events. Returns the function that
 * unsubscribes it.
 */
export function observeMesh (node: MeshNode, sink: TelemetrySink): () => void {
  const calls = new Starts()
  const tasks = new Starts()
  const key = (e: TaskEvent): string => `${e.peerId}/${e.taskId}/${e.attempt}`
  const listeners: Record<string, Listener> = {
    'task:dispatch': ({ detail }) => {
      calls.set(detail.taskId, Date.now())
    },
    'task:first-chunk': ({ detail }) => {
      const s = calls.since(detail.taskId, Date.now(), false)
      if (s != null) sink.firstChunk?.(detail.service, s)
    },
    'task:failover': ({ detail }) => { sink.failover?.(detail.service, detail.reason ?? 'unknown') },
    'task:done': ({ detail }) => {
      sink.callEnded?.(detail.service, detail.ok === true, calls.since(detail.taskId, Date.now(), true) ?? 0)
    },
    'work:start': ({ detail }) => {
      tasks.set(key(detail), Date.now())
      sink.taskStarted?.(detail.service)
    },
    'work:end': ({ detail }) => {
      const outcome: TaskOutcome = detail.ok === true ? 'ok' : detail.cancelled === true ? 'cancelled' : 'error'
      sink.taskEnded?.(detail.service, outcome, tasks.since(key(detail), Date.now(), true) ?? 0)
    }
  }
  for (const [type, fn] of Object.entries(listeners)) {
    node.addEventListener(type as any, fn as any)
  }
  return () => {
    for (const [type, fn] of Object.entries(listeners)) {
      node.removeEventListener(type as any, fn as any)
    }
  }
}
