/**
 * The messages Raft members exchange, and what a core hands its runner in
 * each `ready()`.
 */
import type { Entry, HardState, Snapshot } from '../log-types.ts'

/** A member's role. A pre-candidate polls for votes without raising its term. */
export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader'

interface Base {
  from: string
  to: string
  /** The sender's term; for a pre-vote request and its grant, the term the candidate would take */
  term: number
}

/** A request for a vote (`vote`) or a pre-vote poll (`prevote`). */
export interface VoteRequest extends Base {
  type: 'vote' | 'prevote'
  lastIndex: number
  lastTerm: number
  /** Sent on a leadership transfer: the voter's leader lease does not apply */
  transfer: boolean
}

export interface VoteResponse extends Base {
  type: 'vote-response' | 'prevote-response'
  reject: boolean
}

/** Entries after (`prevIndex`, `prevTerm`), and the leader's commit index. */
export interface AppendRequest extends Base {
  type: 'append'
  prevIndex: number
  prevTerm: number
  entries: Entry[]
  commit: number
}

/**
 * On success, `index` is the last index the follower's log matches the
 * leader's; on reject, `index` is the rejected `prevIndex` and the hint is
 * the last index at or below it whose term is at most `prevTerm`.
 */
export interface AppendResponse extends Base {
  type: 'append-response'
  index: number
  reject: boolean
  hintIndex: number
  hintTerm: number
}

/** `commit` is at most what the follower is known to hold; `context` is the read round it confirms (0: none). */
export interface HeartbeatRequest extends Base {
  type: 'heartbeat'
  commit: number
  context: number
}

export interface HeartbeatResponse extends Base {
  type: 'heartbeat-response'
  context: number
}

export interface SnapshotRequest extends Base {
  type: 'snapshot'
  snapshot: Snapshot
}

/** Leadership transfer: campaign now, without pre-vote. */
export interface TimeoutNow extends Base {
  type: 'timeout-now'
}

export type Message = VoteRequest | VoteResponse | AppendRequest | AppendResponse |
HeartbeatRequest | HeartbeatResponse | SnapshotRequest | TimeoutNow

export type MessageType = Message['type']

/** Who leads, as this member sees it. */
export interface SoftState {
  leader?: string
  role: Role
}

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  index: number
  requestCtx: Uint8Array
}

/**
 * One batch of work for the runner: send `earlyMessages` at once; persist
 * `snapshot`, `entries` and `hardState` (a `StorageUpdate`) and wait until
 * durable; only then send `messages`; restore the state machine from
 * `snapshot` if present; apply `committedEntries` (these are durable here
 * already and committed on a quorum, so, without a snapshot, they may be
 * applied while the update is being persisted); serve `readStates` once
 * applied; then call `advance()`.
 */
export interface Ready {
  softState?: SoftState
  hardState?: HardState
  /** A snapshot from the leader: it replaces the whole log (`StorageUpdate.replacesLog`) and the state machine */
  snapshot?: Snapshot
  entries: Entry[]
  /** Messages that may go only once the update is durable */
  messages: Message[]
  /**
   * A leader's appends, heartbeats and snapshots in a term already durable:
   * they may go before its own write of the entries they carry, in
   * parallel with it (the leader counts itself toward commit only once its
   * write is done, Raft thesis §10.2.1)
   */
  earlyMessages: Message[]
  committedEntries: Entry[]
  readStates: ReadState[]
}

/** Where a proposal went in the log: it is committed when an applied entry has this index and term. */
export interface Proposal {
  index: number
  term: number
}
