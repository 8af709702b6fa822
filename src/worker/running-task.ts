/**
 * What the worker side holds for a service it serves and for each task it
 * runs: shared by the runtime, the task runner and the stream writer.
 */
import type { TaskChannel } from '../channel/task-channel.ts'
import type { AccessCheck } from '../security/access.ts'
import type { Fifo } from '../util/fifo.ts'
import type { LazyAbort } from '../util/lazy-abort.ts'
import type { Handler } from '../types.ts'
import type { Frame } from '../wire/frame.ts'

/** A served service: its handler, its limits, and the tasks waiting for it. */
export interface ServiceSlot {
  name: string
  handler: Handler
  concurrency: number
  maxQueue: number
  resume: 'replay' | 'continue'
  models: string[]
  access?: AccessCheck
  running: number
  queue: Fifo<RunningTask>
  /** Offers made and not yet taken up, by task key (bounded by concurrency) */
  reservations: Map<string, Reservation>
}

/** Room a worker's offer holds in a slot for a claimed task, until the task comes or the reservation lapses. */
export interface Reservation {
  requester: string
  /** When it lapses, `Date.now()` milliseconds */
  expires: number
}

/** One task this worker holds for a requester, queued or running. */
export interface RunningTask {
  /** {@link taskKey} of the requester and task id */
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
  /** Aborted when the task is cancelled, superseded or dropped; its signal is made only for a handler that asks */
  abort: LazyAbort
  state: 'queued' | 'running'
}

/** The key of a requester's task on this worker. */
export function taskKey (requester: string, task: string): string {
  return `${requester}/${task}`
}
