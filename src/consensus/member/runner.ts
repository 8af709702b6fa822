/**
 * A member of a consensus group: drives a Raft core on the mesh. A timer
 * ticks it; received messages step it; whenever it has a `ready()`, the
 * runner sends a leader's appends and heartbeats at once, applies the
 * committed entries to the key-value state machine (they are durable here
 * already) and settles the proposals and reads that waited, while it
 * persists the snapshot, entries and hard state; once they are durable it
 * sends the other messages (answers that depend on them), restores a
 * snapshot, and advances. Past a bound of applied entries it snapshots the
 * state machine and compacts the log. The leader stamps each command with
 * its term and monotonic clock, and proposes a `tick` when a lease may have
 * lapsed.
 *
 * A storage failure stops the member for good: no more ticks, votes or
 * acknowledgements; calls reject with the `StorageError` until it restarts.
 */
import { NotLeaderError, ProposalDroppedError } from '../raft/errors.ts'
import { createRaftCore } from '../raft/node.ts'
import { encodeCommand, kvStateMachine } from '../kv/index.ts'
import { NotStartedError, StorageError } from '../../errors.ts'
import { DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS, DEFAULT_SNAPSHOT_ENTRIES, DEFAULT_TICK_MS, LEADERSHIP_LOSS_GRACE_MS, MAX_RAFT_SNAPSHOT_BYTES } from '../constants.ts'
import { abortable } from '../../util/abortable.ts'
import { Proposals } from './proposals.ts'
import { Reads } from './reads.ts'
import type { Command, KvStateMachine } from '../kv/index.ts'
import type { ConfChange, RaftStorage } from '../log-types.ts'
import type { RaftCore, RaftStatus } from '../raft/node.ts'
import type { Message, Ready } from '../raft/messages.ts'
import type { Logger } from '@libp2p/interface'

/** A command as a client sends it: the leader adds its stamp. */
export type CommandBody = Command extends infer C ? C extends Command ? Omit<C, 'term' | 'timeMs'> : never : never

export interface MemberInit {
  id: string
  group: string
  /** Founding members (a first start of a founder), or the group a joiner was told of */
  members: string[]
  /** Start with an empty log and learn the group from its leader */
  join?: boolean
  storage: RaftStorage
  send(messages: Message[]): void
  log: Logger
  tickMs?: number
  electionTicks?: number
  heartbeatTicks?: number
  snapshotEntries?: number
  /** Changes the state machine's watch history keeps */
  historyChanges?: number
}

export interface Member {
  readonly id: string
  readonly kv: KvStateMachine
  /** Why the member stopped working, if it did */
  readonly failure?: StorageError
  status(): RaftStatus
  /** Whether `peer` may send this member Raft messages */
  accepts(peer: string): boolean
  /** Steps the messages; returns the first malformed one's `ProtocolError` (the others are still stepped) */
  step(messages: Message[]): Error | undefined
  /** Proposes a command (leader only) and resolves with its applied result. */
  propose(body: CommandBody): Promise<unknown>
  changeMembers(change: ConfChange): Promise<void>
  /** Resolves once a linearizable read may be served from `kv` (leader only). */
  readBarrier(signal?: AbortSignal): Promise<void>
  /** Calls `fn` after each batch of applied entries; returns a function that stops it. */
  onApplied(fn: () => void): () => void
  stop(): Promise<void>
}

/** How long `stop` waits for a save in flight. */
const STOP_WAIT_MS = 2_000

class Runner implements Member {
  readonly id: string
  readonly kv: KvStateMachine
  failure?: StorageError
  private readonly init: MemberInit
  private readonly core: RaftCore
  private readonly proposals = new Proposals()
  private readonly reads = new Reads()
  private readonly listeners = new Set<() => void>()
  private readonly founders: Set<string>
  private members: Set<string>
  private timer?: ReturnType<typeof setInterval>
  private running = false
  private scheduled = false
  private stopped = false
  private leader = false
  private lastStampMs = 0
  private graceTimer?: ReturnType<typeof setTimeout>

  constructor (init: MemberInit, core: RaftCore) {
    this.init = init
    this.id = init.id
    this.kv = kvStateMachine({ historyChanges: init.historyChanges })
    this.core = core
    this.founders = new Set(init.members)
    this.members = new Set(core.status().members)
  }

  start (): void {
    this.timer = setInterval(() => { this.tick() }, this.init.tickMs ?? DEFAULT_TICK_MS)
    this.schedule()
  }

  status (): RaftStatus {
    return this.core.status()
  }

  accepts (peer: string): boolean {
    return this.members.has(peer) || this.founders.has(peer)
  }

  step (messages: Message[]): Error | undefined {
    // a member whose storage failed neither votes nor acknowledges
    if (this.stopped || this.failure != null) return undefined
    let bad: Error | undefined
    for (const m of messages) {
      try {
        this.core.step(m)
      } catch (err: any) {
        bad ??= err
      }
    }
    this.schedule()
    return bad
  }

  private check (): void {
    if (this.failure != null) throw this.failure
    if (this.stopped) throw new NotStartedError('the group member stopped')
  }

  async propose (body: CommandBody): Promise<unknown> {
    this.check()
    const status = this.core.status()
    if (status.role !== 'leader') throw new NotLeaderError(status.leader)
    this.lastStampMs = performance.now()
    const data = encodeCommand({ ...body, term: status.term, timeMs: this.lastStampMs } as Command)
    const { index, term } = this.core.propose(data)
    this.schedule()
    return this.proposals.wait(index, term)
  }

  async changeMembers (change: ConfChange): Promise<void> {
    this.check()
    const { index, term } = this.core.proposeConfChange(change)
    this.schedule()
    await this.proposals.wait(index, term)
  }

  async readBarrier (signal?: AbortSignal): Promise<void> {
    this.check()
    const read = this.reads.start()
    try {
      this.core.readIndex(read.ctx)
    } catch (err) {
      read.cancel()
      throw err
    }
    this.schedule()
    try {
      await abortable(read.done, signal)
    } finally {
      read.cancel()
    }
  }

  onApplied (fn: () => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  private tick (): void {
    if (this.stopped || this.failure != null) return
    this.core.tick()
    if (this.leader) this.proposeLeaseTick()
    this.schedule()
  }

  /** Group time moves only with stamped commands: propose a tick once a lease may be due. */
  private proposeLeaseTick (): void {
    const due = this.kv.msUntilExpiry()
    if (due === undefined || performance.now() - this.lastStampMs < due) return
    this.propose({ op: 'tick', client: '', seq: 0 }).catch(() => {})
  }

  private schedule (): void {
    if (this.scheduled || this.running) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.loop().catch(err => { this.fail(err) })
    })
  }

  private async loop (): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (!this.stopped && this.failure == null && this.core.hasReady()) {
        await this.handle(this.core.ready())
      }
    } finally {
      this.running = false
    }
  }

  private async handle (rd: Ready): Promise<void> {
    if (rd.earlyMessages.length > 0) this.init.send(rd.earlyMessages)
    // committed entries handed out are durable here already: they apply while this ready's update is written
    if (rd.snapshot == null) this.apply(rd)
    if (rd.snapshot != null || rd.entries.length > 0 || rd.hardState != null) {
      try {
        await this.init.storage.save({ snapshot: rd.snapshot, replacesLog: rd.snapshot != null, entries: rd.entries, hardState: rd.hardState })
      } catch (err) {
        throw err instanceof StorageError ? err : new StorageError('saving raft state failed', { cause: err })
      }
    }
    if (this.stopped) return
    if (rd.messages.length > 0) this.init.send(rd.messages)
    if (rd.snapshot != null) {
      this.init.log('group %s: restoring a snapshot at %d', this.init.group, rd.snapshot.index)
      this.kv.restore(rd.snapshot)
      this.proposals.skipped(rd.snapshot.index)
      this.apply(rd)
    }
    if (rd.softState != null) this.roleChanged(rd.softState.role === 'leader')
    this.core.advance()
    this.members = new Set(this.core.status().members)
    if (rd.committedEntries.length > 0 || rd.snapshot != null) {
      for (const fn of this.listeners) fn()
      await this.maybeCompact()
    }
  }

  /** Applies a ready's committed entries, settling their proposers, and serves the reads they allow. */
  private apply (rd: Ready): void {
    for (const entry of rd.committedEntries) {
      this.proposals.applied(entry, this.kv.apply(entry))
    }
    this.reads.confirmed(rd.readStates, this.kv.appliedIndex())
  }

  private roleChanged (leader: boolean): void {
    if (leader === this.leader) return
    this.leader = leader
    clearTimeout(this.graceTimer)
    if (leader) {
      this.lastStampMs = performance.now()
      return
    }
    this.reads.leadershipLost()
    // a follower still learns what became of its entries; past the grace, the proposers hear "unknown"
    const upTo = this.core.status().lastIndex
    this.graceTimer = setTimeout(() => { this.proposals.failAll(undefined, upTo) }, LEADERSHIP_LOSS_GRACE_MS)
  }

  private async maybeCompact (): Promise<void> {
    const status = this.core.status()
    const applied = this.kv.appliedIndex()
    if (applied - status.firstIndex + 1 <= (this.init.snapshotEntries ?? DEFAULT_SNAPSHOT_ENTRIES) || applied > status.applied) return
    const snapshot = this.core.compact(applied, this.kv.snapshot())
    this.init.log('group %s: compacted the log up to %d', this.init.group, applied)
    try {
      await this.init.storage.save({ snapshot })
    } catch (err) {
      throw err instanceof StorageError ? err : new StorageError('saving a snapshot failed', { cause: err })
    }
  }

  private fail (err: unknown): void {
    const failure = err instanceof StorageError ? err : new StorageError('the member failed', { cause: err })
    if (this.failure != null) return
    this.failure = failure
    this.init.log.error('group %s: member stopped: %s', this.init.group, failure.message)
    clearInterval(this.timer)
    this.proposals.failAll(failure)
    this.reads.failAll(failure)
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.timer)
    clearTimeout(this.graceTimer)
    const err = new NotStartedError('the group member stopped')
    this.proposals.failAll(err)
    this.reads.failAll(err)
    // a save in flight finishes first (bounded: a storage that hangs is closed under it)
    const until = performance.now() + STOP_WAIT_MS
    while (this.running && performance.now() < until) await new Promise(resolve => setTimeout(resolve, 5))
    await this.init.storage.close()
  }
}

/** Loads a member's state from its storage and starts it. */
export async function startMember (init: MemberInit): Promise<Member> {
  const persisted = await init.storage.load()
  const fresh = persisted.hardState.term === 0 && persisted.entries.length === 0 && persisted.snapshot == null
  const core = createRaftCore({
    id: init.id,
    members: fresh && init.join !== true ? init.members : undefined,
    persisted,
    electionTicks: init.electionTicks ?? DEFAULT_ELECTION_TICKS,
    heartbeatTicks: init.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS,
    maxSnapshotBytes: MAX_RAFT_SNAPSHOT_BYTES
  })
  const runner = new Runner(init, core)
  if (persisted.snapshot != null) runner.kv.restore(persisted.snapshot)
  runner.start()
  return runner
}

export { NotLeaderError, ProposalDroppedError }
