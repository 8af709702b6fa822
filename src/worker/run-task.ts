/**
 * Runs one task's handler and sends its reply: the value (RESULT), the
 * chunks of a stream (CHUNK... then RESULT), or the error (ERROR). Nothing
 * is sent once the task was aborted (cancelled, superseded, or its
 * requester gone): the requester has moved on.
 */
import { errorFrame } from '../wire/error-frame.ts'
import { KIND_RESULT } from '../wire/frame.ts'
import { decodePayload, encodePayload } from '../wire/payload.ts'
import { streamReply } from './stream-reply.ts'
import type { CachedResult } from './result-cache.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { RunningTask } from './running-task.ts'
import type { HandlerContext } from '../types.ts'

/** How the runner reports back to the runtime. */
export interface RunOutcome {
  /** Set for replies worth keeping: single values and final errors */
  cache?: CachedResult
  ok: boolean
}

export async function runTask (task: RunningTask, load: () => number, maxKeptBytes = Infinity): Promise<RunOutcome> {
  const { slot, frame } = task
  const abort = task.abort
  const kept = keeper(task, maxKeptBytes)
  try {
    const input = decodePayload(frame.payload, frame.codec)
    const ctx = taskContext(task, frame.prior.length > 0 ? frame.prior.map(p => decodePayload(p.data, p.codec)) : [])
    const out = slot.handler(input, ctx)
    let value: unknown
    if (isAsyncIterable(out)) {
      value = await streamReply(task, out, abort, load(), kept.add)
    } else {
      value = await out
      if (task.streaming) {
        value = await streamReply(task, single(value), abort, load(), kept.add)
      }
    }
    if (abort.aborted) {
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
    return { ok: true, cache: task.streaming ? kept.result() : { payload: data, codec } }
  } catch (err: any) {
    if (abort.aborted) {
      return { ok: false }
    }
    const retryable = err?.retryable === true
    const code = typeof err?.code === 'string' ? err.code : (err?.name ?? 'Error')
    const message = String(err?.message ?? err)
    task.channel.send(errorFrame({ task: task.id, attempt: task.attempt, code, message, retryable, load: load() - 1, capacity: slot.concurrency }))
    return { ok: false, cache: retryable ? undefined : { error: { code, message } } }
  }
}

/**
 * What a handler is told about its task. The signal is an own getter (so a
 * spread copy of the context still has it) that makes the signal only for
 * a handler that reads it.
 */
function taskContext (task: RunningTask, chunks: unknown[]): HandlerContext {
  const abort = task.abort
  return {
    get signal () { return abort.signal },
    taskId: task.id,
    attempt: task.attempt,
    service: task.slot.name,
    requester: task.requester,
    resume: { chunks }
  }
}

/**
 * Keeps the chunks of a streamed reply, from the first, so a repeated
 * attempt can be answered without running the handler again. Gives up (and
 * keeps nothing) past `maxBytes`, or when the caller could not hand over
 * the chunks it had from an earlier attempt.
 */
function keeper (task: RunningTask, maxBytes: number): { add: (chunk: EncodedPayload) => void, result: () => CachedResult | undefined } {
  const { frame } = task
  let chunks: EncodedPayload[] | undefined = frame.prior.length === frame.seq ? frame.prior.map(p => ({ data: p.data, codec: p.codec })) : undefined
  let bytes = chunks?.reduce((n, c) => n + c.data.byteLength, 0) ?? 0
  return {
    add: (chunk) => {
      if (chunks == null) {
        return
      }
      bytes += chunk.data.byteLength
      if (bytes > maxBytes) {
        chunks = undefined
        return
      }
      chunks.push(chunk)
    },
    result: () => chunks != null ? { chunks } : undefined
  }
}

function isAsyncIterable (value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as any)[Symbol.asyncIterator] === 'function'
}

async function * single (value: unknown): AsyncGenerator<unknown> {
  yield value
}
