/**
 * Raft storage in memory, for tests and simulations: the same rules as the
 * LevelDB storage, with nothing surviving the process.
 *
 * @example
 * ```ts
 * const storage = memoryStorage()
 * await storage.save({ entries: [{ index: 1, term: 1, type: 'normal', data }], hardState: { term: 1, commit: 0 } })
 * (await storage.load()).entries.length // 1
 * ```
 */
import { newEntries, serial } from './codec.ts'
import type { Entry, HardState, PersistedState, RaftStorage, Snapshot } from '../log-types.ts'

export function memoryStorage (): RaftStorage {
  let hardState: HardState = { term: 0, commit: 0 }
  let snapshot: Snapshot | undefined
  let entries: Entry[] = []
  // the index just before entries[0]: the snapshot's, or the last compacted
  let offset = 0
  const run = serial()

  const lastIndex = (): number => offset + entries.length

  return {
    load: async () => ({
      hardState: { ...hardState },
      snapshot: snapshot == null ? undefined : { ...snapshot, members: [...snapshot.members] },
      entries: [...entries]
    } satisfies PersistedState),
    save: async update => {
      await run(async () => {
        let kept = entries
        let keptOffset = offset
        const snap = update.snapshot
        if (snap != null) {
          // a log that agrees with a local snapshot keeps what follows it; one that does not, or a
          // snapshot from the leader (replacesLog), is replaced
          const at = kept[snap.index - keptOffset - 1]
          kept = update.replacesLog !== true && at?.term === snap.term ? kept.slice(snap.index - keptOffset) : []
          keptOffset = snap.index
        }
        const added = newEntries(update, snap?.index ?? keptOffset, keptOffset + kept.length)
        if (added.length > 0) {
          kept = [...kept.slice(0, added[0].index - keptOffset - 1), ...added]
        }
        entries = kept
        offset = keptOffset
        if (snap != null) snapshot = { ...snap, members: [...snap.members] }
        if (update.hardState != null) hardState = { ...update.hardState }
      })
    },
    compact: async index => {
      await run(async () => {
        const last = lastIndex()
        entries = entries.slice(Math.min(Math.max(0, index - offset), entries.length))
        offset = Math.max(offset, Math.min(index, last))
      })
    },
    close: async () => {}
  }
}
