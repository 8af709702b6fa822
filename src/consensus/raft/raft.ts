/**
 * The state of one Raft member and its role changes, ticks and message
 * dispatch. Elections live in `election.ts`, replication in
 * `replication.ts`; the public face (`ready()`, proposals) is `node.ts`.
 */
import type { PersistedState } from '../log-types.ts'
import { campaign, handleVoteRequest, handleVoteResponse } from './election.ts'
import { RaftLog } from './log.ts'
import { encodeConfChange } from './membership.ts'
import type { Message, ReadState, Role } from './messages.ts'
import { Progress } from './progress.ts'
import { ReadQueue } from './read-index.ts'
import {
  bcastAppend, bcastHeartbeat, handleAppend, handleAppendResponse, handleHeartbeat,
  handleHeartbeatResponse, handleSnapshot, maybeCommit
} from './replication.ts'
import type { Rng } from './rng.ts'

/** Settings of a core, every default applied. */
export interface RaftConfig {
  id: string
  electionTicks: number
  heartbeatTicks: number
  maxEntriesPerMessage: number
  maxBytesPerMessage: number
  maxInflightMessages: number
  maxUncommittedEntries: number
  maxPendingReads: number
  maxEntryBytes: number
  maxSnapshotBytes: number
  maxApplyEntriesPerReady: number
  preVote: boolean
  checkQuorum: boolean
  rng: Rng
}

const EMPTY = new Uint8Array(0)

export class Raft {
  readonly id: string
  readonly cfg: RaftConfig
  readonly log: RaftLog
  term: number
  vote?: string
  leader?: string
  role: Role = 'follower'
  /** A leader's view of each other member */
  readonly progress = new Map<string, Progress>()
  /** Votes (or pre-votes) received in this campaign */
  readonly votes = new Map<string, boolean>()
  readonly reads = new ReadQueue()
  electionElapsed = 0
  heartbeatElapsed = 0
  randomizedElectionTimeout = 0
  transferee?: string
  transferElapsed = 0
  /** Messages for the next `ready()` */
  msgs: Message[] = []
  readStates: ReadState[] = []
  /** A leader has new entries to send at the next flush */
  needsBroadcast = false
  /** A leader has a read round to confirm at the next flush */
  needsReadHeartbeat = false

  constructor (cfg: RaftConfig, persisted: PersistedState, initialMembers: readonly string[]) {
    this.id = cfg.id
    this.cfg = cfg
    const snapshot = persisted.snapshot ?? { index: 0, term: 0, members: [], data: EMPTY }
    this.log = new RaftLog(snapshot, persisted.entries, persisted.hardState.commit)
    this.term = persisted.hardState.term
    this.vote = persisted.hardState.vote
    if (persisted.snapshot === undefined && persisted.entries.length === 0 && this.term === 0) {
      this.bootstrap(initialMembers)
    }
    this.resetTimeout()
  }

  /** A founder's log starts with one committed entry adding each founding member, at term 1 */
  private bootstrap (members: readonly string[]): void {
    if (members.length === 0) return
    const sorted = [...new Set(members)].sort()
    this.log.append(sorted.map((member, i) => ({ index: i + 1, term: 1, type: 'conf' as const, data: encodeConfChange({ type: 'add', member }) })))
    this.log.commitTo(sorted.length)
    this.term = 1
  }

  members (): readonly string[] {
    return this.log.membership.members
  }

  /** Only a member may campaign */
  promotable (): boolean {
    return this.log.membership.has(this.id)
  }

  quorum (): number {
    return Math.floor(this.members().length / 2) + 1
  }

  /** Whether the members in `ids` are a quorum of the current configuration */
  isQuorum (ids: Iterable<string>): boolean {
    let n = 0
    for (const id of ids) if (this.log.membership.has(id)) n++
    return n >= this.quorum()
  }

  /** A leader that has committed an entry of its own term knows the commit index */
  committedInTerm (): boolean {
    return this.log.term(this.log.committed) === this.term
  }

  send (m: Message): void {
    this.msgs.push(m)
  }

  private resetTimeout (): void {
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.cfg.rng.int(this.cfg.electionTicks)
  }

  private reset (term: number): void {
    if (term !== this.term) {
      this.term = term
      this.vote = undefined
    }
    this.leader = undefined
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.resetTimeout()
    this.votes.clear()
    this.progress.clear()
    this.reads.clear()
    this.transferee = undefined
    this.needsBroadcast = false
    this.needsReadHeartbeat = false
  }

  becomeFollower (term: number, leader: string | undefined): void {
    this.reset(term)
    this.role = 'follower'
    this.leader = leader
  }

  becomePreCandidate (): void {
    this.reset(this.term)
    this.role = 'pre-candidate'
  }

  becomeCandidate (): void {
    this.reset(this.term + 1)
    this.vote = this.id
    this.role = 'candidate'
  }

  becomeLeader (): void {
    this.reset(this.term)
    this.role = 'leader'
    this.leader = this.id
    this.syncProgress()
    for (const pr of this.progress.values()) pr.recentActive = true
    // an entry of its own term, so the leader learns the commit index
    this.log.append([{ index: this.log.lastIndex() + 1, term: this.term, type: 'normal', data: EMPTY }])
    this.needsBroadcast = true
  }

  /** Keeps a leader's progress in step with the configuration in its log */
  syncProgress (): void {
    const members = this.members()
    for (const m of members) {
      if (m !== this.id && !this.progress.has(m)) {
        const pr = new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMessages)
        pr.recentActive = true
        this.progress.set(m, pr)
        this.needsBroadcast = true
      }
    }
    for (const m of this.progress.keys()) {
      if (!members.includes(m)) this.progress.delete(m)
    }
    if (this.transferee !== undefined && !members.includes(this.transferee)) this.transferee = undefined
  }

  /** Called whenever the commit index may have moved on a leader */
  afterCommit (): void {
    if (this.role !== 'leader') return
    if (this.committedInTerm()) {
      for (const ctx of this.reads.takeWaiting()) this.startRead(ctx)
    }
    // a leader removed from the group leads until the removal commits
    if (!this.promotable() && this.log.committed >= this.log.membership.lastChangeIndex) {
      this.becomeFollower(this.term, undefined)
    }
  }

  startRead (requestCtx: Uint8Array): void {
    if (this.isQuorum([this.id])) {
      this.readStates.push({ index: this.log.committed, requestCtx })
      return
    }
    this.reads.add(requestCtx, this.log.committed, this.promotable() ? this.id : undefined)
    this.needsReadHeartbeat = true
  }

  /** Sends what proposals and reads since the last flush need */
  flush (): void {
    if (this.role !== 'leader') return
    if (this.needsBroadcast) bcastAppend(this, false)
    if (this.needsReadHeartbeat) bcastHeartbeat(this)
    this.needsBroadcast = false
    this.needsReadHeartbeat = false
  }

  tick (): void {
    if (this.role === 'leader') {
      this.tickLeader()
      return
    }
    this.electionElapsed++
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0
      campaign(this, this.cfg.preVote ? 'prevote' : 'vote', false)
    }
  }

  private tickLeader (): void {
    this.electionElapsed++
    this.heartbeatElapsed++
    for (const pr of this.progress.values()) {
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= this.cfg.electionTicks) {
        // the snapshot or its answer was lost: probe again
        pr.becomeProbe()
        this.needsBroadcast = true
      }
    }
    if (this.transferee !== undefined && ++this.transferElapsed >= this.cfg.electionTicks) {
      this.transferee = undefined
    }
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0
      if (this.cfg.checkQuorum) {
        const active = this.members().filter(m => m === this.id || this.progress.get(m)?.recentActive === true)
        if (active.length < this.quorum()) {
          this.becomeFollower(this.term, undefined)
          return
        }
        for (const pr of this.progress.values()) pr.recentActive = false
      }
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0
      bcastHeartbeat(this)
    }
  }

  /** Having heard from a leader within the election timeout, a member refuses to help unseat it */
  inLease (): boolean {
    return this.cfg.checkQuorum && this.leader !== undefined && this.electionElapsed < this.cfg.electionTicks
  }

  /** Handles a validated message from a known sender */
  step (m: Message): void {
    if (m.term > this.term) {
      if ((m.type === 'vote' || m.type === 'prevote') && !m.transfer && this.inLease()) return
      const keepsTerm = m.type === 'prevote' || (m.type === 'prevote-response' && !m.reject)
      if (!keepsTerm) {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot'
        this.becomeFollower(m.term, fromLeader ? m.from : undefined)
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
        // a stale leader (back from a partition) learns the term and steps down
        this.send({ type: 'append-response', from: this.id, to: m.from, term: this.term, index: 0, reject: false, hintIndex: 0, hintTerm: 0 })
      } else if (m.type === 'prevote') {
        this.send({ type: 'prevote-response', from: this.id, to: m.from, term: this.term, reject: true })
      }
      return
    }

    if (m.type === 'vote' || m.type === 'prevote') {
      handleVoteRequest(this, m)
      return
    }
    if (this.role === 'leader') {
      if (m.type === 'append-response') handleAppendResponse(this, m)
      else if (m.type === 'heartbeat-response') handleHeartbeatResponse(this, m)
      return
    }
    if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
      if (this.role !== 'follower') this.becomeFollower(this.term, m.from)
      this.electionElapsed = 0
      this.leader = m.from
      if (m.type === 'append') handleAppend(this, m)
      else if (m.type === 'heartbeat') handleHeartbeat(this, m)
      else handleSnapshot(this, m)
      return
    }
    if ((m.type === 'vote-response' && this.role === 'candidate') ||
      (m.type === 'prevote-response' && this.role === 'pre-candidate')) {
      handleVoteResponse(this, m)
      return
    }
    if (m.type === 'timeout-now' && this.role === 'follower') {
      campaign(this, 'vote', true)
    }
  }

  /** A leader's own log became durable up to `stableIndex`: it counts toward commit now */
  selfPersisted (): void {
    if (this.role === 'leader' && maybeCommit(this)) bcastAppend(this, true)
  }
}
