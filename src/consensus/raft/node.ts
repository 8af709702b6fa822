/**
 * A Raft core: the whole protocol as a deterministic state machine, with no
 * timers or I/O inside. The runner calls `tick()` on a timer, `step()` with
 * each received message and the `propose…`/`readIndex` methods for the
 * application; whenever `hasReady()` it takes a `ready()`, persists it, sends
 * its messages, applies its committed entries and calls `advance()`.
 *
 * @example
 * ```ts
 * const core = createRaftCore({ id: 'a', members: ['a', 'b', 'c'], rng: seededRng(1) })
 * core.tick()
 * if (core.hasReady()) {
 *   const rd = core.ready()
 *   transport.send(rd.earlyMessages)
 *   await storage.save({ snapshot: rd.snapshot, entries: rd.entries, hardState: rd.hardState })
 *   transport.send(rd.messages)
 *   for (const e of rd.committedEntries) stateMachine.apply(e)
 *   core.advance()
 * }
 * ```
 */
import { InvalidArgumentError } from '../../errors.ts'
import type { ConfChange, Entry, HardState, PersistedState, Snapshot } from '../log-types.ts'
import * as c from './constants.ts'
import { NotLeaderError, ProposalDroppedError, RaftUsageError } from './errors.ts'
import { encodeConfChange } from './membership.ts'
import type { Message, Proposal, Ready, Role, SoftState } from './messages.ts'
import { Raft } from './raft.ts'
import type { RaftConfig } from './raft.ts'
import { flushTo } from './replication.ts'
import { seededRng } from './rng.ts'
import type { Rng } from './rng.ts'
import { validateMessage } from './validate.ts'

export interface RaftCoreInit {
  /** This member's id (its peer id) */
  id: string
  /**
   * The group's founding members, for a member's very first start (empty
   * `persisted`): they become the first entries of the log, the same on every
   * founder. A member that joins later starts with none and learns the group
   * from its leader.
   */
  members?: string[]
  /** What storage held at start; nothing for a new member */
  persisted?: PersistedState
  /** Source of the election timeout jitter (default: seeded from `Math.random`) */
  rng?: Rng
  electionTicks?: number
  heartbeatTicks?: number
  maxEntriesPerMessage?: number
  maxBytesPerMessage?: number
  maxInflightMessages?: number
  maxUncommittedEntries?: number
  maxPendingReads?: number
  maxEntryBytes?: number
  maxSnapshotBytes?: number
  maxApplyEntriesPerReady?: number
  /** Poll before raising the term (default true) */
  preVote?: boolean
  /** A leader steps down when it has not heard from a quorum in an election timeout (default true) */
  checkQuorum?: boolean
}

/** What a member knows of itself. */
export interface RaftStatus {
  id: string
  term: number
  vote?: string
  leader?: string
  role: Role
  commit: number
  applied: number
  /** The log holds entries from here (after its snapshot) */
  firstIndex: number
  /** Term of the entry at `firstIndex - 1` (the snapshot's) */
  snapshotTerm: number
  lastIndex: number
  members: string[]
}

export interface RaftCore {
  readonly id: string
  /** One unit of time passed */
  tick(): void
  /** Handles a received message; a malformed one throws `ProtocolError` and changes nothing */
  step(message: Message): void
  /** Appends a command; throws `NotLeaderError` or `ProposalDroppedError` */
  propose(data: Uint8Array): Proposal
  /** Appends a membership change; one at a time, and only once the leader has committed in its term */
  proposeConfChange(change: ConfChange): Proposal
  /** Hands leadership to `to` once its log is up to date */
  transferLeadership(to: string): void
  /** Asks for a read index; it comes back as a `readStates` entry of a later `ready()` */
  readIndex(requestCtx: Uint8Array): void
  hasReady(): boolean
  ready(): Ready
  advance(): void
  /** The application has a snapshot of its state up to `index` (at most applied): drop the log before it */
  compact(index: number, data: Uint8Array): Snapshot
  status(): RaftStatus
  /** Entries in [lo, hi) still in the log */
  entries(lo: number, hi: number): Entry[]
}

const LEADER_MESSAGES = new Set(['append', 'heartbeat', 'snapshot', 'timeout-now'])

/** Moves a leader's messages, which depend on nothing this ready persists, to `earlyMessages`. */
function splitEarly (rd: Ready): void {
  if (!rd.messages.some(m => LEADER_MESSAGES.has(m.type))) return
  rd.earlyMessages = rd.messages.filter(m => LEADER_MESSAGES.has(m.type))
  rd.messages = rd.messages.filter(m => !LEADER_MESSAGES.has(m.type))
}

class Core implements RaftCore {
  readonly id: string
  private readonly r: Raft
  private prevSoft: SoftState
  private prevHard: HardState
  private outstanding = false
  private handedApplied = 0

  constructor (cfg: RaftConfig, persisted: PersistedState, members: readonly string[]) {
    this.id = cfg.id
    this.r = new Raft(cfg, persisted, members)
    this.prevSoft = { role: 'follower' }
    this.prevHard = persisted.hardState
  }

  tick (): void {
    this.r.tick()
  }

  step (m: Message): void {
    const r = this.r
    validateMessage(m, this.id, r.cfg.maxEntryBytes, r.cfg.maxSnapshotBytes)
    // a leader may be one this member's log does not know yet (it lags behind a change)
    if (!r.log.membership.has(m.from) && !LEADER_MESSAGES.has(m.type)) return
    r.step(m)
  }

  private requireLeader (): void {
    if (this.r.role !== 'leader') throw new NotLeaderError(this.r.leader)
    if (this.r.transferee !== undefined) {
      throw new ProposalDroppedError('transferring', 'leadership is being transferred')
    }
    if (this.r.log.lastIndex() - this.r.log.committed >= this.r.cfg.maxUncommittedEntries) {
      throw new ProposalDroppedError('uncommitted-limit', 'too many uncommitted entries')
    }
  }

  private append (type: Entry['type'], data: Uint8Array): Proposal {
    const r = this.r
    const index = r.log.lastIndex() + 1
    r.log.append([{ index, term: r.term, type, data }])
    r.needsBroadcast = true
    return { index, term: r.term }
  }

  propose (data: Uint8Array): Proposal {
    if (!(data instanceof Uint8Array) || data.length > this.r.cfg.maxEntryBytes) {
      throw new InvalidArgumentError('a proposal is a Uint8Array of at most maxEntryBytes')
    }
    this.requireLeader()
    return this.append('normal', data)
  }

  proposeConfChange (change: ConfChange): Proposal {
    const r = this.r
    this.requireLeader()
    if (!r.committedInTerm() || r.log.membership.lastChangeIndex > r.log.committed) {
      throw new ProposalDroppedError('conf-pending', 'a membership change is pending')
    }
    const members = r.members()
    if (typeof change.member !== 'string' || change.member.length === 0 || change.member.length > c.MAX_ID_LENGTH) {
      throw new InvalidArgumentError('a member id is a non-empty string')
    }
    if (change.type === 'add' ? members.includes(change.member) : !members.includes(change.member)) {
      throw new InvalidArgumentError(`${change.member} is ${change.type === 'add' ? 'already' : 'not'} a member`)
    }
    if (change.type === 'remove' && members.length === 1) throw new InvalidArgumentError('cannot remove the last member')
    if (change.type === 'add' && members.length >= c.MAX_MEMBERS) throw new InvalidArgumentError('too many members')
    const proposal = this.append('conf', encodeConfChange(change))
    r.syncProgress()
    return proposal
  }

  transferLeadership (to: string): void {
    const r = this.r
    if (r.role !== 'leader') throw new NotLeaderError(r.leader)
    if (to === this.id || r.transferee === to) return
    const pr = r.progress.get(to)
    if (pr === undefined) throw new InvalidArgumentError(`${to} is not a member`)
    r.transferee = to
    r.transferElapsed = 0
    if (pr.match === r.log.lastIndex()) r.send({ type: 'timeout-now', from: this.id, to, term: r.term })
    else flushTo(r, to, true)
  }

  readIndex (requestCtx: Uint8Array): void {
    const r = this.r
    if (!(requestCtx instanceof Uint8Array) || requestCtx.length > c.MAX_READ_CONTEXT_BYTES) {
      throw new InvalidArgumentError('a read context is a Uint8Array of at most 1 KiB')
    }
    if (r.role !== 'leader') throw new NotLeaderError(r.leader)
    if (r.reads.size >= r.cfg.maxPendingReads) throw new ProposalDroppedError('reads-limit', 'too many reads pending')
    if (r.committedInTerm()) r.startRead(requestCtx)
    else r.reads.wait(requestCtx)
  }

  private applyBound (): number {
    const log = this.r.log
    if (log.unstableSnapshot !== undefined || log.inflightSnapshot !== undefined) return log.applied
    // only entries durable here are applied
    return Math.min(log.committed, log.stableIndex, log.applied + this.r.cfg.maxApplyEntriesPerReady)
  }

  private hardState (): HardState {
    const r = this.r
    return { term: r.term, vote: r.vote, commit: r.log.committed }
  }

  hasReady (): boolean {
    const r = this.r
    if (this.outstanding) return false
    const hs = this.hardState()
    return r.msgs.length > 0 || r.readStates.length > 0 || r.needsBroadcast || r.needsReadHeartbeat ||
      r.log.unstableSnapshot !== undefined || r.log.unstableFrom <= r.log.lastIndex() ||
      this.applyBound() > r.log.applied ||
      hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote || hs.commit !== this.prevHard.commit ||
      r.role !== this.prevSoft.role || r.leader !== this.prevSoft.leader
  }

  ready (): Ready {
    if (this.outstanding) throw new RaftUsageError('ready() before the last ready was advanced')
    const r = this.r
    const log = r.log
    r.flush()
    const rd: Ready = { entries: [], messages: r.msgs, earlyMessages: [], committedEntries: [], readStates: r.readStates }
    r.msgs = []
    r.readStates = []
    if (log.unstableSnapshot !== undefined) {
      rd.snapshot = log.unstableSnapshot
      log.inflightSnapshot = log.unstableSnapshot
      log.unstableSnapshot = undefined
    }
    if (log.unstableFrom <= log.lastIndex()) {
      rd.entries = log.slice(log.unstableFrom, log.lastIndex() + 1) ?? []
      log.inflightIndex = log.lastIndex()
      log.unstableFrom = log.lastIndex() + 1
    }
    const applyTo = this.applyBound()
    if (applyTo > log.applied) rd.committedEntries = log.slice(log.applied + 1, applyTo + 1) ?? []
    this.handedApplied = applyTo
    const hs = this.hardState()
    // the last ready was advanced, so its hard state is durable: a term and vote it holds may be relied on now
    if (hs.term === this.prevHard.term && hs.vote === this.prevHard.vote) splitEarly(rd)
    if (hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote || hs.commit !== this.prevHard.commit) {
      rd.hardState = hs
      this.prevHard = hs
    }
    if (r.role !== this.prevSoft.role || r.leader !== this.prevSoft.leader) {
      rd.softState = { role: r.role, leader: r.leader }
      this.prevSoft = rd.softState
    }
    this.outstanding = true
    return rd
  }

  advance (): void {
    if (!this.outstanding) throw new RaftUsageError('advance() without a ready')
    const log = this.r.log
    if (log.inflightSnapshot !== undefined) {
      log.stableIndex = Math.max(log.stableIndex, log.inflightSnapshot.index)
      log.applied = Math.max(log.applied, log.inflightSnapshot.index)
      log.inflightSnapshot = undefined
    }
    log.stableIndex = Math.max(log.stableIndex, log.inflightIndex)
    log.applied = Math.max(log.applied, this.handedApplied)
    this.outstanding = false
    this.r.selfPersisted()
  }

  compact (index: number, data: Uint8Array): Snapshot {
    const log = this.r.log
    if (!Number.isSafeInteger(index) || index > log.applied || index <= log.snapshot.index) {
      throw new InvalidArgumentError(`compact index ${index} is not in (${log.snapshot.index}, ${log.applied}]`)
    }
    const snapshot: Snapshot = { index, term: log.term(index) as number, members: log.membership.at(index), data }
    log.compact(snapshot)
    return snapshot
  }

  status (): RaftStatus {
    const r = this.r
    return {
      id: this.id,
      term: r.term,
      vote: r.vote,
      leader: r.leader,
      role: r.role,
      commit: r.log.committed,
      applied: r.log.applied,
      firstIndex: r.log.firstIndex(),
      snapshotTerm: r.log.snapshot.term,
      lastIndex: r.log.lastIndex(),
      members: [...r.members()]
    }
  }

  entries (lo: number, hi: number): Entry[] {
    const entries = this.r.log.slice(Math.max(lo, this.r.log.firstIndex()), hi)
    return entries ?? []
  }
}

/** Creates a Raft core from what storage held (or nothing, for a new member). */
export function createRaftCore (init: RaftCoreInit): RaftCore {
  if (typeof init.id !== 'string' || init.id.length === 0) throw new InvalidArgumentError('a core needs an id')
  const cfg: RaftConfig = {
    id: init.id,
    electionTicks: init.electionTicks ?? c.DEFAULT_ELECTION_TICKS,
    heartbeatTicks: init.heartbeatTicks ?? c.DEFAULT_HEARTBEAT_TICKS,
    maxEntriesPerMessage: init.maxEntriesPerMessage ?? c.DEFAULT_MAX_ENTRIES_PER_MESSAGE,
    maxBytesPerMessage: init.maxBytesPerMessage ?? c.DEFAULT_MAX_BYTES_PER_MESSAGE,
    maxInflightMessages: init.maxInflightMessages ?? c.DEFAULT_MAX_INFLIGHT_MESSAGES,
    maxUncommittedEntries: init.maxUncommittedEntries ?? c.DEFAULT_MAX_UNCOMMITTED_ENTRIES,
    maxPendingReads: init.maxPendingReads ?? c.DEFAULT_MAX_PENDING_READS,
    maxEntryBytes: init.maxEntryBytes ?? c.DEFAULT_MAX_ENTRY_BYTES,
    maxSnapshotBytes: init.maxSnapshotBytes ?? c.DEFAULT_MAX_SNAPSHOT_BYTES,
    maxApplyEntriesPerReady: init.maxApplyEntriesPerReady ?? c.DEFAULT_MAX_APPLY_ENTRIES_PER_READY,
    preVote: init.preVote ?? true,
    checkQuorum: init.checkQuorum ?? true,
    rng: init.rng ?? seededRng(Math.floor(Math.random() * 2 ** 32))
  }
  if (cfg.heartbeatTicks < 1 || cfg.electionTicks <= cfg.heartbeatTicks) {
    throw new InvalidArgumentError('electionTicks must exceed heartbeatTicks, which is at least 1')
  }
  const persisted = init.persisted ?? { hardState: { term: 0, commit: 0 }, entries: [] }
  return new Core(cfg, persisted, init.members ?? [])
}
