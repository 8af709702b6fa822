/**
 * The proposals a member appended and whose proposers wait: each settles
 * when the entry at its index is applied (with its result if the entry is
 * the proposer's, same index and term; as not applied if another entry won
 * that index), or as unknown when the member can no longer tell (its
 * storage failed, it stopped, a snapshot jumped over the index, or it lost
 * the lead and did not learn the outcome within a grace period).
 */
import { NoLeaderError, OutcomeUnknownError } from '../../errors.ts'
import type { Entry } from '../log-types.ts'

interface Pending {
  term: number
  resolve(result: unknown): void
  reject(err: Error): void
}

export class Proposals {
  private readonly pending = new Map<number, Pending>()

  get size (): number {
    return this.pending.size
  }

  /** Waits for the entry appended at `index` in `term`. */
  async wait (index: number, term: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(index, { term, resolve, reject })
    })
  }

  /** An entry was applied with `result`. */
  applied (entry: Entry, result: unknown): void {
    const p = this.pending.get(entry.index)
    if (p == null) return
    this.pending.delete(entry.index)
    if (p.term === entry.term) p.resolve(result)
    else p.reject(new NoLeaderError('the leader changed before the write committed; it did not take effect'))
  }

  /** A snapshot replaced the state up to `index`: what it holds of these entries is not known here. */
  skipped (index: number): void {
    for (const [i, p] of this.pending) {
      if (i <= index) {
        this.pending.delete(i)
        p.reject(new OutcomeUnknownError('a snapshot replaced the log before the write was seen to commit'))
      }
    }
  }

  /** Settles every waiter at or below `index`, or all, as unknown. */
  failAll (cause?: Error, upTo = Infinity): void {
    for (const [i, p] of this.pending) {
      if (i > upTo) continue
      this.pending.delete(i)
      p.reject(new OutcomeUnknownError(undefined, { cause }))
    }
  }
}
