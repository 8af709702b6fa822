/**
 * Sends a streaming handler's chunks to the requester, numbered from the
 * start of the reply, never more than the requester's credit ahead of it.
 * A resumed attempt either replays the handler and drops the chunks the
 * caller already has, or (resume: 'continue') numbers the handler's chunks
 * from where the caller is.
 */
import { AbortError } from '../errors.ts'
import { KIND_CHUNK } from '../wire/frame.ts'
import { encodePayload } from '../wire/payload.ts'
import type { RunningTask } from './worker.ts'

/**
 * Drains `chunks` to the task's channel. For a caller that asked for a
 * single reply (`request` on a streaming service), collects the chunks and
 * returns them as an array instead.
 */
export async function streamReply (task: RunningTask, chunks: AsyncIterable<unknown>, signal: AbortSignal, load: number): Promise<unknown> {
  const resumeFrom = task.frame.seq
  const collected: unknown[] = []
  let seq = task.slot.resume === 'continue' ? resumeFrom : 0
  for await (const chunk of chunks) {
    if (signal.aborted) {
      throw signal.reason ?? new AbortError()
    }
    if (seq < resumeFrom) {
      seq++
      continue
    }
    if (!task.streaming) {
      collected.push(chunk)
      seq++
      continue
    }
    while (task.credits <= 0 && !signal.aborted) {
      await new Promise<void>(resolve => { task.wakeWriter = resolve })
      task.wakeWriter = undefined
    }
    await task.channel.whenWritable()
    if (signal.aborted) {
      throw signal.reason ?? new AbortError()
    }
    const { data, codec } = encodePayload(chunk)
    task.channel.send({
      kind: KIND_CHUNK,
      task: task.id,
      attempt: task.attempt,
      seq,
      payload: data,
      codec,
      load
    })
    task.credits--
    seq++
  }
  return task.streaming ? undefined : collected
}
