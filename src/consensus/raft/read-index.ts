/**
 * ReadIndex reads waiting at a leader. A read records the commit index when
 * it arrives and is served once a quorum has answered a heartbeat sent after
 * it (the leader was still the leader then). A leader that has not yet
 * committed an entry of its own term does not know the commit index, so its
 * reads wait for that first.
 */
import type { ReadState } from './messages.ts'

interface PendingRead {
  seq: number
  index: number
  requestCtx: Uint8Array
  acks: Set<string>
}

export class ReadQueue {
  private waiting: Uint8Array[] = []
  private pending: PendingRead[] = []
  private seq = 0

  get size (): number {
    return this.waiting.length + this.pending.length
  }

  /** The newest read round a heartbeat should confirm, 0 when none waits */
  lastSeq (): number {
    return this.pending.at(-1)?.seq ?? 0
  }

  /** Holds a read until the leader has committed in its term */
  wait (requestCtx: Uint8Array): void {
    this.waiting.push(requestCtx)
  }

  takeWaiting (): Uint8Array[] {
    const out = this.waiting
    this.waiting = []
    return out
  }

  /** Starts a read at commit index `index`; returns its round */
  add (requestCtx: Uint8Array, index: number, self?: string): number {
    this.seq++
    this.pending.push({ seq: this.seq, index, requestCtx, acks: new Set(self === undefined ? [] : [self]) })
    return this.seq
  }

  /** `from` answered round `context`, which confirms every round up to it; returns the reads now served */
  ack (context: number, from: string, quorate: (acks: Set<string>) => boolean): ReadState[] {
    for (const p of this.pending) {
      if (p.seq > context) break
      p.acks.add(from)
    }
    const served: ReadState[] = []
    while (this.pending.length > 0 && quorate(this.pending[0].acks)) {
      const p = this.pending.shift() as PendingRead
      served.push({ index: p.index, requestCtx: p.requestCtx })
    }
    return served
  }

  clear (): void {
    this.waiting = []
    this.pending = []
  }
}
