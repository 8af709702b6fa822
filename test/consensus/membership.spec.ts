import { describe, expect, it } from 'vitest'
import { Cluster } from './cluster.ts'

const encoder = new TextEncoder()

describe('raft membership changes and leadership transfer', () => {
  it('adds a member, which catches up and counts toward the quorum', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], spares: ['d'], seed: 21 })
    const leader = c.electLeader()
    c.propose(leader)
    c.tickAll()
    c.core(leader).proposeConfChange({ type: 'add', member: 'd' })
    c.tickAll(3)
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(c.core(id).status().members).toEqual(['a', 'b', 'c', 'd'])
      expect(c.node(id).sm.index).toBe(c.core(leader).status().lastIndex)
    }
    // with d counted, two of four are not a quorum
    const others = ['a', 'b', 'c'].filter(id => id !== leader)
    c.crash(others[0])
    c.crash('d')
    const before = c.core(leader).status().commit
    c.propose(leader)
    c.tickAll(3)
    expect(c.core(leader).status().commit).toBe(before)
    c.restart('d')
    c.tickAll(3)
    expect(c.core(leader).status().commit).toBeGreaterThan(before)
  })

  it('takes one change at a time', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], spares: ['d', 'e'], seed: 22 })
    const leader = c.electLeader()
    c.core(leader).proposeConfChange({ type: 'add', member: 'd' })
    expect(() => c.core(leader).proposeConfChange({ type: 'add', member: 'e' }))
      .toThrow(expect.objectContaining({ name: 'ProposalDroppedError', reason: 'conf-pending' }))
    c.tickAll(3)
    c.core(leader).proposeConfChange({ type: 'add', member: 'e' })
    c.tickAll(3)
    expect(c.core(leader).status().members).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(() => c.core(leader).proposeConfChange({ type: 'add', member: 'e' })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('a removed leader steps down once its removal commits, and the rest go on without it', () => {
    const c = new Cluster({ members: ['a', 'b', 'c', 'd'], seed: 23 })
    const leader = c.electLeader()
    c.core(leader).proposeConfChange({ type: 'remove', member: leader })
    c.stabilize()
    c.tickAll(2)
    expect(c.core(leader).status().role).toBe('follower')
    const rest = ['a', 'b', 'c', 'd'].filter(id => id !== leader)
    let next: string | undefined
    for (let i = 0; i < 100 && next === undefined; i++) {
      c.tickAll()
      next = rest.find(id => c.core(id).status().role === 'leader')
    }
    expect(next).toBeDefined()
    expect(c.core(next as string).status().members).toEqual(rest)
    const acked = c.acked
    c.propose(next as string)
    c.tickAll(3)
    expect(c.acked).toBe(acked + 1)
    // the removed member never campaigns again
    c.tickAll(50)
    expect(c.core(leader).status().role).toBe('follower')
  })

  it('transfers leadership to an up-to-date member, refusing proposals meanwhile', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 24 })
    const leader = c.electLeader()
    const to = ['a', 'b', 'c'].find(id => id !== leader) as string
    const term = c.core(leader).status().term
    c.core(leader).transferLeadership(to)
    expect(() => c.core(leader).propose(encoder.encode('x')))
      .toThrow(expect.objectContaining({ name: 'ProposalDroppedError', reason: 'transferring' }))
    c.stabilize()
    expect(c.core(to).status()).toMatchObject({ role: 'leader', term: term + 1 })
    expect(c.core(leader).status()).toMatchObject({ role: 'follower', leader: to })
  })

  it('transfers to a member that lags only after bringing it up to date', () => {
    const c = new Cluster({ members: ['a', 'b', 'c'], seed: 25 })
    const { leader, down: to } = c.leaderWithOneDown(10)
    c.restart(to)
    c.core(leader).transferLeadership(to)
    c.tickAll(3)
    expect(c.core(to).status().role).toBe('leader')
    expect(c.node(to).sm.index).toBeGreaterThanOrEqual(c.check.committedIndex())
  })
})
