import { describe, expect, it } from 'vitest'
import { createRaftCore, seededRng } from '../../src/consensus/raft/index.ts'
import { Cluster } from './cluster.ts'
import { drain, elect, founding } from './drive.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

describe('raft ReadIndex', () => {
  it('serves a read at the commit index once a quorum confirms the leader', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 31 })
    const leader = c.electLeader()
    c.propose(leader)
    c.tickAll()
    expect(c.read(leader)).toBe(true)
    c.stabilize()
    expect(c.served).toBe(1)
  })

  it('a leader cut off from the quorum serves no read', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 32 })
    const leader = c.electLeader()
    c.isolate(leader)
    c.read(leader)
    c.tickAll(30)
    expect(c.served).toBe(0)
    expect(c.core(leader).status().role).toBe('follower')
  })

  it('a new leader answers reads only after committing an entry of its term', () => {
    const core = createRaftCore({ id: 'a', rng: seededRng(33), persisted: { hardState: { term: 1, commit: 3 }, entries: founding(['a', 'b', 'c']) } })
    elect(core, 'b')
    drain(core)
    core.readIndex(encoder.encode('r1'))
    // no heartbeat round starts before the no-op commits
    expect(drain(core).messages.filter(m => m.type === 'heartbeat' && m.context > 0)).toEqual([])
    core.step({ type: 'append-response', from: 'b', to: 'a', term: core.status().term, index: 4, reject: false, hintIndex: 0, hintTerm: 0 })
    const round = drain(core).messages.filter(m => m.type === 'heartbeat' && m.context > 0)
    expect(round.map(m => m.to).sort()).toEqual(['b', 'c'])
    const context = round[0].type === 'heartbeat' ? round[0].context : 0
    core.step({ type: 'heartbeat-response', from: 'c', to: 'a', term: core.status().term, context })
    const { readStates } = drain(core)
    expect(readStates.map(r => [r.index, decoder.decode(r.requestCtx)])).toEqual([[4, 'r1']])
  })

  it('a follower refuses a read, naming the leader', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 34 })
    const leader = c.electLeader()
    const follower = ['a', 'b', 'c'].find(id => id !== leader) as string
    expect(() => c.core(follower).readIndex(encoder.encode('r'))).toThrow(expect.objectContaining({ name: 'NotLeaderError', leader }))
  })
})
