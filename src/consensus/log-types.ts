/**
 * The data a Raft member keeps: its log entries, its hard state and its
 * snapshot, and the storage that holds them across restarts. The Raft core
 * hands these out to persist; a storage (memory for tests, LevelDB in Node)
 * keeps them; the runner loads them when a member starts again.
 */

/** One entry of the replicated log. */
export interface Entry {
  /** Position in the log, from 1 */
  index: number
  /** Term of the leader that created it */
  term: number
  /** `normal` carries a state-machine command; `conf` a {@link ConfChange} */
  type: 'normal' | 'conf'
  /** The command (opaque to Raft), or an encoded {@link ConfChange} */
  data: Uint8Array
}

/** What must be on disk before a member answers any message that depends on it. */
export interface HardState {
  term: number
  /** The member voted for in `term`, if any */
  vote?: string
  /** Highest log index known committed */
  commit: number
}

/** A membership change, one member at a time. */
export interface ConfChange {
  type: 'add' | 'remove'
  /** Peer id of the member added or removed */
  member: string
}

/** The state machine up to `index`, and the membership at that point. */
export interface Snapshot {
  /** Last log index the snapshot includes */
  index: number
  /** Term of that entry */
  term: number
  /** Voting members as of `index` */
  members: string[]
  /** The state machine's own encoding of its state */
  data: Uint8Array
}

/** What a member loads when it starts. */
export interface PersistedState {
  hardState: HardState
  snapshot?: Snapshot
  /** Entries after the snapshot, in index order */
  entries: Entry[]
}

/** One `ready()`'s worth of state to make durable, applied in this order. */
export interface StorageUpdate {
  /** Replaces every stored entry up to and including `snapshot.index` */
  snapshot?: Snapshot
  /**
   * With `snapshot`: it replaces the whole log, so stored entries after
   * `snapshot.index` go too (a snapshot received from the leader, which the
   * log did not match). Without it (a local compaction) later entries stay.
   */
  replacesLog?: boolean
  /** Overwrite any stored entries from `entries[0].index` on */
  entries?: Entry[]
  hardState?: HardState
}

/** Durable storage of one member's Raft state. */
export interface RaftStorage {
  load(): Promise<PersistedState>
  /** Resolves only once the update is durable (written and synced) */
  save(update: StorageUpdate): Promise<void>
  /** Drops entries up to and including `index`: a snapshot now holds them */
  compact(index: number): Promise<void>
  close(): Promise<void>
}
