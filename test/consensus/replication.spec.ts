import { describe, expect, it } from 'vitest'
import { createRaftCore, seededRng } from '../../src/consensus/raft/index.ts'
import type { AppendRequest } from '../../src/consensus/raft/index.ts'
import { Cluster } from './cluster.ts'
import { drain, elect, founding } from './drive.ts'

const encoder = new TextEncoder()

describe('raft replication', () => {
  it('batches entries per message and pipelines a bounded number of messages to a follower', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 11, core: { maxEntriesPerMessage: 3, maxInflightMessages: 2 } })
    const leader = c.electLeader()
    const follower = ['a', 'b', 'c'].find(id => id !== leader) as string
    for (let i = 0; i < 20; i++) c.propose(leader)
    c.takeReady(leader)
    c.persist(leader)
    const appends = c.inflight.map(f => f.msg).filter((m): m is AppendRequest => m.type === 'append' && m.to === follower)
    // two messages of three entries each are out before any answer
    expect(appends.map(m => m.entries.length)).toEqual([3, 3])
    expect(appends[1].prevIndex).toBe(appends[0].prevIndex + 3)
    c.tickAll(5)
    for (const id of ['a', 'b', 'c']) expect(c.node(id).sm.index).toBe(c.core(leader).status().lastIndex)
    expect(c.acked).toBe(20)
  })

  it('a leader sends its entries while it writes them, and counts itself toward commit only once they are durable', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 13 })
    const leader = c.electLeader()
    const [follower, down] = ['a', 'b', 'c'].filter(id => id !== leader)
    c.crash(down)
    c.propose(leader)
    const { lastIndex, commit } = c.core(leader).status()
    c.takeReady(leader)
    // the ready is taken, not yet durable: its append is out already
    expect(c.inflight.map(f => f.msg).filter(m => m.type === 'append' && m.to === follower && m.entries.length > 0)).toHaveLength(1)
    for (let round = 0; round < 3; round++) {
      while (c.inflight.length > 0) c.deliver(0)
      if (c.takeReady(follower)) c.persist(follower)
    }
    // the follower holds the entry; with the leader's own write pending, that is one of three
    expect(c.core(follower).status().lastIndex).toBe(lastIndex)
    expect(c.core(leader).status().commit).toBe(commit)
    c.persist(leader)
    expect(c.core(leader).status().commit).toBe(lastIndex)
  })

  it('a follower that missed entries under message loss catches up', () => {
    const c = new Cluster({ members: ['a', 'b', 'c', 'd', 'e'], seed: 12 })
    const leader = c.electLeader()
    c.lossRate = 0.3
    for (let i = 0; i < 30; i++) {
      c.propose(leader)
      c.tickAll()
    }
    c.lossRate = 0
    c.tickAll(10)
    const last = c.core(leader).status().lastIndex
    for (const id of c.nodes.keys()) expect(c.node(id).sm.index).toBe(last)
  })

  it('a member away for long catches up from a snapshot once the log it needs is compacted', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 13 })
    const { leader, down: away } = c.leaderWithOneDown(40)
    for (const id of c.nodes.keys()) if (id !== away) c.compact(id)
    expect(c.core(leader).status().firstIndex).toBeGreaterThan(40)
    c.restart(away)
    c.tickAll(5)
    expect(c.delivered.get('snapshot')).toBeGreaterThan(0)
    expect(c.node(away).sm.index).toBe(c.core(leader).status().lastIndex)
    expect(c.core(away).status().firstIndex).toBe(c.core(leader).status().firstIndex)
    // and it goes on replicating after the snapshot
    c.propose(leader)
    c.tickAll(3)
    expect(c.node(away).sm.index).toBe(c.core(leader).status().lastIndex)
  })

  it('a new leader does not commit an entry of an earlier term by counting replicas, only with one of its own', () => {
    // a's log holds an entry of term 2 that b also holds; a leads term 3
    const core = createRaftCore({
      id: 'a',
      rng: seededRng(14),
      persisted: {
        hardState: { term: 2, commit: 3 },
        entries: [...founding(['a', 'b', 'c']), { index: 4, term: 2, type: 'normal', data: encoder.encode('old') }]
      }
    })
    elect(core, 'b')
    drain(core)
    expect(core.status()).toMatchObject({ role: 'leader', term: 3, lastIndex: 5, commit: 3 })
    // b holds the term-2 entry: a quorum (a, b) has index 4, yet it does not commit
    core.step({ type: 'append-response', from: 'b', to: 'a', term: 3, index: 4, reject: false, hintIndex: 0, hintTerm: 0 })
    drain(core)
    expect(core.status().commit).toBe(3)
    // once b holds the leader's own no-op, both commit
    core.step({ type: 'append-response', from: 'b', to: 'a', term: 3, index: 5, reject: false, hintIndex: 0, hintTerm: 0 })
    const { committed } = drain(core)
    expect(core.status().commit).toBe(5)
    expect(committed.map(e => [e.index, e.term])).toEqual([[4, 2], [5, 3]])
  })

  it('the leader counts its own entries only once they are durable', () => {
    const core = createRaftCore({ id: 'a', members: ['a'], rng: seededRng(15) })
    for (let i = 0; i < 30 && core.status().role !== 'leader'; i++) {
      core.tick()
      drain(core)
    }
    const { index } = core.propose(encoder.encode('x'))
    const rd = core.ready()
    expect(rd.entries.map(e => e.index)).toContain(index)
    expect(rd.committedEntries.map(e => e.index)).not.toContain(index)
    expect(core.status().commit).toBeLessThan(index)
    core.advance()
    expect(core.status().commit).toBe(index)
    expect(drain(core).committed.map(e => e.index)).toContain(index)
  })
})
