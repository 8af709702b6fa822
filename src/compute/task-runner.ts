/**
 * What jobs of many calls (map, hedged requests) need from the requester:
 * start one attempt of a task with its input already encoded, away from a
 * given worker, and cancel it.
 */
import type { Call } from '../dispatch/call.ts'
import type { EncodedPayload } from '../wire/payload.ts'

export interface TaskRunner {
  /**
   * Starts a call of the runner's service; never on `avoid` (the worker
   * already running the task), and ending by `deadline` (epoch ms) when given.
   */
  start(input: EncodedPayload, avoid?: string, deadline?: number): Call
  cancel(call: Call, err: Error): void
}
