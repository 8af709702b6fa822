import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.ts'

const encoder = new TextEncoder()

describe('raft election', () => {
  it('elects one leader that commits proposals on every member', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 1 })
    const leader = c.electLeader()
    expect(c.propose(leader)).toBe(true)
    c.tickAll(3)
    for (const id of ['a', 'b', 'c']) {
      const st = c.core(id).status()
      expect(st.leader).toBe(leader)
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

  it('refuses proposals on a follower with the leader it knows', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 3 })
    const leader = c.electLeader()
    const follower = ['a', 'b', 'c'].find(id => id !== leader) as string
    expect(() => c.core(follower).propose(encoder.encode('x'))).toThrow(expect.objectContaining({ name: 'NotLeaderError', leader }))
  })
})
