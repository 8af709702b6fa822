/**
 * A group of Raft cores on a simulated network, for the seeded simulation and
 * the scenario tests: messages travel as structured clones, may be dropped,
 * duplicated and reordered; partitions cut links; a crash loses the ready not
 * yet persisted (and its unsent messages) and the state machine; a restart
 * loads only what reached the simulated disk. As the member runner does, a
 * ready's early messages go out when it is taken, and its committed entries
 * are applied (and acknowledged) then, before its update is durable. Every
 * apply and every step is checked by `Invariants`.
 */
import { createRaftCore } from '../../src/consensus/raft/index.ts'
import type { Message, RaftCore, RaftCoreInit, Ready } from '../../src/consensus/raft/index.ts'
import { seededRng } from '../../src/consensus/raft/rng.ts'
import type { Entry, HardState, PersistedState, Snapshot, StorageUpdate } from '../../src/consensus/log-types.ts'
import { InvariantError, Invariants, bytesKey } from './invariants.ts'

/** What survives a crash. */
export class Disk {
  hardState: HardState = { term: 0, commit: 0 }
  snapshot?: Snapshot
  entries: Entry[] = []

  save (u: StorageUpdate): void {
    if (u.snapshot !== undefined) {
      const s = u.snapshot
      if (this.snapshot === undefined || s.index > this.snapshot.index) {
        this.snapshot = structuredClone(s)
        this.entries = u.replacesLog === true ? [] : this.entries.filter(e => e.index > s.index)
      }
    }
    if (u.entries !== undefined && u.entries.length > 0) {
      const first = u.entries[0].index
      this.entries = this.entries.filter(e => e.index < first).concat(structuredClone(u.entries))
    }
    if (u.hardState !== undefined) this.hardState = { ...u.hardState }
  }

  load (): PersistedState {
    return structuredClone({ hardState: this.hardState, snapshot: this.snapshot, entries: this.entries })
  }
}

/** The simulated application: a count of applied entries and a hash chain over them. */
export interface StateMachine {
  index: number
  hash: number
}

export interface SimNode {
  id: string
  core?: RaftCore
  disk: Disk
  /** A ready taken and not yet durable */
  pending?: Ready
  sm: StateMachine
  /** Proposals made here and not yet seen applied: index → term and data */
  proposals: Map<number, { term: number, data: string }>
  /** ReadIndex requests made here: context → least index the read must reflect */
  reads: Map<string, number>
}

export interface ClusterInit {
  members: string[]
  /** Peers that start outside the group and may be added */
  spares?: string[]
  seed: number
  core?: Partial<RaftCoreInit>
}

interface InFlight {
  msg: Message
}

const encoder = new TextEncoder()
const MAX_DELIVERIES_PER_ROUND = 10_000

export class Cluster {
  readonly nodes = new Map<string, SimNode>()
  readonly check = new Invariants()
  readonly rng
  /** Messages sent and not yet delivered, in send order */
  inflight: InFlight[] = []
  lossRate = 0
  duplicateRate = 0
  /** Group number of each node; a message crosses only within a group */
  private partition = new Map<string, number>()
  private readonly init: ClusterInit
  private proposalSeq = 0
  private readSeq = 0
  /** Proposals the application saw committed (acknowledged to their proposer) */
  acked = 0
  /** ReadIndex reads served */
  served = 0
  /** Messages delivered, by type */
  readonly delivered = new Map<string, number>()

  constructor (init: ClusterInit) {
    this.init = init
    this.rng = seededRng(init.seed)
    for (const id of [...init.members, ...(init.spares ?? [])]) {
      const node: SimNode = { id, disk: new Disk(), sm: { index: 0, hash: 0 }, proposals: new Map(), reads: new Map() }
      this.nodes.set(id, node)
      this.start(node, init.members.includes(id) ? init.members : [])
    }
  }

  private start (node: SimNode, members: string[]): void {
    node.core = createRaftCore({
      electionTicks: 10,
      heartbeatTicks: 1,
      maxEntriesPerMessage: 4,
      maxInflightMessages: 4,
      ...this.init.core,
      id: node.id,
      members,
      persisted: node.disk.load(),
      rng: seededRng(this.rng.int(2 ** 32))
    })
    node.sm = node.disk.snapshot === undefined ? { index: 0, hash: 0 } : this.restoreSm(node, node.disk.snapshot)
    node.proposals.clear()
    node.reads.clear()
  }

  node (id: string): SimNode {
    const n = this.nodes.get(id)
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  core (id: string): RaftCore {
    const core = this.node(id).core
    if (core === undefined) throw new Error(`${id} is down`)
    return core
  }

  live (): SimNode[] {
    return [...this.nodes.values()].filter(n => n.core !== undefined)
  }

  /** Live nodes that are leaders now */
  leaders (): SimNode[] {
    return this.live().filter(n => n.core?.status().role === 'leader')
  }

  // --- faults -------------------------------------------------------------

  crash (id: string): void {
    const node = this.node(id)
    node.core = undefined
    node.pending = undefined
  }

  restart (id: string): void {
    const node = this.node(id)
    if (node.core !== undefined) return
    this.start(node, this.init.members.includes(id) ? this.init.members : [])
    this.check.afterStep(this, node)
  }

  /** Splits the nodes into groups; a node not named is alone */
  partitionInto (groups: string[][]): void {
    this.partition = new Map()
    let g = 0
    for (const group of groups) {
      g++
      for (const id of group) this.partition.set(id, g)
    }
    for (const id of this.nodes.keys()) {
      if (!this.partition.has(id)) this.partition.set(id, ++g)
    }
  }

  isolate (id: string): void {
    this.partitionInto([[...this.nodes.keys()].filter(n => n !== id)])
  }

  heal (): void {
    this.partition = new Map()
  }

  connected (a: string, b: string): boolean {
    return (this.partition.get(a) ?? 0) === (this.partition.get(b) ?? 0)
  }

  // --- driving ------------------------------------------------------------

  tick (id: string): void {
    const node = this.node(id)
    node.core?.tick()
    this.check.afterStep(this, node)
  }

  /** Delivers the message at `i` of `inflight` (or drops it, by partition or loss) */
  deliver (i: number): void {
    const [{ msg }] = this.inflight.splice(i, 1)
    if (!this.connected(msg.from, msg.to)) return
    if (this.lossRate > 0 && this.rng.int(1_000_000) < this.lossRate * 1_000_000) return
    if (this.duplicateRate > 0 && this.rng.int(1_000_000) < this.duplicateRate * 1_000_000) {
      this.inflight.push({ msg: structuredClone(msg) })
    }
    const node = this.nodes.get(msg.to)
    if (node?.core === undefined) return
    this.delivered.set(msg.type, (this.delivered.get(msg.type) ?? 0) + 1)
    node.core.step(msg)
    this.check.afterStep(this, node)
  }

  /** Takes a ready if there is one and none is pending; true if it did */
  takeReady (id: string): boolean {
    const node = this.node(id)
    if (node.core === undefined || node.pending !== undefined || !node.core.hasReady()) return false
    const rd = node.core.ready()
    node.pending = rd
    this.check.onReady(this, node, rd)
    for (const msg of rd.earlyMessages) this.inflight.push({ msg: structuredClone(msg) })
    if (rd.snapshot === undefined) this.applyReady(node, rd)
    return true
  }

  private applyReady (node: SimNode, rd: Ready): void {
    for (const e of rd.committedEntries) this.apply(node, e)
    for (const rs of rd.readStates) {
      this.check.onReadState(node, rs, node.sm.index)
      this.served++
    }
  }

  /** The pending ready becomes durable: persist, send the messages that waited for it, restore a snapshot, advance */
  persist (id: string): boolean {
    const node = this.node(id)
    const rd = node.pending
    if (node.core === undefined || rd === undefined) return false
    node.disk.save({ snapshot: rd.snapshot, replacesLog: rd.snapshot !== undefined, entries: rd.entries, hardState: rd.hardState })
    for (const msg of rd.messages) this.inflight.push({ msg: structuredClone(msg) })
    if (rd.snapshot !== undefined) {
      node.sm = this.restoreSm(node, rd.snapshot)
      this.applyReady(node, rd)
    }
    node.pending = undefined
    node.core.advance()
    this.check.afterStep(this, node)
    return true
  }

  private apply (node: SimNode, e: Entry): void {
    node.sm = this.check.onApply(node, node.sm, e)
    const p = node.proposals.get(e.index)
    if (p !== undefined) {
      node.proposals.delete(e.index)
      if (p.term === e.term && p.data === bytesKey(e.data)) {
        this.acked++
        this.check.onAck(e.index)
      }
    }
  }

  private restoreSm (node: SimNode, s: Snapshot): StateMachine {
    return this.check.onRestore(node, s)
  }

  compact (id: string): void {
    const node = this.node(id)
    const core = node.core
    if (core === undefined) return
    const { applied, firstIndex } = core.status()
    // a taken ready's entries are applied here before the core counts them (at advance)
    if (applied < firstIndex || node.sm.index !== applied) return
    const snapshot = core.compact(applied, encoder.encode(JSON.stringify(node.sm)))
    node.disk.save({ snapshot })
    this.check.afterStep(this, node)
  }

  /** Proposes on `id` if it leads; returns whether it was accepted */
  propose (id: string): boolean {
    const node = this.node(id)
    if (node.core?.status().role !== 'leader') return false
    const data = `p${++this.proposalSeq}`
    try {
      const { index, term } = node.core.propose(encoder.encode(data))
      node.proposals.set(index, { term, data })
    } catch (err) {
      if ((err as Error).name === 'ProposalDroppedError') return false
      throw err
    }
    this.check.afterStep(this, node)
    return true
  }

  /** Starts a ReadIndex read on `id` if it leads */
  read (id: string): boolean {
    const node = this.node(id)
    if (node.core?.status().role !== 'leader') return false
    const ctx = `r${++this.readSeq}`
    try {
      node.core.readIndex(encoder.encode(ctx))
    } catch (err) {
      if ((err as Error).name === 'ProposalDroppedError') return false
      throw err
    }
    node.reads.set(ctx, this.check.committedIndex())
    return true
  }

  /** Everything ready is taken and persisted, every message delivered, until quiet (or `maxRounds`) */
  stabilize (maxRounds = 1_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let busy = false
      for (const id of this.nodes.keys()) {
        if (this.persist(id)) busy = true
        if (this.takeReady(id)) {
          this.persist(id)
          busy = true
        }
      }
      for (let delivered = 0; this.inflight.length > 0; delivered++) {
        // members that answer each other forever are a livelock, not a quiet group
        if (delivered > MAX_DELIVERIES_PER_ROUND) throw new InvariantError(`liveness: messages never settle (${this.inflight[0].msg.type} from ${this.inflight[0].msg.from})`)
        this.deliver(0)
        busy = true
      }
      if (!busy) return
    }
  }

  /** Ticks every live node `n` times, stabilizing after each */
  tickAll (n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.live()) this.tick(node.id)
      this.stabilize()
    }
  }

  /** Elects a leader, then takes one other member down while the leader commits `proposals` entries */
  leaderWithOneDown (proposals: number): { leader: string, down: string } {
    const leader = this.electLeader()
    const down = [...this.nodes.keys()].find(id => id !== leader) as string
    this.crash(down)
    for (let i = 0; i < proposals; i++) this.propose(leader)
    this.tickAll(3)
    return { leader, down }
  }

  /** Ticks until some node leads (a leader every live node connected to it follows), or throws */
  electLeader (maxTicks = 200): string {
    for (let i = 0; i < maxTicks; i++) {
      this.tickAll()
      const leaders = this.leaders()
      if (leaders.length === 1) return leaders[0].id
    }
    throw new Error('no leader elected')
  }
}
