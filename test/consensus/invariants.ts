/**
 * The safety properties of Raft, checked against a group of simulated
 * members after every step: election safety, log matching, leader
 * completeness, state-machine safety, committed entries never lost, applies
 * only of durable entries, and ReadIndex reads that reflect every write
 * applied before they began. A violation throws `InvariantError`.
 */
import type { Entry, Snapshot } from '../../src/consensus/log-types.ts'
import type { Ready, ReadState } from '../../src/consensus/raft/index.ts'
import type { Cluster, SimNode, StateMachine } from './cluster.ts'

export class InvariantError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'InvariantError'
  }
}

const decoder = new TextDecoder()

export function bytesKey (data: Uint8Array): string {
  return decoder.decode(data)
}

function fnv (hash: number, e: Entry): number {
  let h = (hash ^ e.term) >>> 0
  h = Math.imul(h ^ e.index, 16777619) >>> 0
  for (const b of e.data) h = Math.imul(h ^ b, 16777619) >>> 0
  return h
}

function fail (message: string): never {
  throw new InvariantError(message)
}

interface Committed {
  term: number
  data: string
  /** Least term of any member when it applied this entry: the entry was committed at or before it */
  byTerm: number
}

export class Invariants {
  /** term → its leader */
  private readonly leaders = new Map<number, string>()
  /** `index:term` → the entry's data and the term of the entry before it */
  private readonly entries = new Map<string, { data: string, prevTerm: number }>()
  /** index → the entry applied there (index 0 unused) */
  private readonly committed: Committed[] = [{ term: 0, data: '', byTerm: 0 }]
  private readonly hashes: number[] = [0]
  /** node → its term and commit index when last looked at */
  private readonly seen = new Map<string, { term: number, commit: number }>()
  /** Highest index acknowledged to a proposer */
  ackedIndex = 0
  /** Terms that had a leader */
  get terms (): number {
    return this.leaders.size
  }

  /** Highest index applied anywhere */
  committedIndex (): number {
    return this.committed.length - 1
  }

  afterStep (cluster: Cluster, touched: SimNode): void {
    for (const n of cluster.live()) {
      const st = n.core?.status()
      if (st?.role !== 'leader') continue
      const prev = this.leaders.get(st.term)
      if (prev !== undefined && prev !== n.id) fail(`election safety: ${prev} and ${n.id} both lead term ${st.term}`)
      this.leaders.set(st.term, n.id)
    }
    this.checkLog(touched)
  }

  private checkLog (node: SimNode): void {
    const core = node.core
    if (core === undefined) return
    const st = core.status()
    const snapIndex = st.firstIndex - 1
    if (snapIndex > 0 && snapIndex < this.committed.length && this.committed[snapIndex].term !== st.snapshotTerm) {
      fail(`${node.id}: snapshot at ${snapIndex} has term ${st.snapshotTerm}, committed term ${this.committed[snapIndex].term}`)
    }
    if (st.commit > st.lastIndex) fail(`${node.id}: commit ${st.commit} beyond last index ${st.lastIndex}`)
    const before = this.seen.get(node.id)
    this.seen.set(node.id, { term: st.term, commit: st.commit })
    if (st.role === 'leader' && before?.term === st.term && st.commit > before.commit) {
      // the commitment rule: a leader counts replicas only of an entry of its own term
      const term = core.entries(st.commit, st.commit + 1)[0]?.term
      if (term !== st.term) fail(`${node.id}: leader of term ${st.term} committed ${st.commit} of term ${term} by counting`)
    }
    let prevTerm = st.snapshotTerm
    const entries = core.entries(st.firstIndex, st.lastIndex + 1)
    if (entries.length !== st.lastIndex - snapIndex) fail(`${node.id}: log has holes`)
    for (const e of entries) {
      const key = `${e.index}:${e.term}`
      const data = bytesKey(e.data)
      const seen = this.entries.get(key)
      if (seen === undefined) {
        this.entries.set(key, { data, prevTerm })
      } else if (seen.data !== data || seen.prevTerm !== prevTerm) {
        fail(`log matching: ${node.id} holds a different entry ${key}`)
      }
      if (e.term < prevTerm) fail(`${node.id}: terms fall at ${e.index}`)
      const c = this.committed[e.index]
      if (c !== undefined && e.index <= st.commit && c.term !== e.term) {
        fail(`${node.id}: committed entry ${e.index} replaced (term ${c.term} → ${e.term})`)
      }
      prevTerm = e.term
    }
    if (st.role === 'leader') {
      // leader completeness: every entry committed before this term is in the log
      for (let i = st.firstIndex; i < this.committed.length; i++) {
        const c = this.committed[i]
        if (c.byTerm >= st.term) continue
        if (i > st.lastIndex || entries[i - st.firstIndex].term !== c.term) {
          fail(`leader completeness: ${node.id} leads term ${st.term} without committed entry ${i}`)
        }
      }
    }
  }

  onReady (cluster: Cluster, node: SimNode, rd: Ready): void {
    // committed entries handed out to apply must be durable already
    const first = node.disk.entries[0]?.index ?? 0
    for (const e of rd.committedEntries) {
      const onDisk = node.disk.entries[e.index - first]
      if (onDisk === undefined || onDisk.term !== e.term) fail(`${node.id}: applies entry ${e.index} that is not durable`)
    }
    if (rd.hardState !== undefined && rd.hardState.commit > Math.max(node.disk.entries.at(-1)?.index ?? 0, node.disk.snapshot?.index ?? 0, rd.entries.at(-1)?.index ?? 0, rd.snapshot?.index ?? 0)) {
      fail(`${node.id}: persists commit ${rd.hardState.commit} beyond its log`)
    }
  }

  onApply (node: SimNode, sm: StateMachine, e: Entry): StateMachine {
    if (e.index !== sm.index + 1) fail(`${node.id}: applies ${e.index} after ${sm.index}`)
    const data = bytesKey(e.data)
    const term = node.core?.status().term ?? 0
    const c = this.committed[e.index]
    if (c === undefined) {
      this.committed.push({ term: e.term, data, byTerm: term })
      this.hashes.push(fnv(this.hashes[e.index - 1], e))
    } else {
      if (c.term !== e.term || c.data !== data) {
        fail(`state-machine safety: ${node.id} applies ${e.index}:${e.term} where ${e.index}:${c.term} was applied`)
      }
      c.byTerm = Math.min(c.byTerm, term)
    }
    const hash = fnv(sm.hash, e)
    if (hash !== this.hashes[e.index]) fail(`state-machine safety: ${node.id} state differs after ${e.index}`)
    return { index: e.index, hash }
  }

  onRestore (node: SimNode, s: Snapshot): StateMachine {
    const sm = JSON.parse(decoder.decode(s.data)) as StateMachine
    if (sm.index !== s.index) fail(`${node.id}: snapshot at ${s.index} holds state at ${sm.index}`)
    if (s.index >= this.hashes.length || this.hashes[s.index] !== sm.hash) {
      fail(`state-machine safety: ${node.id} restores a snapshot at ${s.index} that differs from what was applied`)
    }
    if (this.committed[s.index].term !== s.term) fail(`${node.id}: snapshot term ${s.term} at ${s.index} differs`)
    return sm
  }

  onAck (index: number): void {
    this.ackedIndex = Math.max(this.ackedIndex, index)
  }

  onReadState (node: SimNode, rs: ReadState, _applied: number): void {
    const ctx = bytesKey(rs.requestCtx)
    const least = node.reads.get(ctx)
    if (least === undefined) fail(`${node.id}: read state for an unknown read ${ctx}`)
    node.reads.delete(ctx)
    if (rs.index < least) fail(`stale read: ${node.id} serves ${ctx} at ${rs.index}, but ${least} was applied before it began`)
  }

  /** Every member of the final configuration has applied every committed entry */
  allApplied (nodes: SimNode[]): void {
    for (const n of nodes) {
      if (n.sm.index < this.committedIndex()) fail(`${n.id} applied only up to ${n.sm.index} of ${this.committedIndex()}`)
    }
  }
}
