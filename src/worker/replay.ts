/**
 * Answering a repeated attempt from the result cache: a finished stream
 * from the chunk the caller needs next, a final error, or a single value.
 */
import { errorFrame } from '../wire/error-frame.ts'
import { KIND_CHUNK, KIND_RESULT } from '../wire/frame.ts'
import type { CachedResult } from './result-cache.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { Frame } from '../wire/frame.ts'

/** Sends `cached` as the reply to the TASK `frame`; `load` rides on every frame. */
export function replay (channel: TaskChannel, frame: Frame, cached: CachedResult, load: number): void {
  const { task, attempt } = frame
  if (cached.chunks != null) {
    // bounded by the cache's entry size
    for (let seq = frame.seq; seq < cached.chunks.length; seq++) {
      const chunk = cached.chunks[seq]
      channel.send({ kind: KIND_CHUNK, task, attempt, seq, payload: chunk.data, codec: chunk.codec, load })
    }
    channel.send({ kind: KIND_RESULT, task, attempt, load })
    return
  }
  if (cached.error != null) {
    channel.send(errorFrame({ task, attempt, ...cached.error, retryable: false, load }))
    return
  }
  channel.send({ kind: KIND_RESULT, task, attempt, payload: cached.payload, codec: cached.codec, load })
}
