/**
 * Fan-out: one task to every live worker of a service, gathered into one
 * answer: every reply, or as soon as a quorum succeeded, or what arrived by
 * the deadline.
 */
import { NoWorkersError, TimeoutError } from '../errors.ts'
import type { Call } from './call.ts'
import type { BroadcastReply } from '../types.ts'

/**
 * Waits for `calls` (one per worker, in the order of `peers`). With a
 * quorum (at most as many as there are calls), resolves once that many
 * succeeded and cancels the rest through `cancel`; rejects when the quorum
 * can no longer be met.
 */
export async function gather<T> (calls: Call[], peers: string[], quorum: number | undefined, cancel: (call: Call) => void): Promise<Array<BroadcastReply<T>>> {
  const replies: Array<BroadcastReply<T>> = []
  return new Promise((resolve, reject) => {
    let ok = 0
    let failed = 0
    let done = false
    const finish = (): void => {
      done = true
      for (const call of calls) {
        if (!call.settled) {
          cancel(call)
        }
      }
    }
    const onEnd = (peerId: string, success: boolean, outcome: unknown): void => {
      if (done) return
      if (success) {
        ok++
        replies.push({ peerId, ok: true, value: outcome as T })
      } else {
        failed++
        replies.push({ peerId, ok: false, error: outcome as Error })
      }
      if (quorum != null && ok >= quorum) {
        // the rest are cancelled before anyone sees the answer
        finish()
        resolve(replies)
      } else if (quorum != null && calls.length - failed < quorum) {
        finish()
        const timedOut = replies.some(r => !r.ok && r.error.name === 'TimeoutError')
        reject(timedOut
          ? new TimeoutError(`quorum of ${quorum} not reached before the deadline`, { cause: replies })
          : new NoWorkersError(`quorum of ${quorum} not reached: ${failed} of ${calls.length} workers failed`, { cause: replies }))
      } else if (ok + failed === calls.length) {
        done = true
        resolve(replies)
      }
    }
    // each call reports its end to one function: no promise per worker
    for (let i = 0; i < calls.length; i++) {
      const peerId = peers[i]
      calls[i].onEnd((success, outcome) => { onEnd(peerId, success, outcome) })
    }
  })
}
