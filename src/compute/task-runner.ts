/**
 * What jobs of many calls (map, hedged requests) need from the requester:
 * start one attempt of a task with its input already encoded, away from a
 * given worker, and cancel it.
 */
import type { Call } from '../dispatch/call.ts'
import type { EncodedPayload } from '../wire/payload.ts'

/** Where one call of a task goes and what it is called. */
export interface TaskStart {
  /** Never this worker (the one already running the task) */
  avoid?: string
  /** Ends by then (epoch ms), rather than the runner's timeout from now */
  deadline?: number
  /** The call's id (a journaled job names its calls); a fresh one otherwise */
  id?: string
  /** Tried first: the worker that had the task before a restart */
  preferPeer?: string
  /** The journal holds the call already (from before a restart) */
  recorded?: boolean
}

export interface TaskRunner {
  /** Starts a call of the runner's service. */
  start(input: EncodedPayload, options?: TaskStart): Call
  cancel(call: Call, err: Error): void
}
