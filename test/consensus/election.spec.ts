import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.ts'

const encoder = new TextEncoder()
const ELECTION_TICKS = 10

function followerOf (c: Cluster, leader: string): string {
  return [...c.nodes.keys()].find(id => id !== leader) as string
}

describe('raft election', () => {
  it('elects one leader that commits proposals on every member', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 1 })
    const leader = c.electLeader()
    expect(c.propose(leader)).toBe(true)
    c.tickAll(3)
    for (const id of ['a', 'b', 'c']) {
      expect(c.core(id).status().leader).toBe(leader)
      // three founding entries, the leader's no-op and the proposal
      expect(c.node(id).sm.index).toBe(5)
    }
    expect(c.acked).toBe(1)
  })

  it('a single member leads itself', () => {
    const c = new Cluster({ members: ['solo'], seed: 2 })
    expect(c.electLeader()).toBe('solo')
    c.propose('solo')
    c.stabilize()
    expect(c.acked).toBe(1)
  })

  it('refuses proposals on a follower, naming the leader it knows', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 3 })
    const leader = c.electLeader()
    expect(() => c.core(followerOf(c, leader)).propose(encoder.encode('x')))
      .toThrow(expect.objectContaining({ name: 'NotLeaderError', leader }))
  })

  it('pre-vote: a partitioned member does not raise its term, and does not unseat the leader when it returns', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 4 })
    const leader = c.electLeader()
    const term = c.core(leader).status().term
    const away = followerOf(c, leader)
    c.isolate(away)
    for (let i = 0; i < 20 * ELECTION_TICKS; i++) c.tickAll()
    expect(c.core(away).status().term).toBe(term)
    c.heal()
    c.tickAll(3 * ELECTION_TICKS)
    for (const id of ['a', 'b', 'c']) expect(c.core(id).status()).toMatchObject({ term, leader })
  })

  it('without pre-vote the same partition inflates the term and costs the leader its leadership', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 4, core: { preVote: false } })
    const leader = c.electLeader()
    const term = c.core(leader).status().term
    const away = followerOf(c, leader)
    c.isolate(away)
    for (let i = 0; i < 20 * ELECTION_TICKS; i++) c.tickAll()
    expect(c.core(away).status().term).toBeGreaterThan(term + 5)
    c.heal()
    c.tickAll(3 * ELECTION_TICKS)
    expect(c.core(leader).status().term).toBeGreaterThan(term + 5)
  })

  it('check-quorum: a leader cut off from the quorum steps down within an election timeout', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 5 })
    const leader = c.electLeader()
    c.isolate(leader)
    c.tickAll(2 * ELECTION_TICKS)
    expect(c.core(leader).status().role).toBe('follower')
    const others = ['a', 'b', 'c'].filter(id => id !== leader)
    const next = others.map(id => c.core(id).status()).find(st => st.role === 'leader')
    expect(next?.leader).toBeDefined()
  })

  it('without check-quorum the cut-off leader goes on believing it leads', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 5, core: { checkQuorum: false } })
    const leader = c.electLeader()
    c.isolate(leader)
    c.tickAll(2 * ELECTION_TICKS)
    expect(c.core(leader).status().role).toBe('leader')
  })

  it('a member restarted from its disk keeps its term and vote', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 6 })
    const leader = c.electLeader()
    const before = c.core(leader).status()
    c.crash(leader)
    c.restart(leader)
    const after = c.core(leader).status()
    expect(after).toMatchObject({ term: before.term, vote: before.vote, role: 'follower', lastIndex: before.lastIndex })
  })
})
