/**
 * The bounded history of changes a watch reads: every write's key, type,
 * value and revision, oldest first, bounded by count and bytes. A watch from
 * a revision the history no longer reaches gets a `CompactedError`.
 */
import { HISTORY_CHANGE_OVERHEAD_BYTES } from './constants.ts'

export type ChangeType = 'put' | 'delete' | 'lock' | 'unlock'

/** A change as the history keeps it. */
export interface ChangeRecord {
  revision: number
  type: ChangeType
  /** The key, or the lock's name */
  key: string
  /** put: the JSON text written */
  value?: Uint8Array
  /** lock, unlock: the holder's session and the grant's token */
  session?: number
  token?: number
}

export interface History {
  /** Records a change; its revision is above every recorded one. */
  append(change: ChangeRecord): void
  /** The oldest revision from which the history is complete. */
  start(): number
  /** Changes from `fromRevision` on that pass `filter`, at most `limit`; undefined if compacted. */
  since(fromRevision: number, filter: (change: ChangeRecord) => boolean, limit: number): ChangeRecord[] | undefined
  /** Every change kept, oldest first. */
  all(): ChangeRecord[]
  /** Replaces the contents (from a snapshot). */
  load(changes: ChangeRecord[], start: number): void
}

export interface HistoryInit {
  maxChanges: number
  maxBytes: number
}

const cost = (c: ChangeRecord): number => c.key.length * 3 + (c.value?.byteLength ?? 0) + HISTORY_CHANGE_OVERHEAD_BYTES

export function history (init: HistoryInit): History {
  let changes: ChangeRecord[] = []
  // changes[0..head) are dropped, spliced off once they are half the array
  let head = 0
  let bytes = 0
  let startRevision = 1

  const trim = (): void => {
    while (changes.length - head > init.maxChanges || (bytes > init.maxBytes && changes.length - head > 0)) {
      const dropped = changes[head++]
      bytes -= cost(dropped)
      startRevision = dropped.revision + 1
    }
    if (head > 1024 && head * 2 > changes.length) {
      changes = changes.slice(head)
      head = 0
    }
  }

  /** Index of the first kept change with revision >= `revision`. */
  const find = (revision: number): number => {
    let lo = head
    let hi = changes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (changes[mid].revision < revision) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  return {
    append (change) {
      changes.push(change)
      bytes += cost(change)
      trim()
    },
    start: () => startRevision,
    since (fromRevision, filter, limit) {
      if (fromRevision < startRevision) {
        return undefined
      }
      const out: ChangeRecord[] = []
      for (let i = find(fromRevision); i < changes.length && out.length < limit; i++) {
        if (filter(changes[i])) {
          out.push(changes[i])
        }
      }
      return out
    },
    all: () => changes.slice(head),
    load (loaded, start) {
      changes = [...loaded]
      head = 0
      bytes = loaded.reduce((sum, c) => sum + cost(c), 0)
      startRevision = start
      trim()
    }
  }
}
