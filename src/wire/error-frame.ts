/**
 * The ERROR frame a worker sends when it refuses or fails a task: the
 * error's code and message, and whether the requester may try elsewhere.
 */
import { FLAG_RETRYABLE, KIND_ERROR } from './frame.ts'
import type { FrameInit } from './frame.ts'

export interface ErrorFrameInit {
  task: string
  attempt: number
  code: string
  message: string
  retryable: boolean
  /** The worker's tasks in flight, as load reports on every frame */
  load: number
  capacity?: number
}

/** An ERROR frame for `task`'s `attempt`. */
export function errorFrame (init: ErrorFrameInit): FrameInit {
  return {
    kind: KIND_ERROR,
    task: init.task,
    attempt: init.attempt,
    code: init.code,
    message: init.message,
    flags: init.retryable ? FLAG_RETRYABLE : 0,
    load: init.load,
    capacity: init.capacity
  }
}
