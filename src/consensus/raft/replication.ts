/**
 * Log replication: a leader's appends (batched, pipelined while a follower
 * keeps up, probing when it does not), heartbeats, snapshots for followers
 * too far behind, commit by quorum; and a follower's side of each.
 */
import type { Raft } from './raft.ts'
import type { AppendRequest, AppendResponse, HeartbeatRequest, HeartbeatResponse, SnapshotRequest } from './messages.ts'
import type { Progress } from './progress.ts'

function sendSnapshot (r: Raft, to: string, pr: Progress): boolean {
  const snapshot = r.log.snapshot
  r.send({ type: 'snapshot', from: r.id, to, term: r.term, snapshot })
  pr.becomeSnapshot(snapshot.index)
  return false
}

/** Sends one append to `to` if its progress allows; true when it carried entries. */
function sendAppend (r: Raft, to: string, sendIfEmpty: boolean): boolean {
  const pr = r.progress.get(to)
  if (pr === undefined || pr.isPaused()) return false
  const prevIndex = pr.next - 1
  const prevTerm = r.log.term(prevIndex)
  const entries = r.log.slice(pr.next, r.log.lastIndex() + 1, r.cfg.maxEntriesPerMessage, r.cfg.maxBytesPerMessage)
  if (prevTerm === undefined || entries === undefined) return sendSnapshot(r, to, pr)
  if (entries.length === 0 && !sendIfEmpty) return false
  r.send({ type: 'append', from: r.id, to, term: r.term, prevIndex, prevTerm, entries, commit: r.log.committed })
  if (entries.length > 0) {
    pr.sentEntries(entries[entries.length - 1].index)
    return true
  }
  if (pr.state === 'probe') pr.probeSent = true
  return false
}

/** Sends `to` what it lacks, as far as its progress allows. */
export function flushTo (r: Raft, to: string, sendIfEmpty: boolean): void {
  let sent = sendAppend(r, to, sendIfEmpty)
  while (sent) sent = sendAppend(r, to, false)
}

export function bcastAppend (r: Raft, sendIfEmpty: boolean): void {
  for (const to of r.progress.keys()) flushTo(r, to, sendIfEmpty)
}

export function bcastHeartbeat (r: Raft): void {
  const context = r.reads.lastSeq()
  for (const [to, pr] of r.progress) {
    // never past what the follower is known to hold: its log may differ beyond that
    const commit = Math.min(pr.match, r.log.committed)
    r.send({ type: 'heartbeat', from: r.id, to, term: r.term, commit, context })
  }
}

/** Commits the highest index a quorum holds, if it is of the current term. */
export function maybeCommit (r: Raft): boolean {
  r.syncProgress()
  const matches = r.members().map(m => m === r.id ? r.log.stableIndex : (r.progress.get(m)?.match ?? 0))
  matches.sort((a, b) => b - a)
  const index = matches[r.quorum() - 1] ?? 0
  // an entry of an earlier term commits only by being followed by one of this term
  if (index <= r.log.committed || r.log.term(index) !== r.term) return false
  r.log.commitTo(index)
  r.afterCommit()
  return true
}

export function handleAppendResponse (r: Raft, m: AppendResponse): void {
  const pr = r.progress.get(m.from)
  if (pr === undefined) return
  pr.recentActive = true
  if (m.index > r.log.lastIndex()) return
  if (m.reject) {
    const probeFrom = r.log.findConflictByTerm(m.hintIndex, m.hintTerm)
    if (pr.maybeDecrTo(m.index, probeFrom)) flushTo(r, m.from, true)
    return
  }
  if (!pr.maybeUpdate(m.index)) return
  if (pr.state === 'probe' || (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot)) pr.becomeReplicate()
  if (maybeCommit(r)) {
    if (r.role === 'leader') bcastAppend(r, true)
  } else {
    flushTo(r, m.from, false)
  }
  if (r.role === 'leader' && m.from === r.transferee && pr.match === r.log.lastIndex()) {
    r.send({ type: 'timeout-now', from: r.id, to: m.from, term: r.term })
  }
}

export function handleHeartbeatResponse (r: Raft, m: HeartbeatResponse): void {
  const pr = r.progress.get(m.from)
  if (pr === undefined) return
  pr.recentActive = true
  if (pr.state === 'probe') pr.probeSent = false
  pr.freeOne()
  if (pr.match < r.log.lastIndex()) flushTo(r, m.from, true)
  if (m.context > 0) {
    r.readStates.push(...r.reads.ack(m.context, m.from, acks => r.isQuorum(acks)))
  }
}

export function handleAppend (r: Raft, m: AppendRequest): void {
  const reply = { type: 'append-response' as const, from: r.id, to: m.from, term: r.term, reject: false, hintIndex: 0, hintTerm: 0 }
  if (m.prevIndex < r.log.committed) {
    r.send({ ...reply, index: r.log.committed })
    return
  }
  const lastNew = r.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries)
  if (lastNew !== undefined) {
    r.send({ ...reply, index: lastNew })
    return
  }
  const hintIndex = r.log.findConflictByTerm(m.prevIndex, m.prevTerm)
  r.send({ ...reply, index: m.prevIndex, reject: true, hintIndex, hintTerm: r.log.term(hintIndex) ?? 0 })
}

export function handleHeartbeat (r: Raft, m: HeartbeatRequest): void {
  r.log.commitTo(Math.min(m.commit, r.log.lastIndex()))
  r.send({ type: 'heartbeat-response', from: r.id, to: m.from, term: r.term, context: m.context })
}

export function handleSnapshot (r: Raft, m: SnapshotRequest): void {
  const s = m.snapshot
  const reply = { type: 'append-response' as const, from: r.id, to: m.from, term: r.term, reject: false, hintIndex: 0, hintTerm: 0 }
  if (s.index <= r.log.committed) {
    r.send({ ...reply, index: r.log.committed })
    return
  }
  if (r.log.matchTerm(s.index, s.term)) {
    // the log already holds it: only the commit index moves
    r.log.commitTo(s.index)
    r.send({ ...reply, index: r.log.committed })
    return
  }
  r.log.restore(s)
  r.send({ ...reply, index: r.log.lastIndex() })
}
