/**
 * Leader election: pre-vote polls (a member that cannot win does not raise
 * its term and so cannot disrupt a working group), real votes, and counting
 * them against the current configuration.
 */
import type { Raft } from './raft.ts'
import type { VoteRequest, VoteResponse } from './messages.ts'

type Poll = 'won' | 'lost' | 'pending'

function poll (r: Raft): Poll {
  const members = r.members()
  let granted = 0
  let rejected = 0
  for (const m of members) {
    const v = r.votes.get(m)
    if (v === true) granted++
    else if (v === false) rejected++
  }
  const quorum = r.quorum()
  if (granted >= quorum) return 'won'
  if (rejected > members.length - quorum) return 'lost'
  return 'pending'
}

/**
 * Starts a campaign: a pre-vote poll at the term it would take, or a real
 * election at a new term. `transfer` marks a campaign the leader asked for
 * (TimeoutNow), which voters grant despite their leader lease.
 */
export function campaign (r: Raft, kind: 'prevote' | 'vote', transfer: boolean): void {
  if (!r.promotable()) return
  let voteTerm: number
  if (kind === 'prevote') {
    r.becomePreCandidate()
    voteTerm = r.term + 1
  } else {
    r.becomeCandidate()
    voteTerm = r.term
  }
  r.votes.set(r.id, true)
  if (poll(r) === 'won') {
    if (kind === 'prevote') campaign(r, 'vote', transfer)
    else r.becomeLeader()
    return
  }
  const lastIndex = r.log.lastIndex()
  const lastTerm = r.log.lastTerm()
  for (const to of r.members()) {
    if (to === r.id) continue
    r.send({ type: kind, from: r.id, to, term: voteTerm, lastIndex, lastTerm, transfer })
  }
}

/** Grants a vote (or pre-vote) to a candidate whose log is at least as up to date, once per term. */
export function handleVoteRequest (r: Raft, m: VoteRequest): void {
  const type = m.type === 'vote' ? 'vote-response' : 'prevote-response'
  const canVote = r.vote === m.from ||
    (r.vote === undefined && r.leader === undefined) ||
    (m.type === 'prevote' && m.term > r.term)
  if (canVote && r.log.isUpToDate(m.lastIndex, m.lastTerm)) {
    // a grant carries the candidate's term, so a pre-candidate can count it
    r.send({ type, from: r.id, to: m.from, term: m.term, reject: false })
    if (m.type === 'vote') {
      r.electionElapsed = 0
      r.vote = m.from
    }
    return
  }
  r.send({ type, from: r.id, to: m.from, term: r.term, reject: true })
}

/** Counts an answer of the campaign under way. */
export function handleVoteResponse (r: Raft, m: VoteResponse): void {
  // a pre-vote grant carries the term the poll asked for; anything else is an earlier poll's
  if (m.type === 'prevote-response' && !m.reject && m.term !== r.term + 1) return
  if (!r.votes.has(m.from)) r.votes.set(m.from, !m.reject)
  const result = poll(r)
  if (result === 'won') {
    if (r.role === 'pre-candidate') campaign(r, 'vote', false)
    else r.becomeLeader()
  } else if (result === 'lost') {
    r.becomeFollower(r.term, undefined)
  }
}
