/**
 * The log of one member: a snapshot, then the entries after it. Tracks which
 * entries are durable (stable), which were handed out to persist and which
 * are not yet, what is committed and what the state machine has applied.
 * Every entry after the snapshot is kept in memory; `compact` bounds it.
 */
import { ProtocolError } from '../../errors.ts'
import type { Entry, Snapshot } from '../log-types.ts'
import { Membership } from './membership.ts'

export class RaftLog {
  /** The newest snapshot; its `data` may be empty when it is only the starting point */
  snapshot: Snapshot
  readonly membership: Membership
  /** Highest index known committed */
  committed: number
  /** Highest index the state machine has applied (or restored) */
  applied: number
  /** Entries up to here are durable */
  stableIndex: number
  /** First index not yet handed out to persist */
  unstableFrom: number
  /** Last index handed out to persist whose `advance()` has not come yet */
  inflightIndex = 0
  /** A snapshot received from a leader and not yet handed out */
  unstableSnapshot?: Snapshot
  /** A snapshot handed out whose `advance()` has not come yet */
  inflightSnapshot?: Snapshot
  private entries: Entry[]

  constructor (snapshot: Snapshot, entries: Entry[], committed: number) {
    this.snapshot = snapshot
    this.entries = entries.filter(e => e.index > snapshot.index)
    this.membership = new Membership(snapshot.members)
    this.membership.appended(this.entries)
    this.stableIndex = this.lastIndex()
    this.unstableFrom = this.stableIndex + 1
    this.committed = Math.min(Math.max(committed, snapshot.index), this.lastIndex())
    this.applied = snapshot.index
  }

  firstIndex (): number {
    return this.snapshot.index + 1
  }

  lastIndex (): number {
    return this.snapshot.index + this.entries.length
  }

  lastTerm (): number {
    return this.entries.at(-1)?.term ?? this.snapshot.term
  }

  /** The term at `index`, or undefined when compacted away or past the end */
  term (index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term
    if (index < this.snapshot.index || index > this.lastIndex()) return undefined
    return this.entries[index - this.snapshot.index - 1].term
  }

  matchTerm (index: number, term: number): boolean {
    return this.term(index) === term
  }

  /** Whether a log ending at (`lastIndex`, `lastTerm`) is at least as up to date as this one */
  isUpToDate (lastIndex: number, lastTerm: number): boolean {
    const mine = this.lastTerm()
    return lastTerm > mine || (lastTerm === mine && lastIndex >= this.lastIndex())
  }

  /**
   * Entries in [lo, hi), at most `maxEntries` and `maxBytes` (always at least
   * one entry); undefined when `lo` is compacted away.
   */
  slice (lo: number, hi: number, maxEntries = Infinity, maxBytes = Infinity): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined
    const end = Math.min(hi, this.lastIndex() + 1, lo + maxEntries)
    const out: Entry[] = []
    let bytes = 0
    for (let i = lo; i < end; i++) {
      const e = this.entries[i - this.snapshot.index - 1]
      bytes += e.data.length
      if (out.length > 0 && bytes > maxBytes) break
      out.push(e)
    }
    return out
  }

  /**
   * Appends entries that follow (`prevIndex`, `prevTerm`) if the log holds
   * that entry; returns the index of the last new entry, or undefined when
   * the log does not match there.
   */
  maybeAppend (prevIndex: number, prevTerm: number, commit: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined
    const lastNew = prevIndex + entries.length
    const conflict = this.findConflict(entries)
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new ProtocolError(`append conflicts with committed entry ${conflict}`)
      }
      this.append(entries.slice(conflict - entries[0].index))
    }
    this.commitTo(Math.min(commit, lastNew))
    return lastNew
  }

  /** Appends entries that start at or before the end of the log, dropping any entries from there on */
  append (entries: Entry[]): void {
    if (entries.length === 0) return
    const first = entries[0].index
    if (first <= this.lastIndex()) {
      this.entries.length = first - this.snapshot.index - 1
      this.membership.truncated(first)
      this.stableIndex = Math.min(this.stableIndex, first - 1)
      this.inflightIndex = Math.min(this.inflightIndex, first - 1)
      this.unstableFrom = Math.min(this.unstableFrom, first)
    }
    for (const e of entries) this.entries.push(e)
    this.membership.appended(entries)
  }

  /** The first index of `entries` whose term differs from the log's, or 0 if all are present */
  findConflict (entries: Entry[]): number {
    for (const e of entries) {
      if (e.index < this.firstIndex()) continue
      if (!this.matchTerm(e.index, e.term)) return e.index
    }
    return 0
  }

  /** The last index at or below `index` whose term is at most `term` (the snapshot's index at the lowest) */
  findConflictByTerm (index: number, term: number): number {
    let i = Math.min(index, this.lastIndex())
    while (i > this.snapshot.index && (this.term(i) ?? 0) > term) i--
    return i
  }

  commitTo (index: number): boolean {
    if (index <= this.committed) return false
    if (index > this.lastIndex()) {
      throw new ProtocolError(`commit ${index} beyond the last index ${this.lastIndex()}`)
    }
    this.committed = index
    return true
  }

  /** Replaces the log with a snapshot from the leader (not yet durable) */
  restore (snapshot: Snapshot): void {
    this.snapshot = snapshot
    this.entries = []
    this.membership.restored(snapshot.members)
    this.committed = snapshot.index
    this.stableIndex = Math.min(this.stableIndex, snapshot.index)
    this.inflightIndex = Math.min(this.inflightIndex, snapshot.index)
    this.unstableFrom = snapshot.index + 1
    this.unstableSnapshot = snapshot
  }

  /** Drops the entries up to `snapshot.index`, which the snapshot now holds */
  compact (snapshot: Snapshot): void {
    this.entries = this.entries.slice(snapshot.index - this.snapshot.index)
    this.membership.compacted(snapshot.index)
    this.snapshot = snapshot
  }
}
