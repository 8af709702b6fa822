/**
 * Raft storage on LevelDB: a member's log, hard state and snapshot in its
 * data folder, through the `datastore-level` store the journal uses.
 *
 * Each `save` is one LevelDB batch written with `sync`, so an update is
 * either all on disk or not at all, and on disk (fsynced) before the promise
 * resolves: a member may then send what depends on it. Entries overwrite a
 * conflicting suffix; a snapshot replaces the entries it covers. A LevelDB
 * failure rejects with a `StorageError`, and the storage keeps its view of
 * the log as it was, so nothing is believed saved that was not.
 *
 * @example
 * ```ts
 * const storage = await levelStorage('./raft/config')
 * const { hardState, snapshot, entries } = await storage.load()
 * ```
 */
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { memoryStorage } from '../src/consensus/storage/memory.ts'
import { StorageError } from '../src/errors.ts'
import { decodeEntry, decodeHardState, decodeSnapshot, encodeEntry, encodeHardState, encodeSnapshot, newEntries, serial } from '../src/consensus/storage/codec.ts'
import type { Entry, HardState, PersistedState, RaftStorage, Snapshot, StorageUpdate } from '../src/consensus/log-types.ts'

const HARD_STATE_KEY = '/raft/hard-state'
const SNAPSHOT_KEY = '/raft/snapshot'
const ENTRY_PREFIX = '/raft/entry/'
/** The index just before the first entry kept, once entries were compacted away or a snapshot took their place */
const OFFSET_KEY = '/raft/offset'
/** Digits of a log index in its key, so keys sort as indexes do. */
const INDEX_DIGITS = 16

const entryKey = (index: number): string => `${ENTRY_PREFIX}${String(index).padStart(INDEX_DIGITS, '0')}`
const ENTRY_RANGE = { gte: ENTRY_PREFIX, lt: `${ENTRY_PREFIX}~` }

type Op = { type: 'put', key: string, value: Uint8Array } | { type: 'del', key: string }

const offsetOp = (index: number): Op => ({ type: 'put', key: OFFSET_KEY, value: new TextEncoder().encode(String(index)) })

/**
 * Opens (creating if needed) the storage in `path`.
 *
 * @throws StorageError if LevelDB cannot open it (locked by another process, damaged)
 */
export async function levelStorage (path: string): Promise<RaftStorage> {
  const store = new LevelDatastore(path)
  const db = store.db
  const fail = (what: string, err: unknown): StorageError => err instanceof StorageError ? err : new StorageError(`raft storage in ${path}: ${what} failed`, { cause: err })
  try {
    await store.open()
  } catch (err) {
    throw fail('open', err)
  }

  // the index just before the first stored entry, and the last stored index
  let offset = 0
  let last = 0
  let snapshotIndex = 0
  // the offset the last compaction or snapshot left on disk
  let compacted = 0
  const run = serial()

  const readAll = async (): Promise<PersistedState> => {
    const hardBytes = await db.get(HARD_STATE_KEY)
    const snapBytes = await db.get(SNAPSHOT_KEY)
    const offsetBytes = await db.get(OFFSET_KEY)
    compacted = offsetBytes == null ? 0 : Number(new TextDecoder().decode(offsetBytes))
    const hardState: HardState = hardBytes == null ? { term: 0, commit: 0 } : decodeHardState(hardBytes)
    const snapshot: Snapshot | undefined = snapBytes == null ? undefined : decodeSnapshot(snapBytes)
    const entries: Entry[] = []
    for await (const value of db.values(ENTRY_RANGE)) {
      const entry = decodeEntry(value)
      if (entries.length > 0 && entry.index !== entries[entries.length - 1].index + 1) {
        throw new StorageError(`raft storage in ${path}: log has a gap after entry ${entries[entries.length - 1].index}`)
      }
      entries.push(entry)
    }
    return { hardState, snapshot, entries }
  }

  const learn = (state: PersistedState): void => {
    snapshotIndex = state.snapshot?.index ?? 0
    offset = state.entries.length > 0 ? state.entries[0].index - 1 : Math.max(snapshotIndex, compacted)
    last = offset + state.entries.length
  }

  try {
    learn(await readAll())
  } catch (err) {
    await store.close().catch(() => {})
    throw fail('load', err)
  }

  const deleteRange = (ops: Op[], from: number, to: number): void => {
    for (let i = from; i <= to; i++) ops.push({ type: 'del', key: entryKey(i) })
  }

  /** One atomic batch, on disk before it resolves. */
  const write = async (ops: Op[], what: string): Promise<void> => {
    try {
      await db.batch(ops, { sync: true })
    } catch (err) {
      throw fail(what, err)
    }
  }

  const save = async (update: StorageUpdate): Promise<void> => {
    const ops: Op[] = []
    let nextOffset = offset
    let nextLast = last
    let nextSnapshotIndex = snapshotIndex
    const snap = update.snapshot
    if (snap != null) {
      const at = snap.index > offset && snap.index <= last ? await db.get(entryKey(snap.index)) : undefined
      // a log that agrees with a local snapshot keeps what follows it; one that does not, or a
      // snapshot from the leader (replacesLog), is replaced
      const agrees = update.replacesLog !== true && at != null && decodeEntry(at).term === snap.term
      deleteRange(ops, offset + 1, agrees ? snap.index : last)
      ops.push({ type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshot(snap) })
      // the snapshot now marks where the log starts, though an earlier compaction reached further
      ops.push(offsetOp(snap.index))
      nextOffset = snap.index
      nextLast = agrees ? last : snap.index
      nextSnapshotIndex = snap.index
    }
    const added = newEntries(update, nextOffset, nextLast)
    if (added.length > 0) {
      const end = added[added.length - 1].index
      deleteRange(ops, end + 1, nextLast)
      for (const e of added) ops.push({ type: 'put', key: entryKey(e.index), value: encodeEntry(e) })
      nextLast = end
    }
    if (update.hardState != null) {
      ops.push({ type: 'put', key: HARD_STATE_KEY, value: encodeHardState(update.hardState) })
    }
    if (ops.length === 0) {
      return
    }
    await write(ops, 'save')
    offset = nextOffset
    last = nextLast
    snapshotIndex = nextSnapshotIndex
    if (snap != null) compacted = snap.index
  }

  return {
    load: async () => await run(async () => {
      try {
        const state = await readAll()
        learn(state)
        return state
      } catch (err) {
        throw fail('load', err)
      }
    }),
    save: async update => { await run(async () => { await save(update) }) },
    compact: async index => {
      await run(async () => {
        const to = Math.min(index, last)
        if (to <= offset) return
        const ops: Op[] = []
        deleteRange(ops, offset + 1, to)
        ops.push(offsetOp(to))
        await write(ops, 'compact')
        offset = to
        compacted = to
      })
    },
    close: async () => {
      await run(async () => {
        try {
          await store.close()
        } catch (err) {
          throw fail('close', err)
        }
      })
    }
  }
}

/**
 * Storage of this peer's member of a group: LevelDB in
 * `<dataDir>/groups/<group>` when a data folder is given, memory otherwise.
 */
export async function nodeRaftStorage (group: string, dataDir: string | undefined): Promise<RaftStorage> {
  return dataDir == null ? memoryStorage() : levelStorage(join(dataDir, 'groups', encodeURIComponent(group)))
}
