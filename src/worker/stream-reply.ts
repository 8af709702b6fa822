/**
 * Sends a streaming handler's chunks to the requester, numbered from the
 * start of the reply, never more than the requester's credit ahead of it.
 * A resumed attempt either replays the handler and drops the chunks the
 * caller already has, or (resume: 'continue') numbers the handler's chunks
 * from where the caller is.
 */
import { AbortError } from '../errors.ts'
import { encodePayload } from '../wire/payload.ts'
import { ChunkBatcher } from './chunk-batcher.ts'
import type { RunningTask } from './running-task.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { LazyAbort } from '../util/lazy-abort.ts'

/**
 * Drains `chunks` to the task's channel. For a caller that asked for a
 * single reply (`request` on a streaming service), collects the chunks and
 * returns them as an array instead. Each chunk sent is also handed to
 * `sent`, when given (to keep the reply for a repeated attempt).
 */
export async function streamReply (task: RunningTask, chunks: AsyncIterable<unknown>, abort: LazyAbort, load: number, sent?: (chunk: EncodedPayload) => void): Promise<unknown> {
  const resumeFrom = task.frame.seq
  const collected: unknown[] = []
  const batcher = new ChunkBatcher(task, load)
  let seq = task.slot.resume === 'continue' ? resumeFrom : 0
  try {
    for await (const chunk of chunks) {
      if (abort.aborted) {
        throw abort.reason ?? new AbortError()
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
      while (task.credits <= 0 && !abort.aborted) {
        // what is queued goes out before waiting: the reader needs it to grant more
        batcher.flush()
        await new Promise<void>(resolve => { task.wakeWriter = resolve })
        task.wakeWriter = undefined
      }
      if (!task.channel.writable) {
        await task.channel.whenWritable()
        if (abort.aborted) {
          throw abort.reason ?? new AbortError()
        }
      }
      const encoded = encodePayload(chunk)
      batcher.add(seq, encoded)
      sent?.(encoded)
      task.credits--
      seq++
    }
  } catch (err) {
    batcher.discard()
    throw err
  }
  // every chunk goes before the RESULT that follows
  batcher.flush()
  return task.streaming ? undefined : collected
}
