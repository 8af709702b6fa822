/**
 * A watch as a client runs it: a stream of changes from one member, moved
 * to another member (or the same, once back) whenever it breaks, from the
 * revision after the last one delivered, so that every change is delivered
 * once, in order. Members serve watches from what they applied, so any
 * member will do. Each chunk is handed over before the next is read: the
 * stream's credit window bounds what is buffered.
 */
import { NO_LEADER_RETRY_MS, WATCH_STALL_MS } from '../constants.ts'
import { sleep } from '../../util/sleep.ts'
import { isRefusal, refusalError } from './protocol.ts'
import type { MeshNode } from '../../types.ts'
import type { WatchChange, WatchOptions } from '../types.ts'
import type { Caller } from './caller.ts'
import type { WatchChunk } from './protocol.ts'

/** A watch stream lives this long at most before it is opened again (it resumes without a gap). */
const WATCH_STREAM_MS = 60 * 60 * 1000

export function runWatch (node: MeshNode, service: string, caller: Caller, prefix: string, onChange: (change: WatchChange) => void, options: WatchOptions = {}): () => void {
  const stop = new AbortController()
  const signal = options.signal == null ? stop.signal : AbortSignal.any([stop.signal, options.signal])
  let next = options.fromRevision
  let failed = false

  const fail = (err: Error): void => {
    if (failed) return
    failed = true
    stop.abort()
    options.onError?.(err)
  }

  const deliver = (change: WatchChange): void => {
    if (next !== undefined && change.revision < next) return
    next = change.revision + 1
    try {
      onChange(change)
    } catch {
      // a throwing listener must not end the watch
    }
  }

  /** The changes from `target`: this peer's own member is read in process, as the mesh does not call its own peer */
  const open = (target: string | undefined): AsyncIterable<WatchChunk> => {
    const request = { op: 'watch', prefix, fromRevision: next }
    const local = target === undefined ? undefined : caller.localMember(target)
    if (local != null) return local.handle(request, signal) as AsyncIterable<WatchChunk>
    return node.stream<WatchChunk>(service, request, {
      preferPeer: target,
      maxAttempts: 1,
      stallTimeoutMs: WATCH_STALL_MS,
      timeoutMs: WATCH_STREAM_MS,
      signal
    })
  }

  const once = async (): Promise<void> => {
    const members = caller.members()
    const target = members[Math.floor(Math.random() * members.length)]
    for await (const chunk of open(target)) {
      if (isRefusal(chunk)) throw refusalError(chunk, target)
      if ('revision' in chunk) {
        // the first chunk tells where a watch without a start begins
        next ??= chunk.revision + 1
        continue
      }
      for (const change of chunk.changes) deliver(change)
    }
  }

  void (async () => {
    while (!signal.aborted) {
      try {
        await once()
      } catch (err: any) {
        if (signal.aborted) return
        if (err.name === 'CompactedError' || err.name === 'InvalidArgumentError') {
          fail(err)
          return
        }
      }
      await sleep(NO_LEADER_RETRY_MS, signal).catch(() => {})
    }
  })()

  return () => { stop.abort() }
}
