/**
 * The public face of a consensus group: a linearizable key-value store with
 * locks and watches, replicated by Raft across a few member peers and usable
 * from any peer of the mesh.
 *
 * @example
 * ```ts
 * const g = await node.consensus('config', { members: [a, b, c], dataDir: './raft' })
 * const { revision } = await g.put('round', 7)
 * const lock = await g.lock('coordinator', { ttlMs: 10_000 })
 * await storage.write(data, { fencingToken: lock.token })
 * await lock.release()
 * ```
 */
import type { Entry, Snapshot } from './log-types.ts'

/** A JSON value, as task payloads carry them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** What every call of a group takes last. */
export interface CallOptions {
  /** Give up after this long (the group's default otherwise) */
  timeoutMs?: number
  signal?: AbortSignal
}

/** How a member is started; options may grow. */
export interface ConsensusGroupInit extends CallOptions {
  /** Peer ids of the initial voting members; this peer is a member if it is listed */
  members?: string[]
  /**
   * Where a member keeps its log, hard state and snapshots, in a folder of
   * its own under this one (`<dataDir>/groups/<name>`); in memory if absent
   */
  dataDir?: string
  /**
   * This peer joins a running group: it starts with an empty log and learns
   * the group from its leader once a member calls `addMember` with its id.
   * `members` then names the group's members (whose messages it accepts).
   */
  join?: boolean
  /**
   * One Raft tick
   *
   * @default 50
   */
  tickMs?: number
  /**
   * Ticks without a leader before a member campaigns (randomised in [n, 2n))
   *
   * @default 10
   */
  electionTicks?: number
  /**
   * Applied entries a member keeps in its log before it snapshots and compacts
   *
   * @default 10000
   */
  snapshotEntries?: number
  /**
   * Changes the watch history keeps (it travels in snapshots, so compacting
   * the log loses none of it); a watch from an older revision fails with
   * `CompactedError`. Give every member the same.
   *
   * @default 10000
   */
  historyChanges?: number
}

/** A key as the group holds it. */
export interface KeyValue {
  value: JsonValue
  /** Revision of the write that last changed the key */
  revision: number
  /** Revision of the write that created the key (since it was last absent) */
  createRevision: number
  /** Puts since the key was created, from 1 */
  version: number
}

export interface PutResult {
  /** The group-wide revision this write created */
  revision: number
}

export interface DeleteResult {
  /** The revision the delete created, or the current revision if the key was absent */
  revision: number
  /** Whether the key existed (a delete of an absent key writes nothing) */
  deleted: boolean
}

export interface CasResult {
  /** Whether the key's revision matched and the value was written */
  ok: boolean
  /** On success the new revision; on failure the key's current revision (0 if absent) */
  revision: number
}

export interface GetOptions extends CallOptions {
  /**
   * `linearizable` (the default) reads after confirming leadership with a
   * quorum (ReadIndex): it sees every write acknowledged before it began.
   * `local` answers from whatever the asked member applied: possibly stale.
   */
  consistency?: 'linearizable' | 'local'
}

export interface LockOptions extends CallOptions {
  /**
   * How long the lock outlives its holder: once the holder's session has
   * had no keepalive for this long, the lock is free again.
   */
  ttlMs?: number
}

/** A held lock. */
export interface Lock {
  name: string
  /**
   * The fencing token of this grant. Tokens rise with every grant of any
   * lock in the group, so a resource that remembers the highest token it
   * saw can refuse a holder that was paused and lost its lock.
   */
  token: number
  /** Releases the lock (does nothing if it already lapsed). */
  release(options?: CallOptions): Promise<void>
}

/** One change a watch delivers. */
export interface WatchChange {
  type: 'put' | 'delete'
  key: string
  /** The value written (absent for a delete) */
  value?: JsonValue
  /** The revision of the write */
  revision: number
}

export interface WatchOptions extends CallOptions {
  /**
   * Deliver changes from this revision on (inclusive); by default only
   * changes after the watch began. Older than the history the group keeps:
   * `onError` gets a `CompactedError`.
   */
  fromRevision?: number
  /** Called once if the watch ends on an error (`CompactedError`, `NotStartedError`) */
  onError?(err: Error): void
}

export interface GroupStatus {
  /** Peer id of the leader as this peer knows it */
  leader?: string
  term: number
  /** Voting members */
  members: string[]
  commitIndex: number
  appliedIndex: number
}

/**
 * A consensus group as one peer sees it, member or client. Writes are
 * linearizable: each takes effect at one instant between its call and its
 * answer, in one order that every member applies. A write that rejects with
 * `OutcomeUnknownError` may have taken effect; every other rejection means
 * it did not. Calls reject with `NoLeaderError` when no leader is found, and
 * `TimeoutError` / `AbortError` from their options.
 */
export interface ConsensusGroup {
  readonly name: string
  /** Writes a JSON value; resolves once the write is committed. */
  put(key: string, value: JsonValue, options?: CallOptions): Promise<PutResult>
  /** Reads a key; `undefined` if absent. Linearizable unless `consistency: 'local'`. */
  get(key: string, options?: GetOptions): Promise<KeyValue | undefined>
  /** Deletes a key; resolves once committed. */
  delete(key: string, options?: CallOptions): Promise<DeleteResult>
  /**
   * Writes `value` only if the key's revision is `expectedRevision` (0: only
   * if the key is absent), atomically.
   */
  cas(key: string, expectedRevision: number, value: JsonValue, options?: CallOptions): Promise<CasResult>
  /**
   * Waits until the lock is granted to this peer's session. One holder at a
   * time; the session is kept alive while this peer runs, and the lock is
   * free again `ttlMs` after its holder stops.
   */
  lock(name: string, options?: LockOptions): Promise<Lock>
  /**
   * Calls `onChange` with every change to a key under `prefix`, in revision
   * order, none missed, from `fromRevision` on. Returns a function that ends
   * the watch.
   */
  watch(prefix: string, onChange: (change: WatchChange) => void, options?: WatchOptions): () => void
  /** The group's leader, term, members and progress as this peer knows them. */
  status(options?: CallOptions): Promise<GroupStatus>
  /** Adds a voting member (one at a time); resolves once the change is committed. */
  addMember(peerId: string, options?: CallOptions): Promise<void>
  /** Removes a voting member; a removed leader steps down. */
  removeMember(peerId: string, options?: CallOptions): Promise<void>
}

/** What a group runner applies committed entries to. */
export interface StateMachine {
  /** Applies one committed entry, in log order; returns what its proposer gets back. Never throws. */
  apply(entry: Entry): unknown
  /** The whole state, encoded deterministically (same state, same bytes). */
  snapshot(): Uint8Array
  /** Replaces the state with a snapshot's. */
  restore(snapshot: Snapshot): void
}
