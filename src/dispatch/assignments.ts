/**
 * Which worker holds each call's current attempt, indexed by worker so that
 * a worker's death moves all its calls at once, and counted into the peer
 * table's `outstanding` (what the balancers see). It reads calls, never
 * writes them.
 */
import type { Call } from './call.ts'
import type { PeerTable } from '../presence/peer-table.ts'

export class Assignments {
  private readonly byWorker = new Map<string, Set<Call>>()
  private readonly workerOf = new Map<Call, string>()
  private readonly table: PeerTable

  constructor (table: PeerTable) {
    this.table = table
  }

  /** Counts `call` on `peerId` (after any earlier worker of it is dropped). */
  assign (call: Call, peerId: string): void {
    this.unassign(call)
    this.workerOf.set(call, peerId)
    let set = this.byWorker.get(peerId)
    if (set == null) {
      set = new Set()
      this.byWorker.set(peerId, set)
    }
    set.add(call)
    const record = this.table.get(peerId)
    if (record != null) {
      record.outstanding++
    }
  }

  unassign (call: Call): void {
    const peer = this.workerOf.get(call)
    if (peer == null) {
      return
    }
    this.workerOf.delete(call)
    const set = this.byWorker.get(peer)
    if (set?.delete(call) === true) {
      if (set.size === 0) {
        this.byWorker.delete(peer)
      }
      const record = this.table.get(peer)
      if (record != null && record.outstanding > 0) {
        record.outstanding--
      }
    }
  }

  /** The calls a worker holds (a copy: safe to move them while iterating). */
  of (peerId: string): Call[] {
    const set = this.byWorker.get(peerId)
    return set == null ? [] : [...set]
  }

  /** Workers holding calls. */
  workers (): IterableIterator<string> {
    return this.byWorker.keys()
  }
}
