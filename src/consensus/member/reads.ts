/**
 * Linearizable reads waiting on a member (ReadIndex): each asks the leader
 * to confirm with a quorum that it still leads, gets the commit index of
 * that moment, and is served once the state machine has applied it. A read
 * not yet confirmed when the member loses the lead is rejected with
 * `NoLeaderError` (a read is safe to ask again elsewhere); a confirmed one
 * still completes once applied.
 */
import { NoLeaderError } from '../../errors.ts'
import type { ReadState } from '../raft/messages.ts'

interface Waiter {
  index?: number
  resolve(): void
  reject(err: Error): void
}

const ctxBytes = (id: number): Uint8Array => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, id)
  return b
}
const ctxId = (b: Uint8Array): number => b.byteLength === 8 ? new DataView(b.buffer, b.byteOffset, 8).getFloat64(0) : -1

export class Reads {
  private readonly waiting = new Map<number, Waiter>()
  private next = 1

  get size (): number {
    return this.waiting.size
  }

  /** Registers a read; returns the context to hand to the core and the promise of its turn. */
  start (): { ctx: Uint8Array, done: Promise<void>, cancel(): void } {
    const id = this.next++
    const done = new Promise<void>((resolve, reject) => { this.waiting.set(id, { resolve, reject }) })
    return { ctx: ctxBytes(id), done, cancel: () => { this.waiting.delete(id) } }
  }

  /** Read indexes confirmed by the core. */
  confirmed (states: ReadState[], applied: number): void {
    for (const s of states) {
      const w = this.waiting.get(ctxId(s.requestCtx))
      if (w != null) w.index = s.index
    }
    this.applied(applied)
  }

  /** The state machine applied up to `applied`. */
  applied (applied: number): void {
    for (const [id, w] of this.waiting) {
      if (w.index !== undefined && w.index <= applied) {
        this.waiting.delete(id)
        w.resolve()
      }
    }
  }

  /** The member lost the lead: unconfirmed reads go elsewhere. */
  leadershipLost (): void {
    for (const [id, w] of this.waiting) {
      if (w.index === undefined) {
        this.waiting.delete(id)
        w.reject(new NoLeaderError('the member lost the lead before the read was confirmed'))
      }
    }
  }

  failAll (err: Error): void {
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }
}
