/**
 * How a storage writes log entries, hard state and snapshots as bytes, and
 * the checks every storage makes of an update before it keeps it.
 */
import { InvalidArgumentError, StorageError } from '../../errors.ts'
import { StoredEntry, StoredHardState, StoredSnapshot } from './generated/storage.js'
import type { Entry, HardState, Snapshot, StorageUpdate } from '../log-types.ts'

const ENTRY_TYPES: Array<Entry['type']> = ['normal', 'conf']

export function encodeEntry (e: Entry): Uint8Array {
  return StoredEntry.encode({ index: e.index, term: e.term, type: ENTRY_TYPES.indexOf(e.type) + 1, data: e.data as Uint8Array<ArrayBuffer> })
}

export function decodeEntry (bytes: Uint8Array): Entry {
  const e = decode(() => StoredEntry.decode(plain(bytes)), 'entry')
  const type = ENTRY_TYPES[e.type - 1]
  if (type == null) {
    throw new StorageError(`stored entry ${e.index} has unknown type ${e.type}`)
  }
  return { index: e.index, term: e.term, type, data: e.data }
}

export function encodeHardState (h: HardState): Uint8Array {
  return StoredHardState.encode({ term: h.term, vote: h.vote, commit: h.commit })
}

export function decodeHardState (bytes: Uint8Array): HardState {
  const h = decode(() => StoredHardState.decode(plain(bytes)), 'hard state')
  return h.vote == null ? { term: h.term, commit: h.commit } : { term: h.term, vote: h.vote, commit: h.commit }
}

export function encodeSnapshot (s: Snapshot): Uint8Array {
  return StoredSnapshot.encode({ index: s.index, term: s.term, members: s.members, data: s.data as Uint8Array<ArrayBuffer> })
}

export function decodeSnapshot (bytes: Uint8Array): Snapshot {
  const s = decode(() => StoredSnapshot.decode(plain(bytes)), 'snapshot')
  return { index: s.index, term: s.term, members: s.members, data: s.data }
}

/** A plain view of the bytes (LevelDB hands out Buffers; entries carry Uint8Arrays). */
const plain = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)

function decode<T> (fn: () => T, what: string): T {
  try {
    return fn()
  } catch (err) {
    throw new StorageError(`stored ${what} is damaged`, { cause: err })
  }
}

/**
 * The update's entries that go into the log (those above the snapshot),
 * after checking they run on without a gap from what is kept.
 *
 * @param lastIndex - the last index the log holds (or its snapshot, if it holds no entry)
 * @throws InvalidArgumentError for entries out of order or leaving a gap
 */
export function newEntries (update: StorageUpdate, snapshotIndex: number, lastIndex: number): Entry[] {
  const entries = (update.entries ?? []).filter(e => e.index > snapshotIndex)
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].index !== entries[i - 1].index + 1) {
      throw new InvalidArgumentError(`entries out of order: ${entries[i - 1].index} then ${entries[i].index}`)
    }
  }
  if (entries.length > 0 && entries[0].index > lastIndex + 1) {
    throw new InvalidArgumentError(`entry ${entries[0].index} would leave a gap after ${lastIndex}`)
  }
  return entries
}

/** Serialises calls: each runs after the previous settled. */
export function serial (): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return await run
  }
}
