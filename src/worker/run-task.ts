/**
 * Runs one task's handler and sends its reply: the value (RESULT), the
 * chunks of a stream (CHUNK... then RESULT), or the error (ERROR). Nothing
 * is sent once the task was aborted (cancelled, superseded, or its
 * requester gone): the requester has moved on.
 */
import { FLAG_RETRYABLE, KIND_ERROR, KIND_RESULT } from '../wire/frame.ts'
import { decodePayload, encodePayload } from '../wire/payload.ts'
import { streamReply } from './stream-reply.ts'
import type { CachedResult } from './result-cache.ts'
import type { RunningTask } from './worker.ts'
import type { HandlerContext } from '../types.ts'

/** How the runner reports back to the runtime. */
export interface RunOutcome {
  /** Set for replies worth keeping: single values and final errors */
  cache?: CachedResult
  ok: boolean
}

export async function runTask (task: RunningTask, load: () => number): Promise<RunOutcome> {
  const { slot, frame } = task
  const signal = task.controller.signal
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
      value = await streamReply(task, out, signal, load())
    } else {
      value = await out
      if (task.streaming) {
        value = await streamReply(task, single(value), signal, load())
      }
    }
    if (signal.aborted) {
      return { ok: false }
    }
    const { data, codec } = encodePayload(value)
    // the task may have been re-bound to a newer attempt while it ran: reply to that one
    task.channel.send({
      kind: KIND_RESULT,
      task: task.id,
      attempt: task.attempt,
      payload: data,
      codec,
      load: load() - 1,
      capacity: slot.concurrency
    })
    return { ok: true, cache: task.streaming ? undefined : { payload: data, codec } }
  } catch (err: any) {
    if (signal.aborted) {
      return { ok: false }
    }
    const retryable = err?.retryable === true
    const code = typeof err?.code === 'string' ? err.code : (err?.name ?? 'Error')
    const message = String(err?.message ?? err)
    task.channel.send({
      kind: KIND_ERROR,
      task: task.id,
      attempt: task.attempt,
      code,
      message,
      flags: retryable ? FLAG_RETRYABLE : 0,
      load: load() - 1,
      capacity: slot.concurrency
    })
    return { ok: false, cache: retryable ? undefined : { error: { code, message } } }
  }
}

function isAsyncIterable (value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as any)[Symbol.asyncIterator] === 'function'
}

async function * single (value: unknown): AsyncGenerator<unknown> {
  yield value
}
