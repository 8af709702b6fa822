/**
 * Groups a streaming handler's chunks into CHUNK frames. The first chunk of
 * a turn of the event loop goes out at once (time to first token stays
 * short); chunks the handler yields later in the same turn wait for its end
 * and travel together in frames of up to MAX_BATCH_CHUNKS (`payload`, then
 * `more`), so a fast handler costs one frame encode and decode per batch,
 * not per chunk, and the reader can start on a long burst before its end.
 */
import { atEndOfTurn, hasEndOfTurn } from '../util/end-of-turn.ts'
import { KIND_CHUNK } from '../wire/frame.ts'
import type { RunningTask } from './running-task.ts'
import type { EncodedPayload } from '../wire/payload.ts'

/** Bytes of chunk payloads one frame carries at most (well under any frame limit). */
const MAX_BATCH_BYTES = 8 * 1024
/** Chunks one frame carries at most, so a long burst travels in several frames */
const MAX_BATCH_CHUNKS = 128

export class ChunkBatcher {
  private readonly task: RunningTask
  private readonly load: number
  private pending: EncodedPayload[] = []
  private pendingBytes = 0
  private firstSeq = 0
  private sentThisTurn = false
  private flushScheduled = false

  constructor (task: RunningTask, load: number) {
    this.task = task
    this.load = load
  }

  /** Queues chunk number `seq`; chunks must come in order. */
  add (seq: number, chunk: EncodedPayload): void {
    if (!this.sentThisTurn && this.pending.length === 0) {
      this.sentThisTurn = true
      atEndOfTurn(() => { this.sentThisTurn = false })
      this.send(seq, [chunk])
      return
    }
    if (this.pending.length === 0) {
      this.firstSeq = seq
    }
    this.pending.push(chunk)
    this.pendingBytes += chunk.data.byteLength
    if (this.pending.length >= MAX_BATCH_CHUNKS || this.pendingBytes >= MAX_BATCH_BYTES || !hasEndOfTurn) {
      this.flush()
    } else if (!this.flushScheduled) {
      this.flushScheduled = true
      atEndOfTurn(() => {
        this.flushScheduled = false
        this.flush()
      })
    }
  }

  /** Sends what is queued now (before the reply's RESULT, which must follow every chunk). */
  flush (): void {
    if (this.pending.length === 0) {
      return
    }
    const chunks = this.pending
    this.pending = []
    this.pendingBytes = 0
    this.send(this.firstSeq, chunks)
  }

  /** Drops what is queued: the task was aborted. */
  discard (): void {
    this.pending = []
    this.pendingBytes = 0
  }

  private send (seq: number, chunks: EncodedPayload[]): void {
    const task = this.task
    if (task.abort.aborted) {
      return
    }
    task.channel.send({
      kind: KIND_CHUNK,
      task: task.id,
      attempt: task.attempt,
      seq,
      payload: chunks[0].data,
      codec: chunks[0].codec,
      more: chunks.length > 1 ? chunks.slice(1) : undefined,
      load: this.load
    })
  }
}
