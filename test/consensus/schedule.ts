/**
 * One seeded schedule: a group of 3–7 members (and up to two peers outside
 * it) under message loss, duplication, reordering, partitions, crashes that
 * lose unsynced writes and restarts, with proposals, reads, compactions,
 * membership changes and leadership transfers throughout. Invariants are
 * checked after every step; at the end the network heals and the group must
 * elect a leader and commit a proposal on every member.
 */
import { seededRng } from '../../src/consensus/raft/rng.ts'
import { Cluster } from './cluster.ts'
import { InvariantError } from './invariants.ts'

export interface ScheduleStats {
  acked: number
  terms: number
  snapshots: number
  confChanges: number
  transfers: number
  reads: number
  crashes: number
}

const LIVENESS_ROUNDS = 400

function pick<T> (rng: { int(n: number): number }, items: T[]): T | undefined {
  return items.length === 0 ? undefined : items[rng.int(items.length)]
}

export function runSchedule (seed: number, steps: number): ScheduleStats {
  const rng = seededRng(seed ^ 0x5bd1e995)
  const size = 3 + rng.int(5)
  const ids = Array.from({ length: size + rng.int(3) }, (_, i) => `n${i + 1}`)
  const members = ids.slice(0, size)
  const c = new Cluster({
    members,
    spares: ids.slice(size),
    seed,
    core: {
      electionTicks: 3 + rng.int(10),
      preVote: rng.int(4) !== 0,
      checkQuorum: rng.int(4) !== 0,
      maxEntriesPerMessage: 1 + rng.int(6),
      maxInflightMessages: 1 + rng.int(6)
    }
  })
  c.lossRate = [0, 0.02, 0.1][rng.int(3)]
  c.duplicateRate = [0, 0.02, 0.1][rng.int(3)]
  const stats: ScheduleStats = { acked: 0, terms: 0, snapshots: 0, confChanges: 0, transfers: 0, reads: 0, crashes: 0 }

  // how often each kind of event comes differs from seed to seed
  const weights = {
    deliver: 30 + rng.int(30),
    ready: 15 + rng.int(20),
    tick: 5 + rng.int(25),
    propose: 3 + rng.int(10),
    read: rng.int(3),
    compact: rng.int(3),
    crash: rng.int(4) * 0.4,
    crashLeader: rng.int(3) * 0.2,
    isolateLeader: rng.int(3) * 0.2,
    restart: 1 + rng.int(3),
    partition: rng.int(3) * 0.6,
    conf: rng.int(3) * 0.6,
    transfer: rng.int(3) * 0.4
  }
  const kinds = Object.keys(weights) as Array<keyof typeof weights>
  const totalWeight = kinds.reduce((sum, k) => sum + weights[k], 0)
  const choose = (): keyof typeof weights => {
    let x = rng.int(1_000_000) / 1_000_000 * totalWeight
    for (const k of kinds) {
      x -= weights[k]
      if (x < 0) return k
    }
    return 'deliver'
  }

  for (let step = 0; step < steps; step++) {
    const kind = choose()
    const node = pick(rng, c.live())
    const leader = pick(rng, c.leaders())
    switch (kind) {
      case 'deliver':
        // mostly in some disorder, sometimes the oldest first
        if (c.inflight.length > 0) c.deliver(rng.int(2) === 0 ? 0 : rng.int(c.inflight.length))
        break
      case 'ready':
        if (node !== undefined && !c.persist(node.id)) c.takeReady(node.id)
        break
      case 'tick':
        if (node !== undefined) c.tick(node.id)
        break
      case 'propose':
        if (leader !== undefined) c.propose(leader.id)
        break
      case 'read':
        if (leader !== undefined && c.read(leader.id)) stats.reads++
        break
      case 'compact':
        if (node?.core !== undefined) {
          const st = node.core.status()
          if (st.applied - st.firstIndex > 8) {
            c.compact(node.id)
            stats.snapshots++
          }
        }
        break
      case 'crash':
        if (node !== undefined) {
          c.crash(node.id)
          stats.crashes++
        }
        break
      case 'crashLeader':
        if (leader !== undefined) {
          c.crash(leader.id)
          stats.crashes++
        }
        break
      case 'isolateLeader':
        if (leader !== undefined) c.isolate(leader.id)
        break
      case 'restart': {
        const down = pick(rng, [...c.nodes.values()].filter(n => n.core === undefined))
        if (down !== undefined) c.restart(down.id)
        break
      }
      case 'partition':
        if (rng.int(3) === 0) {
          c.heal()
        } else {
          const shuffled = ids.map(id => ({ id, k: rng.int(1000) })).sort((a, b) => a.k - b.k).map(x => x.id)
          const cut = 1 + rng.int(ids.length - 1)
          c.partitionInto([shuffled.slice(0, cut), shuffled.slice(cut)])
        }
        break
      case 'conf':
        if (leader?.core !== undefined && changeMembers(c, leader.id, ids, rng)) stats.confChanges++
        break
      case 'transfer':
        if (leader?.core !== undefined) {
          const to = pick(rng, leader.core.status().members.filter(m => m !== leader.id))
          if (to !== undefined) {
            leader.core.transferLeadership(to)
            stats.transfers++
          }
        }
        break
    }
  }

  checkLiveness(c)
  stats.acked = c.acked
  stats.terms = c.check.terms
  return stats
}

function changeMembers (c: Cluster, leader: string, ids: string[], rng: { int(n: number): number }): boolean {
  const core = c.core(leader)
  const members = core.status().members
  const outside = ids.filter(id => !members.includes(id))
  const add = members.length < 3 || (outside.length > 0 && rng.int(2) === 0)
  const member = add ? pick(rng, outside) : pick(rng, members)
  if (member === undefined || (!add && members.length <= 3)) return false
  try {
    core.proposeConfChange({ type: add ? 'add' : 'remove', member })
    return true
  } catch (err) {
    if ((err as Error).name === 'ProposalDroppedError') return false
    throw err
  }
}

/** After healing everything, a leader is elected and a new proposal reaches every member */
function checkLiveness (c: Cluster): void {
  c.heal()
  c.lossRate = 0
  c.duplicateRate = 0
  for (const n of c.nodes.values()) c.restart(n.id)
  const before = c.acked
  for (let round = 0; round < LIVENESS_ROUNDS; round++) {
    c.tickAll()
    const leaders = c.leaders().filter(l => l.core?.status().members.includes(l.id) === true)
    if (leaders.length !== 1) continue
    const leader = leaders[0]
    const term = leader.core?.status().term
    if (c.acked === before) {
      // (again, if an earlier leader's proposal was lost with its leadership)
      if (![...leader.proposals.values()].some(p => p.term === term)) c.propose(leader.id)
      continue
    }
    const members = (leader.core?.status().members ?? []).map(id => c.node(id))
    if (members.every(m => m.sm.index >= c.check.committedIndex())) {
      c.check.allApplied(members)
      return
    }
  }
  const state = [...c.nodes.values()].map(n => {
    const st = n.core?.status()
    return `${n.id}: ${st?.role} term ${st?.term} leader ${st?.leader} commit ${st?.commit} applied ${n.sm.index} last ${st?.lastIndex} members ${st?.members.join(',')}`
  })
  throw new InvariantError(`liveness: no leader committed a proposal on every member within ${LIVENESS_ROUNDS} rounds after healing\n${state.join('\n')}`)
}
